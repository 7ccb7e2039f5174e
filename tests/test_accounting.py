"""What every load says beyond its rows: unused columns, an implied account, an emptied input."""

import csv
import io
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from flows.load.inputs import expand
from flows.load.outcomes import LoadOutcome
from tests.conftest import REALDATA, normalize_counted
from transforms.canonical import typed
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


VIC_POSTS = "facebook/fb_insights_post_level_VIC_2015-08-19_2016-02-15.csv"


def _vic_posts_without_description_row() -> tuple[bytes, str]:
    records = list(csv.reader(io.StringIO((REALDATA / VIC_POSTS).read_text("utf-8-sig"))))
    del records[1]  # the row of metric descriptions, as people delete it in a spreadsheet
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(records)
    return out.getvalue().encode(), records[1][0]


@pytest.mark.skipif(not REALDATA.is_dir(), reason=f"real-data exports not found at {REALDATA}")
def test_a_deleted_description_row_loses_no_post() -> None:
    data, first_post = _vic_posts_without_description_row()
    ctx = IngestContext(Path(VIC_POSTS).name, AS_OF, account=Account("facebook", "518995791497187"))

    result = normalize_counted(data, ctx)

    assert (result.rows_read, result.rows_loaded, result.rows_skipped) == (170, 170, 0)
    assert first_post in result.tables["post"]["post_id"].to_list()
    assert not [note for note in result.notes if "describing the columns" in note]


@pytest.mark.skipif(not REALDATA.is_dir(), reason=f"real-data exports not found at {REALDATA}")
def test_a_description_row_is_read_and_counted_as_skipped() -> None:
    ctx = IngestContext(Path(VIC_POSTS).name, AS_OF, account=Account("facebook", "518995791497187"))

    result = normalize_counted((REALDATA / VIC_POSTS).read_bytes(), ctx)

    assert (result.rows_read, result.rows_loaded, result.rows_skipped) == (171, 170, 1)
    assert "1 row(s) describing the columns skipped" in result.notes


