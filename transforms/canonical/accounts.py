"""Resolve which account an export belongs to, from the file, the user's hint and the config."""

from collections.abc import Mapping

import polars as pl

from transforms.canonical.schemas import ACCOUNT
from transforms.context import Account, IngestContext
from transforms.errors import InputError


def find_account(
    ctx: IngestContext, platform: str, account_id: str | None = None, handle: str | None = None
) -> Account:
    """Return the configured account matching id or handle, else a new own account.

    An export the user downloaded from their analytics is theirs, so an unconfigured account is
    recorded as own (`is_own`), in the default timezone; configure it in `kunci.toml` to change
    that.
    """
    folded = handle.lower().lstrip("@") if handle else None
    for account in ctx.accounts:
        if account.platform != platform:
            continue
        if account_id is not None and account.account_id == account_id:
            return account
        if folded and account.handle and account.handle.lower().lstrip("@") == folded:
            return account
    if ctx.account is not None and ctx.account.platform == platform:
        hinted = ctx.account
        if account_id in (None, hinted.account_id) and (
            folded is None or hinted.handle is None or hinted.handle.lower() == folded
        ):
            return hinted
    key = account_id or folded
    if key is None:
        raise InputError(
            f"this {platform} export does not name its account: pass --account {platform}:<id>"
        )
    return Account(platform=platform, account_id=key, handle=folded, timezone=ctx.default_timezone)


def hinted_account(ctx: IngestContext, platform: str) -> Account:
    """The account the user named for an export that does not say whose it is.

    Without `--account` (or a source binding it), the workspace's only own account of that platform
    is the one: asking for it would only make the user type what the workspace already says.
    `sole_account_note` tells the load so. With none or several, the user must name it.
    """
    if ctx.account is not None and ctx.account.platform == platform:
        return find_account(ctx, platform, account_id=ctx.account.account_id)
    only = sole_account(ctx, platform)
    if only is not None:
        return only
    own = _own_accounts(ctx, platform)
    ids = ", ".join(account.account_id for account in own)
    known = f" (the workspace has {len(own)}: {ids})" if own else ""
    raise InputError(
        f"this {platform} export does not name its account{known}: pass --account {platform}:<id>"
    )


def _own_accounts(ctx: IngestContext, platform: str) -> list[Account]:
    return [a for a in ctx.accounts if a.platform == platform and a.is_own]


def sole_account(ctx: IngestContext, platform: str) -> Account | None:
    """The workspace's only own account of `platform`, or None when it has none or several."""
    own = _own_accounts(ctx, platform)
    return own[0] if len(own) == 1 else None


def sole_account_note(
    ctx: IngestContext, platform: str, tables: Mapping[str, pl.DataFrame]
) -> str | None:
    """The note for a load that took the workspace's only account of its platform, if it did."""
    if ctx.account is not None and ctx.account.platform == platform:
        return None
    only = sole_account(ctx, platform)
    if only is None:
        return None
    used = any(
        (frame.get_column(column) == only.account_id).any()
        for frame in tables.values()
        for column in ("account_id", "property_id", "ad_account_id")
        if column in frame.columns
    )
    if not used:
        return None
    return (
        f"account {platform}:{only.account_id} is the workspace's only {platform} account: "
        "used for the rows that do not name theirs (no --account given)"
    )


def accounts_by_handle(
    frame: pl.DataFrame, ctx: IngestContext, platform: str
) -> tuple[pl.DataFrame, list[Account]]:
    """Each row's account from its `handle` column (a post link names it), and the accounts.

    A row without a handle belongs to the account named with `--account`. Adds `account_id` and
    `_tz`, the account's timezone.
    """
    handles = frame.get_column("handle").unique(maintain_order=True).to_list()
    accounts = {
        h: find_account(ctx, platform, handle=h) if h else hinted_account(ctx, platform)
        for h in handles
    }
    frame = frame.with_columns(
        pl.col("handle")
        .replace_strict({h: a.account_id for h, a in accounts.items()}, default=None)
        .alias("account_id"),
        pl.col("handle")
        .replace_strict({h: a.timezone for h, a in accounts.items()}, default=None)
        .alias("_tz"),
    )
    return frame, list(accounts.values())


def account_frame(accounts: list[Account]) -> pl.DataFrame:
    """Accounts as a `core.account` frame (one row per platform and id)."""
    rows = {(a.platform, a.account_id): a for a in accounts}
    return pl.DataFrame(
        [{name: getattr(account, name) for name in ACCOUNT.columns} for account in rows.values()],
        schema=ACCOUNT.columns,
    )
