"""Meta Business Suite exports, real and inline: charts, audience, content, ragged rows.

The real files are read in place from the shared `realdata` folder (see its MANIFEST.md); their
expected figures are computed here with Python's `csv` module, independently of the code under
test. The inline cases cover the interface languages and the row-padding rule.
"""

import csv
import io
from collections import Counter
from datetime import date
from pathlib import Path

import polars as pl
import pytest

from tests.conftest import (
    REALDATA,
    counts,
    normalize_counted,
    reasons,
    skip_module_without_realdata,
)
from transforms.container.delimited import split_records
from transforms.context import Account, IngestContext, Normalized
from transforms.errors import InputError
from transforms.formats.meta_business_suite import chart_title
from transforms.table import fit_to_header

skip_module_without_realdata()

INGESTED = date(2026, 7, 1)
IG = Account("instagram", "17841400000000001")
FB = Account("facebook", "191026444094537")


def _normalize(
    data: bytes | str,
    name: str = "export.csv",
    account: Account | None = None,
    accounts: tuple[Account, ...] = (),
) -> Normalized:
    raw = data.encode("utf-8") if isinstance(data, str) else data
    ctx = IngestContext(source_name=name, as_of=INGESTED, account=account, accounts=accounts)
    return normalize_counted(raw, ctx)


def _real(
    relative: str,
    name: str | None = None,
    account: Account | None = None,
    accounts: tuple[Account, ...] = (),
) -> Normalized:
    path = REALDATA / relative
    return _normalize(path.read_bytes(), name or path.name, account, accounts)


def _records(relative: str, encoding: str | None = None, delimiter: str = ",") -> list[list[str]]:
    """The file's records as Python's csv module reads them (the independent reference)."""
    data = (REALDATA / relative).read_bytes()
    if encoding is None:
        encoding = "utf-16" if data.startswith(b"\xff\xfe") else "utf-8-sig"
    text = data.decode(encoding)
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))


def _day(cell: str) -> date:
    return date.fromisoformat(cell[:10])


def _chart(relative: str, delimiter: str = ",") -> dict[date, int]:
    """Date -> value of the `Date`,`Primary` rows of a one-chart file."""
    return {
        _day(r[0]): int(r[1])
        for r in _records(relative, delimiter=delimiter)
        if r and r[0][:4].isdigit()
    }


def _daily(result: Normalized, column: str, platform: str) -> dict[date, int | None]:
    daily = result.tables["account_daily"].filter(pl.col("platform") == platform)
    return dict(daily.select("date", column).iter_rows())


# --- per-metric charts ---------------------------------------------------------------------------


def test_facebook_viewers_chart_resaved_by_excel_with_semicolons_and_dst() -> None:
    relative = "facebook/mbs_fb_chart_viewers_vintage_excel_semicolon_dst.csv"
    expected = _chart(relative, delimiter=";")
    result = _real(relative, account=FB)

    assert (result.format, result.platform) == ("meta_business_suite_insight", "facebook")
    assert counts(result) == (62, 62, 0, 0)
    reach = _daily(result, "reach", "facebook")
    assert reach == expected  # Viewers = reach; the date part only, whatever the hour (DST)
    assert sum(v for v in reach.values() if v is not None) == sum(expected.values()) == 429319
    assert min(reach) == date(2025, 10, 31) and max(reach) == date(2025, 12, 31)
    assert reach[date(2025, 11, 3)] == 277  # the first row written T01:00:00
    assert result.tables["account"]["account_id"].to_list() == [FB.account_id]


@pytest.mark.parametrize(
    ("relative", "encoding", "expected"),
    [
        (
            "instagram/mbs_ig_chart_views_vintage_utf16.csv",
            "utf-16",
            "column 'Date': '2025-11-1T00:00:00' is not a date; no date",
        ),
        (
            "facebook/mbs_fb_audience_vintage_excel_cp1251_decimals_as_dates.csv",
            "cp1251",
            "'2025-11-1T01:00:00' in the 'Follows' chart is not a date",
        ),
    ],
)
def test_chart_day_that_lost_a_digit_is_quarantined_not_read_as_another_day(
    relative: str, encoding: str, expected: str
) -> None:
    """A mutation sweep's find: `2025-11-1T` (the 10th, a digit lost) was read as the 1st."""
    text = (REALDATA / relative).read_bytes().decode(encoding)
    damaged = text.replace("2025-11-10T", "2025-11-1T", 1)
    assert damaged != text
    platform = "instagram" if relative.startswith("instagram") else "facebook"
    column = "views" if platform == "instagram" else "followers_gained"
    account = IG if platform == "instagram" else FB

    intact = _normalize(text.encode(encoding), Path(relative).name, account)
    result = _normalize(damaged.encode(encoding), Path(relative).name, account)

    read, loaded, quarantined, skipped = counts(intact)
    assert counts(result) == (read, loaded - 1, quarantined + 1, skipped)
    assert reasons(result)[-1][1] == expected
    days = _daily(intact, column, platform)
    del days[date(2025, 11, 10)]
    assert _daily(result, column, platform) == days  # the 1st keeps its own figure