def test_a_link_out_of_the_inbox_folder_is_ignored(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    (inbox / "sub").mkdir(parents=True)
    outside = tmp_path / "secret.csv"
    outside.write_text("token,abc\n")
    (inbox / "real.csv").write_text("Date,Views\n")
    (inbox / "passwd.csv").symlink_to(outside)
    (inbox / "alias.csv").symlink_to(inbox / "real.csv")
    (inbox / "sub" / "linked").symlink_to(tmp_path, target_is_directory=True)

    found = {item.path.relative_to(inbox).as_posix(): item.ignored for item in expand([inbox])}

    assert found["real.csv"] is None
    assert found["alias.csv"] is None  # a link that stays inside the folder is read
    assert found["passwd.csv"] == f"a link to {outside}, outside the folder: not read"
    assert not [name for name in found if name.startswith("sub/")]  # linked folders not walked


def test_a_link_the_user_names_is_read(tmp_path: Path) -> None:
    target = tmp_path / "elsewhere.csv"
    target.write_text("Date,Views\n")
    link = tmp_path / "named.csv"
    link.symlink_to(target)

    assert [item.ignored for item in expand([link])] == [None]


# --- values no platform writes ---------------------------------------------------------------

X_OVERVIEW = (
    "Date,Impressions,Likes,Engagements,Bookmarks,Shares,New follows,Unfollows,Replies,Reposts,"
    "Profile visits,Create Post,Video views,Media views\n"
)


def _x_overview(rows: str, ingested_on: date | None = AS_OF) -> Normalized:
    ctx = IngestContext(
        "account_overview_analytics.csv", AS_OF, account=Account("x", "me"), ingested_on=ingested_on
    )
    return normalize_counted((X_OVERVIEW + rows).encode(), ctx)


def test_dates_before_the_platform_or_after_the_ingest_date_are_quarantined() -> None:
    result = _x_overview(
        '"Mon, Jan 1, 1"' + ",5" * 13 + "\n"
        '"Tue, Mar 1, 2005"' + ",5" * 13 + "\n"
        '"Fri, Dec 31, 9999"' + ",5" * 13 + "\n"
        '"Thu, Oct 1, 2026"' + ",5" * 13 + "\n"
        '"Wed, Sep 30, 2026"' + ",5" * 13 + "\n"
    )

    assert result.quarantine.select("row_number", "reason").rows() == [
        (2, "column 'Date': 0001-01-01 is before 2006"),
        (3, "column 'Date': 2005-03-01 is before 2006"),  # X began on 21 March 2006
        (4, "column 'Date': 9999-12-31 is after the ingest date"),
    ]
    # the day after the ingest date is kept: it is today somewhere east of the account
    assert result.tables["account_daily"]["date"].to_list() == [
        date(2026, 10, 1),
        date(2026, 9, 30),
    ]


def test_without_an_ingest_date_only_the_platform_start_bounds_dates() -> None:
    result = _x_overview('"Fri, Dec 31, 2027"' + ",5" * 13 + "\n", ingested_on=None)

    assert result.rows_quarantined == 0


def test_negative_and_huge_counts_are_quarantined() -> None:
    result = _x_overview(
        '"Wed, Sep 30, 2026",-3' + ",5" * 12 + "\n"
        '"Tue, Sep 29, 2026",20000000000000' + ",5" * 12 + "\n"
        '"Mon, Sep 28, 2026",0' + ",5" * 12 + "\n"
    )

    assert result.quarantine.select("row_number", "reason").rows() == [
        (2, "column 'Impressions': -3 is negative"),
        (3, "column 'Impressions': 20000000000000 is implausibly large"),
    ]
    assert result.tables["account_daily"]["impressions"].to_list() == [0]


def test_tiktok_daily_deltas_may_be_negative() -> None:
    text = (
        "Date,Video Views,Profile Views,Likes,Comments,Shares\n"
        "2026-09-29,10,1,4,-1,0\n"
        "2026-09-30,-2,1,4,1,0\n"
    )
    ctx = IngestContext("Overview.csv", AS_OF, account=Account("tiktok", "me"), ingested_on=AS_OF)

    result = normalize_counted(text.encode(), ctx)

    assert result.tables["account_daily"].select("date", "engagements").rows() == [
        (date(2026, 9, 29), 3)
    ]
    assert result.quarantine.select("row_number", "reason").rows() == [
        (3, "column 'Video Views': -2 is negative")
    ]


def test_a_web_export_naming_no_property_takes_the_workspace_s_only_one() -> None:
    text = "Date,Source / Medium,Sessions,Bounce Rate\n20260901,t.co / referral,12,50.00%\n"
    web = Account("web", "properties/42")
    ctx = IngestContext("Analytics export.csv", AS_OF, accounts=(web, Account("x", "me")))

    result = normalize_counted(text.encode(), ctx)

    assert result.tables["web_traffic_daily"].select("property_id", "sessions").rows() == [
        ("properties/42", 12)
    ]
    assert (
        "account web:properties/42 is the workspace's only web account: used for the rows that "
        "do not name theirs (no --account given)"
    ) in result.notes


def test_an_ad_report_naming_no_ad_account_takes_the_workspace_s_only_one() -> None:
    text = (
        "Campaign report\n"
        "July 8, 2025 - July 31, 2025\n"
        "Campaign,Currency code,Cost,Impr.,Clicks\n"
        "Brand,IDR,1500.00,1000,10\n"
    )
    ctx = IngestContext("Campaign report.csv", AS_OF, accounts=(Account("google", "123-456"),))

    result = normalize_counted(text.encode(), ctx)

    assert result.tables["ad_period"].select("ad_account_id", "spend").rows() == [
        ("123-456", 1500.0)
    ]
    assert any("workspace's only google account" in note for note in result.notes)


_BOUNDS_FIRST, _BOUNDS_LATEST = date(2006, 3, 21), date(2026, 10, 1)
_DAY = timedelta(days=1)
_EDGE_DAYS = [_BOUNDS_FIRST - _DAY, _BOUNDS_FIRST, _BOUNDS_LATEST, _BOUNDS_LATEST + _DAY]
_EDGE_COUNTS = [typed.MAX_COUNT + d for d in (-1, 0)] + [-typed.MAX_COUNT + d for d in (0, 1)]
_EDGE_AMOUNTS = [typed.MAX_AMOUNT, typed.MAX_AMOUNT * 0.999, -typed.MAX_AMOUNT, -0.0, -1e-9]


def _column(values: st.SearchStrategy[Any], edges: list[Any]) -> st.SearchStrategy[list[Any]]:
    """A column's values: nulls, any values, and the values beside each bound."""
    return st.lists(st.one_of(st.none(), values, st.sampled_from(edges)), min_size=1, max_size=6)


@settings(max_examples=150, deadline=None)
@given(
    _column(st.integers(-(2**62), 2**62), [*_EDGE_COUNTS, -1, 0]),
    _column(st.floats(allow_nan=True, width=64), _EDGE_AMOUNTS),
    _column(st.dates(), _EDGE_DAYS),
    _column(st.datetimes(), [datetime.combine(d, time(23, 59)) for d in _EDGE_DAYS]),
    st.booleans(),
    st.booleans(),
)
@example(  # every value on its bound, inside: no check holds
    [typed.MAX_COUNT - 1, 0],
    [typed.MAX_AMOUNT * 0.999, -typed.MAX_AMOUNT * 0.999],
    [_BOUNDS_FIRST, _BOUNDS_LATEST],
    [datetime.combine(_BOUNDS_FIRST, time()), datetime.combine(_BOUNDS_LATEST, time(23, 59))],
    False,
    True,
)
def test_the_bounds_looked_up_on_extremes_agree_with_the_checks_on_every_row(
    counts: list[Any],
    amounts: list[Any],
    days: list[Any],
    times: list[Any],
    signed: bool,
    with_latest: bool,
) -> None:
    """`typed._within_bounds` (extremes) says a check holds exactly where `_implausible` does."""
    height = min(map(len, (counts, amounts, days, times)))
    frame = pl.DataFrame(
        {
            "c": counts[:height],
            "a": amounts[:height],
            "d": days[:height],
            "t": times[:height],
        },
        schema={"c": pl.Int64, "a": pl.Float64, "d": pl.Date, "t": pl.Datetime("us")},
    ).with_columns(pl.lit(None, pl.String).alias(typed.REASON))
    fields = (
        typed._Checked("c", "C", pl.Int64(), not signed, True),
        typed._Checked("a", "A", pl.Float64(), False, True),
        typed._Checked("d", "D", pl.Date(), False, False),
        typed._Checked("t", "T", pl.Datetime("us"), False, False),
    )
    latest = _BOUNDS_LATEST if with_latest else None
    flagged = typed._implausible(fields, _BOUNDS_FIRST, latest)
    assert flagged is not None
    holds = frame.select(flagged.is_not_null().any()).item()

    assert typed._within_bounds(frame, fields, _BOUNDS_FIRST, latest) is not holds


def test_a_date_python_cannot_hold_goes_to_the_checks_that_quarantine_it() -> None:
    """polars parses year 0 (a damaged `0000-01-01`); its extremes cannot be looked up."""
    days = pl.Series("d", ["0000-01-01", "2020-01-01"]).str.to_date("%Y-%m-%d")
    frame = pl.DataFrame([days]).with_columns(pl.lit(None, pl.String).alias(typed.REASON))
    fields = (typed._Checked("d", "D", pl.Date(), False, False),)

    assert not typed._within_bounds(frame, fields, _BOUNDS_FIRST, _BOUNDS_LATEST)
    flagged = typed._implausible(fields, _BOUNDS_FIRST, _BOUNDS_LATEST)
    assert flagged is not None
    reasons = frame.select(flagged).to_series().to_list()
    assert reasons == ["column 'D': 0000-01-01 is before 2006", None]
