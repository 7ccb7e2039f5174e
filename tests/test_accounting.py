"""What every load says beyond its rows: unused columns, an implied account, an emptied input."""

from datetime import date

import polars as pl
import pytest

from flows.ingest import LoadOutcome
from tests.conftest import normalize_counted
from transforms.context import Account, IngestContext, Normalized
from transforms.errors import InputError

AS_OF = date(2026, 9, 30)
TOTALS = "Date,Views,Mystery metric\n2026-09-01,5,9\n2026-09-02,7,\n"


def _normalize(
    text: str, account: Account | None = None, accounts: tuple[Account, ...] = ()
) -> Normalized:
    ctx = IngestContext("Totals.csv", AS_OF, account=account, accounts=accounts)
    return normalize_counted(text.encode(), ctx)


def test_a_column_no_format_reads_is_named_in_the_notes() -> None:
    result = _normalize(TOTALS, Account("youtube", "UC1"))

    assert result.tables["account_daily"]["video_views"].to_list() == [5, 7]
    assert "columns not used by Kunci: 'Mystery metric'" in result.notes


def test_the_workspace_s_only_account_of_the_platform_is_used_and_said() -> None:
    own = Account("youtube", "UC1")
    others = (Account("youtube", "UCrival", is_own=False), Account("x", "me"))

    result = _normalize(TOTALS, accounts=(own, *others))

    assert result.tables["account_daily"]["account_id"].unique().to_list() == ["UC1"]
    assert (
        "account youtube:UC1 is the workspace's only youtube account: used for the rows that do "
        "not name theirs (no --account given)"
    ) in result.notes


def test_an_account_named_by_the_user_needs_no_note() -> None:
    own = Account("youtube", "UC1")

    result = _normalize(TOTALS, account=own, accounts=(own,))

    assert not [note for note in result.notes if "only youtube account" in note]


def test_two_accounts_of_the_platform_still_need_account() -> None:
    accounts = (Account("youtube", "UC1"), Account("youtube", "UC2"))

    with pytest.raises(InputError) as caught:
        _normalize(TOTALS, accounts=accounts)

    assert str(caught.value) == (
        "this youtube export does not name its account (the workspace has 2: UC1, UC2): "
        "pass --account youtube:<id>"
    )


def _result(quarantined: list[str], loaded: int) -> Normalized:
    quarantine = pl.DataFrame(
        {"row_number": list(range(2, 2 + len(quarantined))), "reason": quarantined},
        schema={"row_number": pl.Int64, "reason": pl.String},
    )
    return Normalized("f", "x", {}, quarantine, rows_read=len(quarantined) + loaded, rows_skipped=0)


def test_an_input_whose_rows_all_went_to_quarantine_says_so() -> None:
    outcome = LoadOutcome.loaded("a.csv", "f", _result(["bad date", "bad date", "no id"], 0), 7)

    assert (outcome.status, outcome.rows_quarantined, outcome.load_id) == ("quarantined", 3, 7)
    assert outcome.error == "every row quarantined: bad date (2 of 3 rows)"


def test_an_input_with_one_loaded_row_is_loaded() -> None:
    outcome = LoadOutcome.loaded("a.csv", "f", _result(["bad date"], 1), 7)

    assert (outcome.status, outcome.error) == ("loaded", None)