def test_chart_without_platform_or_account_is_refused() -> None:
    with pytest.raises(InputError, match=r"'Viewers' does not say whether it is Facebook's"):
        _real("facebook/mbs_fb_chart_viewers_vintage_excel_semicolon_dst.csv")


def test_instagram_views_chart_utf16() -> None:
    relative = "instagram/mbs_ig_chart_views_vintage_utf16.csv"
    expected = _chart(relative)
    result = _real(relative, account=IG)

    assert result.platform == "instagram"
    assert counts(result) == (63, 62, 0, 1)  # the trailing blank line
    views = _daily(result, "views", "instagram")
    assert views == expected
    assert sum(v for v in views.values() if v is not None) == 496243  # MANIFEST total
    assert "reach" not in result.tables["account_daily"].columns  # Views is not reach


def test_sparse_instagram_follows_chart_leaves_absent_days_null() -> None:
    relative = "instagram/mbs_ig_chart_instagram_follows_sparse_vintage_utf16.csv"
    expected = _chart(relative)
    # the title names Instagram: a Facebook --account does not make it Facebook's
    result = _real(relative, account=IG)

    assert counts(result) == (41, 40, 0, 1)
    follows = _daily(result, "followers_gained", "instagram")
    assert follows == expected
    assert sum(v for v in follows.values() if v is not None) == sum(expected.values()) == 146
    assert date(2025, 11, 9) not in follows  # absent from the file: no row, so NULL, not 0
    assert any("22 of 62 days are absent" in note for note in result.notes)


def test_instagram_titled_chart_needs_an_instagram_account() -> None:
    with pytest.raises(InputError, match=r"pass --account instagram:<id>$"):
        _real("instagram/mbs_ig_chart_instagram_follows_sparse_vintage_utf16.csv", account=FB)


_VISITS = "facebook/mbs_fb_chart_visits_column_page_likes_tanya_utf16.csv"


def _visit_blocks() -> dict[str, dict[date, int]]:
    """The two stacked charts of the visits file, by their title (read with csv)."""
    blocks: dict[str, dict[date, int]] = {}
    title = ""
    for record in _records(_VISITS):
        if len(record) == 1 and record[0] and not record[0][:4].isdigit():
            title = record[0]
            blocks[title] = {}
        elif len(record) == 2 and record[0][:4].isdigit():
            blocks[title][_day(record[0])] = int(record[1])
    return blocks


def test_two_stacked_charts_are_read_by_their_titles() -> None:
    blocks = _visit_blocks()
    assert list(blocks) == ["Facebook visits", "Instagram profile visits"]
    result = _real(_VISITS, accounts=(FB, IG))

    assert counts(result) == (184, 180, 0, 4)  # title, header and blank lines skipped
    assert result.platform == "facebook+instagram"
    facebook = _daily(result, "profile_visits", "facebook")
    instagram = _daily(result, "profile_visits", "instagram")
    assert facebook == blocks["Facebook visits"]
    assert set(facebook.values()) == {0}  # real zeros stay 0
    assert instagram == blocks["Instagram profile visits"]
    assert sum(v for v in instagram.values() if v is not None) == sum(
        blocks["Instagram profile visits"].values()
    )
    # the value columns say "Facebook Page likes" and "Instagram followers": not trusted
    assert "followers_total" not in result.tables["account_daily"].columns
    assert sum("is trusted, not the column name" in note for note in result.notes) == 2


def test_stacked_chart_of_a_platform_without_account_is_quarantined() -> None:
    result = _real(_VISITS, account=IG)

    assert counts(result) == (184, 90, 90, 4)
    assert result.quarantine["reason"].unique().to_list() == [
        "no facebook account for this facebook chart: configure one or pass --account facebook:<id>"
    ]
    assert result.tables["account_daily"]["platform"].unique().to_list() == ["instagram"]


