"""What the daily account exports share: one row per date of one account into `core.account_daily`.

Each platform module parses its own columns (with `date` and the quarantine reasons), then hands
`finish_daily` the frame and the expressions of its canonical measures.
"""

from collections.abc import Iterable

import polars as pl

from transforms.canonical.accounts import account_frame
from transforms.canonical.schemas import ACCOUNT_DAILY
from transforms.canonical.typed import assemble, conform, drop_duplicate_keys, split_quarantine
from transforms.context import Account, Normalized, ParsedInput


def finish_daily(
    format_name: str,
    parsed: ParsedInput,
    frame: pl.DataFrame,
    account: Account,
    measures: Iterable[pl.Expr] = (),
    skipped: int = 0,
    notes: tuple[str, ...] = (),
) -> Normalized:
    """Quarantine rows with a reason, keep the last row of a repeated date, add `measures`.

    The result holds `core.account` (the account) and `core.account_daily` (platform, account id,
    date and the canonical columns the frame or `measures` provide).
    """
    kept, quarantine = split_quarantine(frame)
    kept, duplicates = drop_duplicate_keys(kept, ["date"])
    daily = kept.with_columns(
        pl.lit(account.platform).alias("platform"),
        pl.lit(account.account_id).alias("account_id"),
        *measures,
    )
    return assemble(
        format_name,
        account.platform,
        parsed,
        kept,
        quarantine,
        {
            "account": account_frame([account]),
            "account_daily": conform(daily, ACCOUNT_DAILY.columns),
        },
        skipped=skipped + duplicates,
        notes=notes,
    )
