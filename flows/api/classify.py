"""Sorting an API's error answer by what the caller must do: retry, fail the source, skip, drop.

`ApiClient` calls one of these with the HTTP status and the parsed body (None when it is not JSON)
of every answer; None means "nothing wrong". Meta and Google word their errors differently, so each
kind has its classifier. The messages quote the API (one line) and are scrubbed by the client.
Refused metrics are read from the API's own wording by `transforms.api.refusals`, which the
mappings read them with too; when Meta names a metric only by its position (`metric[2] must be
one of ...`), the client turns the position into the name with `refusals.named_metrics`.
"""

from typing import Any

from flows.api.errors import ApiError, InvalidMetricError, ItemError, TokenError
from transforms.api.refusals import google_refused, meta_refused, one_line


class RetryLater(ApiError):
    """A refusal a later attempt can get past (rate limit, transient fault): pause and retry.

    `throttle` marks Meta's throttling codes, whose limits reset over minutes, so the client waits
    far longer than after a plain fault.
    """

    def __init__(self, message: str, *, throttle: bool) -> None:
        super().__init__(message)
        self.throttle = throttle


# Meta: the token is expired, revoked or invalid (190), the session is invalid (102), the session
# expired (463) or the token is invalid (467). Nothing but a new token helps.
META_TOKEN_CODES = frozenset({102, 190, 463, 467})
# Meta throttling: application (4), user (17), page (32), custom-rate (613) and business use case
# (80000-80014) request limits.
META_THROTTLE_CODES = frozenset({4, 17, 32, 613, *range(80000, 80015)})
# Meta: "An unknown error occurred" (1) and "Service temporarily unavailable" (2) are transient.
META_TRANSIENT_CODES = frozenset({1, 2})
META_POSTED_BEFORE_BUSINESS = 2108006
META_PERMISSION_CODE = 10

GOOGLE_TOKEN_ERRORS = frozenset({"invalid_grant", "invalid_token", "unauthorized_client"})
GOOGLE_RATE_REASONS = frozenset(
    {"quotaExceeded", "rateLimitExceeded", "userRateLimitExceeded", "dailyLimitExceeded"}
)


def meta_error(status: int, data: Any) -> ApiError | None:
    """Sort a Graph API answer; None when it carries no error.

    Decisions beyond the plain code table: code 10 is Meta's "permission denied"; with "Not
    enough viewers" it is one item's missing data (ItemError), otherwise the app or token lacks a
    permission for this request, which a retry cannot fix and which is not a token failure, so it
    is an ApiError that fails the stream for this account and leaves the others running. Code 100
    "Object does not exist, cannot be loaded due to missing permission" is the same kind of
    failure (wrong id or missing permission): ApiError.
    """
    error = data.get("error") if isinstance(data, dict) else None
    if not isinstance(error, dict):
        return ApiError("no Graph API error in the body") if status >= 400 else None
    code = error.get("code")
    message = one_line(str(error.get("message", "")))
    detail = _meta_detail(error, message)
    if code in META_TOKEN_CODES:
        return TokenError(f"token rejected: {detail}")
    if code in META_THROTTLE_CODES:
        return RetryLater(f"throttled: {detail}", throttle=True)
    if code in META_TRANSIENT_CODES or error.get("is_transient") is True:
        return RetryLater(f"transient error: {detail}", throttle=False)
    if "not enough viewers" in message.lower() or (
        code == 100 and error.get("error_subcode") == META_POSTED_BEFORE_BUSINESS
    ):
        return ItemError(f"no data for this item: {detail}")
    if code == META_PERMISSION_CODE:
        return ApiError(f"permission missing: {detail}")
    if code == 100:
        metrics = meta_refused(message)
        if metrics is not None:
            return InvalidMetricError(f"invalid metrics: {detail}", metrics)
    return ApiError(detail)


def _meta_detail(error: dict[str, Any], message: str) -> str:
    """Meta's message, user title and code/subcode on one line."""
    title = one_line(str(error.get("error_user_title", "")))
    codes = f"code {error.get('code')}"
    if error.get("error_subcode") is not None:
        codes += f", subcode {error.get('error_subcode')}"
    text = f"{title}: {message}" if title else message
    return f"{text} ({codes})"