# --- audience ------------------------------------------------------------------------------------

_TANYA_AUDIENCE = "facebook/mbs_audience_fb_ig_tanya_utf16_sections.csv"


def _percent(cell: str) -> float:
    return float(cell.rstrip("%")) / 100


def test_audience_sections_2023_layout() -> None:
    records = _records(_TANYA_AUDIENCE)
    expected: dict[tuple[str, str], float] = {}
    title = ""
    for record in records:
        if not record:
            continue
        if len(record) == 1 and not record[0][:1].isdigit() and "," not in record[0]:
            title = record[0]
        elif title == "Instagram followers by gender and age" and record[0] != "Age":
            expected["gender_age", f"female|{record[0]}"] = _percent(record[1])
            expected["gender_age", f"male|{record[0]}"] = _percent(record[2])
        elif title.startswith("Instagram followers by top") and record[1:] != ["Value"]:
            dimension = "city" if "cities" in title else "country"
            expected[dimension, record[0]] = _percent(record[1])
    follower_count = int(records[records.index(["Instagram followers"]) + 2][0])

    result = _real(_TANYA_AUDIENCE, name="Audience.csv", account=IG)

    assert (result.format, result.platform) == ("meta_business_suite_audience", "instagram")
    assert counts(result) == (29, 16, 0, 13)
    audience = result.tables["audience"]
    got = {(d, b): s for d, b, s in audience.select("dimension", "bucket", "share").iter_rows()}
    assert got.keys() == expected.keys() and len(got) == 22
    assert all(got[key] == pytest.approx(value) for key, value in expected.items())
    assert audience["value"].null_count() == audience.height  # shares only: value NULL
    assert set(audience["as_of_date"]) == {INGESTED}
    assert audience["account_id"].unique().to_list() == [IG.account_id]
    assert _daily(result, "followers_total", "instagram") == {INGESTED: follower_count}
    assert follower_count == 4940
    # Facebook's count (0) cannot be placed without a Facebook account: said, not loaded
    assert any("'Facebook followers' 0" in note and "not loaded" in note for note in result.notes)


def test_audience_facebook_count_loads_with_a_facebook_account() -> None:
    result = _real(_TANYA_AUDIENCE, account=IG, accounts=(FB, IG))
    assert _daily(result, "followers_total", "facebook") == {INGESTED: 0}  # 0 as written


_VINTAGE_AUDIENCE = "facebook/mbs_fb_audience_vintage_excel_cp1251_decimals_as_dates.csv"


def test_excel_damaged_audience_quarantines_decimals_turned_into_dates() -> None:
    records = _records(_VINTAGE_AUDIENCE, encoding="cp1251", delimiter=";")
    countries = records[records.index(["Top countries", *[""] * 9]) + 1]
    shares = records[records.index(["Top countries", *[""] * 9]) + 2]
    follows_at = records.index(["Follows", *[""] * 9]) + 2
    follows = {}
    for record in records[follows_at:]:
        if not record[0]:
            break
        follows[_day(record[0])] = int(record[1])

    result = _real(_VINTAGE_AUDIENCE, account=FB)

    assert (result.format, result.platform) == ("meta_business_suite_audience", "facebook")
    assert counts(result) == (83, 63, 7, 13)
    # rows 3-8: age and gender (3.апр for 3.4 ...), row 12: the cities' values (4.юли)
    assert result.quarantine["row_number"].to_list() == [3, 4, 5, 6, 7, 8, 12]
    for reason in result.quarantine["reason"]:
        assert "a spreadsheet program turned into a date: the value is lost" in reason
        assert reason.endswith("without opening the file in a spreadsheet)")
    audience = result.tables["audience"]
    assert audience["dimension"].unique().to_list() == ["country"]  # nothing guessed
    got = dict(audience.select("bucket", "share").iter_rows())
    assert got == pytest.approx({c: float(s) / 100 for c, s in zip(countries, shares, strict=True)})
    assert _daily(result, "followers_gained", "facebook") == follows
    assert sum(follows.values()) == 401
    assert any("Top Pages" in note for note in result.notes)


def test_audience_without_platform_or_account_is_refused() -> None:
    with pytest.raises(InputError, match="does not say whether it is Facebook's or Instagram's"):
        _real(_VINTAGE_AUDIENCE)


# --- content exports -----------------------------------------------------------------------------

_STORIES = "instagram/mbs_ig_content_stories_purapura_ponsel_2026-01-01_2026-06-29.csv"
_POSTS = "instagram/mbs_ig_content_posts_collab_purapura_ponsel_2026-01-01_2026-06-29.csv"
_STORY_METRICS = {
    "Views": "views",
    "Reach": "reach",
    "Likes": "reactions",
    "Shares": "shares",
    "Profile visits": "profile_visits",
    "Link clicks": "link_clicks",
    "Follows": "follows",
}
_POST_METRICS = {
    "Views": "views",
    "Reach": "reach",
    "Likes": "reactions",
    "Shares": "shares",
    "Follows": "follows",
    "Comments": "comments",
    "Saves": "saves",
}


def _dict_rows(relative: str) -> list[dict[str, str]]:
    header, *rows = _records(relative)
    return [dict(zip(header, row, strict=True)) for row in rows]


def _check_totals(
    metrics: pl.DataFrame, rows: list[dict[str, str]], columns: dict[str, str]
) -> None:
    for header, column in columns.items():
        cells = [row[header] for row in rows]
        assert metrics[column].sum() == sum(int(c) for c in cells if c), header
        assert metrics[column].null_count() == cells.count(""), header  # blank is NULL
        assert (metrics[column] == 0).sum() == cells.count("0"), header  # and 0 stays 0


def test_instagram_stories_export_with_meta_error_rows() -> None:
    rows = _dict_rows(_STORIES)
    errors = [row for row in rows if not row["Post ID"]]
    assert len(errors) == 3
    result = _real(_STORIES)

    assert result.format == "meta_business_suite_content"
    assert counts(result) == (2807, 2804, 3, 0)
    assert sorted(result.quarantine["reason"]) == sorted(
        f"Meta exported no post for this row; its 'Data comment' says: {row['Data comment']}"
        for row in errors
    )
    assert not result.quarantine["reason"].str.contains("spreadsheet").any()
    metrics = result.tables["post_metrics"]
    _check_totals(metrics, [row for row in rows if row["Post ID"]], _STORY_METRICS)
    assert metrics["link_clicks"].null_count() == 2701 - 3  # MANIFEST: 2701 with error rows
    assert set(metrics["as_of_date"]) == {date(2026, 6, 29)}  # the file name's end date
    posts = result.tables["post"]
    assert posts["content_type"].unique().to_list() == ["story"]
    first = rows[0]
    row = posts.filter(pl.col("post_id") == first["Post ID"]).row(0, named=True)
    month, day, year = first["Publish time"][:10].split("/")
    assert row["published_date"] == date(int(year), int(month), int(day))


def test_instagram_posts_export_with_collab_posts() -> None:
    rows = _dict_rows(_POSTS)
    by_account = Counter(row["Account ID"] for row in rows)
    own = by_account.most_common(1)[0][0]
    measured = [row for row in rows if not row["Data comment"]]
    result = _real(_POSTS)

    assert counts(result) == (436, 436, 0, 0)
    accounts = result.tables["account"]
    assert accounts.height == len(by_account) == 10  # MANIFEST: 10 Account IDs
    assert accounts.filter(pl.col("is_own"))["account_id"].to_list() == [own]
    posts = result.tables["post"]
    assert dict(Counter(posts["account_id"])) == dict(by_account)
    metrics = result.tables["post_metrics"]
    assert metrics.height == len(measured) == 435  # Meta computed no metrics for one post
    _check_totals(metrics, measured, _POST_METRICS)
    collab = {row["Post ID"] for row in measured if row["Account ID"] != own and row["Reach"] == ""}
    reach = dict(metrics.select("post_id", "reach").iter_rows())
    assert len(collab) == 79  # 80 collab posts without reach, one of them without metrics
    assert {reach[post] for post in collab} == {None}
    assert any("'An error occurred while computing metrics.'" in note for note in result.notes)


def test_excel_resaved_content_export_loses_its_ids() -> None:
    result = _real("instagram/mbs_instagram_feed_alexwalks_excel_resaved.csv")
    assert (result.rows_read, result.rows_loaded, result.rows_quarantined) == (20, 0, 20)
    assert result.quarantine["reason"].str.contains("scientific notation").all()