def google_error(status: int, data: Any) -> ApiError | None:
    """Sort a YouTube Analytics or GA4 Data API answer; None when it carries no error.

    Both use `{"error": {"code", "message", "status", "errors": [{"reason"}]}}`; the OAuth layer
    answers `{"error": "invalid_grant", "error_description": ...}`.
    """
    error = data.get("error") if isinstance(data, dict) else None
    if isinstance(error, str):
        text = f"{error}: {one_line(str(data.get('error_description', '')))}"
        if error in GOOGLE_TOKEN_ERRORS or status == 401:
            return TokenError(f"token rejected: {text}")
        return ApiError(text)
    if not isinstance(error, dict):
        if status == 401:
            return TokenError("token rejected: HTTP 401")
        return ApiError("no Google error in the body") if status >= 400 else None
    state = str(error.get("status", ""))
    message = one_line(str(error.get("message", "")))
    reasons = {str(e.get("reason")) for e in error.get("errors", []) if isinstance(e, dict)}
    detail = f"{message} ({', '.join(filter(None, [state, *sorted(reasons)])) or status})"
    if status == 401 or state == "UNAUTHENTICATED" or "authError" in reasons:
        return TokenError(f"token rejected: {detail}")
    if state == "RESOURCE_EXHAUSTED" or reasons & GOOGLE_RATE_REASONS:
        return RetryLater(f"quota or rate limit: {detail}", throttle=False)
    if status == 400:
        metrics = google_refused(message)
        if metrics:
            return InvalidMetricError(f"invalid metrics: {detail}", metrics)
    return ApiError(detail)


# TikTok API for Business (v1.3) answers HTTP 200 with `{"code", "message", "request_id", "data"}`
# and a non-zero `code` for an error (DECISIONLOG, "TikTok Business API"): the access token is
# expired (40102), missing (40104) or wrong or revoked (40105); requests came too frequently
# (40016, 40100, and the QPS limits 40132, 40133); the target does not exist (40007); 5xxxx codes
# are TikTok's own system errors (50000 "system error", 51065 ...), which a retry may get past.
TIKTOK_TOKEN_CODES = frozenset({40102, 40104, 40105})
TIKTOK_THROTTLE_CODES = frozenset({40016, 40100, 40132, 40133})
TIKTOK_PERMISSION_CODE = 40001
TIKTOK_NOT_FOUND_CODE = 40007
TIKTOK_SYSTEM_CODES = range(50000, 60000)


def tiktok_error(status: int, data: Any) -> ApiError | None:
    """Sort a TikTok API for Business answer; None when its `code` is 0.

    40001 is TikTok's "no permission": the token lacks a scope for this request, which a retry
    cannot fix and which is not an expired token, so it fails the stream for this account and
    leaves the source's other streams running. 40007 asked about one video is that video's
    missing data (ItemError: quarantined, the pull goes on).
    """
    code = data.get("code") if isinstance(data, dict) else None
    if not isinstance(code, int) or isinstance(code, bool):
        if status == 401:
            return TokenError("token rejected: HTTP 401")
        return (
            ApiError("no TikTok API code in the body")
            if status >= 400 or data is not None
            else None
        )
    if code == 0:
        return ApiError(f"unexpected HTTP {status} with code 0") if status >= 400 else None
    detail = f"{one_line(str(data.get('message', '')))} (code {code})"
    if code in TIKTOK_TOKEN_CODES or status == 401:
        return TokenError(f"token rejected: {detail}")
    if code in TIKTOK_THROTTLE_CODES:
        return RetryLater(f"throttled: {detail}", throttle=True)
    if code in TIKTOK_SYSTEM_CODES:
        return RetryLater(f"TikTok system error: {detail}", throttle=False)
    if code == TIKTOK_NOT_FOUND_CODE:
        return ItemError(f"no data for this item: {detail}")
    if code == TIKTOK_PERMISSION_CODE:
        return ApiError(f"permission missing: {detail}")
    return ApiError(detail)