# --- inline: interface languages -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "platform", "metric"),
    [
        ("Tayangan", None, "views"),
        ("Jangkauan Instagram", "instagram", "reach"),
        ("Kunjungan Profil Instagram", "instagram", "profile_visits"),
        ("Pengikut Instagram", "instagram", "followers_gained"),
        ("Interaksi konten", None, "engagements"),
        ("Klik tautan", None, "website_clicks"),
        ("Kunjungan Facebook", "facebook", "profile_visits"),
        ("Alcance", None, "reach"),
        ("Alcance de Instagram", "instagram", "reach"),
        ("Visualizaciones", None, "views"),
        ("Clics en el enlace", None, "website_clicks"),
        ("Interacciones", None, "engagements"),
        ("Visitas", None, "profile_visits"),
        ("Seguidores", None, "followers_gained"),
        ("Viewers", None, "reach"),
        ("Facebook reach", "facebook", "reach"),
        ("Content interactions", None, "engagements"),
        ("Facebook link clicks", "facebook", "website_clicks"),
        ("Instagram follows", "instagram", "followers_gained"),
    ],
)
def test_chart_titles_in_every_language(title: str, platform: str | None, metric: str) -> None:
    chart = chart_title(title)
    assert chart is not None
    assert (chart.platform, chart.metric) == (platform, metric)


def test_unknown_and_two_platform_titles_are_not_guessed() -> None:
    assert chart_title("Facebook Page likes") is None
    assert chart_title("Facebook and Instagram reach") is None


def _utf16_chart(title: str, date_header: str, rows: list[tuple[str, str]]) -> bytes:
    lines = ["sep=,", f'"{title}"', f'"{date_header}","Primary"']
    lines += [f'"{day}","{value}"' for day, value in rows]
    return ("\n".join(lines) + "\n\n").encode("utf-16")


def test_indonesian_chart_as_meta_writes_it() -> None:
    data = _utf16_chart(
        "Tayangan", "Tanggal", [("2026-06-13T00:00:00", "192"), ("2026-06-14T00:00:00", "0")]
    )
    result = _normalize(data, "Tayangan.csv", account=IG)
    assert result.format == "meta_business_suite_insight"
    assert _daily(result, "views", "instagram") == {date(2026, 6, 13): 192, date(2026, 6, 14): 0}


def test_spanish_chart_names_its_platform() -> None:
    data = _utf16_chart("Alcance de Facebook", "Fecha", [("2025-01-01T00:00:00", "7")])
    result = _normalize(data, "Alcance.csv", account=IG, accounts=(FB,))
    assert _daily(result, "reach", "facebook") == {date(2025, 1, 1): 7}


def test_unknown_chart_title_is_refused_naming_it() -> None:
    data = _utf16_chart("Facebook Page likes", "Date", [("2025-01-01T00:00:00", "7")])
    with pytest.raises(InputError, match=r"unknown metric title 'Facebook Page likes'"):
        _normalize(data, account=FB)


def test_spanish_audience_2025_layout() -> None:
    text = (
        "sep=,\n"
        '"Edad y sexo"\n"","Mujeres","Hombres"\n"18-24","12.5","7"\n"25-34","30","50.5"\n\n'
        '"Principales ciudades"\n"Bogotá, Colombia","Lima, Perú"\n"40.2","0.8"\n\n'
        '"Principales países"\n"Colombia","Perú"\n"70","30"\n'
    )
    result = _normalize(text.encode("utf-16"), "Público.csv", account=IG)
    audience = result.tables["audience"]
    got = {(d, b): s for d, b, s in audience.select("dimension", "bucket", "share").iter_rows()}
    assert got == pytest.approx(
        {
            ("gender_age", "female|18-24"): 0.125,
            ("gender_age", "male|18-24"): 0.07,
            ("gender_age", "female|25-34"): 0.30,
            ("gender_age", "male|25-34"): 0.505,
            ("city", "Bogotá, Colombia"): 0.402,
            ("city", "Lima, Perú"): 0.008,
            ("country", "Colombia"): 0.70,
            ("country", "Perú"): 0.30,
        }
    )
    assert (result.rows_loaded, result.rows_quarantined) == (4, 0)


# --- inline: rows with their last empty columns left off -----------------------------------------

_FB_HEADER = (
    '"Post ID","Page ID","Page name",Title,Description,"Publish time",Permalink,"Post type",'
    '"Data comment",Date,Views,Reach,Reactions,Comments,Shares,"Total clicks","Link clicks",'
    '"Seconds viewed"'
)


def test_facebook_content_rows_without_their_last_empty_columns_load() -> None:
    text = "\n".join(
        [
            _FB_HEADER,
            "122158000000000001,61571000000001,Dinas,Halo,,07/02/2026 19:25,"
            "https://www.facebook.com/1,Photos,,Lifetime,1234,900,50,3,2,40,12,",
            # Meta left the last empty columns off this row
            "122158000000000002,61571000000001,Dinas,Reel,,07/03/2026 08:00,"
            "https://www.facebook.com/2,Reels,,Lifetime,5000,4000,100,6,4",
            ",,,,,,,,An error occurred while computing metadata for content with ID 1. "
            "An error occurred while computing metrics.,-",
        ]
    )
    result = _normalize(text, "Jul-01-2026_Jul-31-2026_61571000000001.csv")

    assert result.format == "meta_business_suite_facebook_content"
    assert (result.rows_read, result.rows_loaded, result.rows_quarantined) == (3, 2, 1)
    metrics = result.tables["post_metrics"].sort("post_id")
    assert metrics["clicks"].to_list() == [40, None]  # left off: NULL, not 0
    assert metrics["link_clicks"].to_list() == [12, None]
    assert result.quarantine["reason"][0] == (
        "Meta exported no post for this row; its 'Data comment' says: An error occurred while "
        "computing metadata for content with ID 1. An error occurred while computing metrics."
    )


def test_short_row_is_padded() -> None:
    assert fit_to_header(["1", "2"], 4, 9) == ["1", "2", "", ""]


def test_more_fields_than_the_header_is_refused() -> None:
    with pytest.raises(InputError, match=r"^row 9: 3 fields where the header has 2 "):
        fit_to_header(["1", "2", "3"], 2, 9)
    header = "Date,Primary\n2026-06-13T00:00:00,1\n2026-06-14T00:00:00,2,3\n"
    with pytest.raises(InputError, match=r"^row 4: 3 fields where the header has 2 "):
        _normalize('"Views"\n' + header, account=IG)


def test_open_quote_at_the_end_is_refused() -> None:
    text = '"Views"\nDate,Primary\n2026-06-13T00:00:00,1\n"2026-06-14T00:00:00,2\n'
    with pytest.raises(InputError, match="the file looks truncated"):
        split_records(text)
    with pytest.raises(InputError, match="the file looks truncated"):
        _normalize(text, account=IG)


def test_export_whose_rows_were_each_put_into_one_cell_is_refused_saying_so() -> None:
    relative = "facebook/mbs_fb_video_content_vintage_excel_row_quoted.csv"
    records = _records(relative)
    assert {len(record) for record in records} == {1}  # each row one quoted cell
    assert len(next(csv.reader([records[0][0]]))) == 212  # holding the whole row
    with pytest.raises(InputError) as caught:
        _real(relative, account=FB)
    assert str(caught.value).startswith(
        'every row is one cell holding a whole row (\'Video asset ID,"Universal video ID",'
    )
    assert "a spreadsheet program re-saved this export with another separator" in str(caught.value)


def test_one_cell_rows_with_a_line_break_inside_are_refused_in_one_line() -> None:
    """A mutation sweep's find: a line break in the header cell raised csv's own error."""
    text = '"Video asset ID,Page ID,Title\nPublish time,Reach"\n"1,2,3,4,5"\n"6,7,8,9,10"\n'
    with pytest.raises(InputError) as caught:
        _normalize(text, account=FB)
    assert str(caught.value).startswith(
        "every row is one cell holding a whole row ('Video asset ID,Page ID,Title Publish time,"
        "Reach'): a spreadsheet program re-saved this export"
    )
    assert "\n" not in str(caught.value)


def test_one_cell_rows_without_a_row_inside_are_not_blamed_on_a_spreadsheet() -> None:
    with pytest.raises(InputError, match=r"^unknown format"):
        _normalize('"just text"\n"more text"\n')


def test_audience_gender_columns_are_read_by_their_names() -> None:
    text = (
        '"Instagram followers by gender and age"\n"Age","Women","Men","Unspecified"\n'
        '"18-24","10%","20%","1%"\n"25-34","","",""\n\n'
        '"Instagram followers by top countries"\n"Top countries","Value"\n"India","62.7%"\n'
    )
    result = _normalize(text, "Audience.csv", account=IG)
    audience = result.tables["audience"]
    got = dict(audience.select("bucket", "share").iter_rows())
    assert got == pytest.approx(
        {"female|18-24": 0.10, "male|18-24": 0.20, "unspecified|18-24": 0.01, "India": 0.627}
    )
    assert counts(result) == (6, 2, 0, 4)  # the empty 25-34 row, a blank line, a title, a header


def test_indonesian_content_export_as_e9_describes_it() -> None:
    text = (
        "ID Postingan,ID Akun,Nama pengguna akun,Nama akun,Deskripsi,Durasi (detik),"
        "Waktu penerbitan,Permalink,Jenis postingan,Komentar data,Tanggal,Tayangan,Jangkauan,"
        "Suka,Frekuensi dibagikan,Mengikuti,Komentar,Frekuensi Disimpan\n"
        "18123605160280664,17841400000000001,elio,Elio,Halo,0,06/17/2026 09:11,"
        "https://www.instagram.com/p/1/,Reel IG,,Sepanjang Masa,1.234,900,48,5,,3,0\n"
    )
    result = _normalize(text, "Jun-01-2026_Jun-30-2026_1.csv")
    assert (result.format, result.rows_loaded) == ("meta_business_suite_content", 1)
    row = result.tables["post_metrics"].row(0, named=True)
    assert (row["views"], row["reach"], row["shares"], row["saves"]) == (1234, 900, 5, 0)
    assert row["follows"] is None  # blank, not 0
    assert result.tables["post"]["published_date"].to_list() == [date(2026, 6, 17)]


def test_spanish_content_export() -> None:
    text = (
        "Identificador de la publicación,Nombre de usuario de la cuenta,Descripción,"
        "Hora de publicación,Enlace permanente,Tipo de publicación,Fecha,Visualizaciones,"
        "Alcance,Me gusta,Veces que se compartió,Comentarios,Veces que se guardó,Seguimientos\n"
        "18123605160280664,lentes,Hola,01/02/2025 10:00,https://www.instagram.com/p/1/,"
        "Reel de Instagram,Total,1200,800,40,2,1,5,\n"
    )
    result = _normalize(text, "Jan-01-2025_Jan-31-2025_1.csv")
    assert (result.format, result.rows_loaded) == ("meta_business_suite_content", 1)
    row = result.tables["post_metrics"].row(0, named=True)
    assert (row["views"], row["reach"], row["reactions"], row["saves"]) == (1200, 800, 40, 5)
    assert row["follows"] is None
    assert result.tables["post"]["published_date"].to_list() == [date(2025, 1, 2)]


def test_content_row_with_a_day_instead_of_lifetime_is_quarantined() -> None:
    text = (
        "Post ID,Account ID,Account username,Publish time,Permalink,Post type,Date,Views,Reach\n"
        "1,17841400000000001,kunci,06/17/2026 09:11,https://www.instagram.com/p/1/,IG reel,"
        "Lifetime,10,5\n"
        "2,17841400000000001,kunci,06/17/2026 09:11,https://www.instagram.com/p/2/,IG reel,"
        "06/18/2026,10,5\n"
    )
    result = _normalize(text)
    assert (result.rows_loaded, result.rows_quarantined) == (1, 1)
    assert result.quarantine["reason"][0] == (
        "column 'Date' is '06/18/2026', not Lifetime: only lifetime totals are read"
    )


def test_chart_without_platform_uses_the_workspace_only_meta_account() -> None:
    relative = "instagram/mbs_ig_chart_views_vintage_utf16.csv"
    result = _real(relative, accounts=(IG,))
    assert _daily(result, "views", "instagram") == _chart(relative)
    assert (
        f"no --account given: the workspace's only instagram account {IG.account_id} is used"
        in (result.notes)
    )
    with pytest.raises(InputError, match="does not say whether it is Facebook's"):
        _real(relative, accounts=(IG, FB))  # two: ambiguous


def test_chart_titled_without_platform_takes_it_from_a_platform_series_name() -> None:
    data = ('sep=,\n"Reach"\n"Date","Facebook reach"\n"2024-03-01T00:00:00","12"\n').encode(
        "utf-16"
    )
    result = _normalize(data, account=IG, accounts=(FB,))
    assert _daily(result, "reach", "facebook") == {date(2024, 3, 1): 12}
    assert result.tables["account_daily"]["platform"].to_list() == ["facebook"]
