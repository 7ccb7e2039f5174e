"""Web analytics (GA4, Universal Analytics) and ads reports (Google Ads, TikTok Ads) as they come.

Real exports are read in place from the shared `realdata` folder (see its MANIFEST.md); expected
figures are computed here from the files with `csv` / `openpyxl`, never with the code under test.
Inline tests cover the language and layout variants the real files stand for.
"""

import csv
import io
import re
from datetime import date

import openpyxl
import polars as pl
import pytest

from tests.conftest import REALDATA, normalize_counted, skip_module_without_realdata
from transforms.container.delimited import unwrap_text_formulas
from transforms.context import Account, IngestContext, Normalized
from transforms.errors import InputError

skip_module_without_realdata()

INGESTED = date(2026, 12, 1)
APRIL = (date(2026, 4, 1), date(2026, 4, 30))


def _normalize(
    data: bytes,
    name: str = "export.csv",
    account: Account | None = None,
    period: tuple[date, date] | None = None,
) -> Normalized:
    ctx = IngestContext(source_name=name, as_of=INGESTED, account=account, period=period)
    return normalize_counted(data, ctx)


def _file(relative: str, **kwargs: object) -> Normalized:
    path = REALDATA / relative
    return _normalize(path.read_bytes(), path.name, **kwargs)  # type: ignore[arg-type]


def _number(text: str) -> float:
    return float(text.replace(",", "").strip())


# --- Google Ads ---------------------------------------------------------------------------------


def _gads(relative: str) -> tuple[list[str], list[dict[str, str]], list[dict[str, str]]]:
    """Title lines, data rows and `Total:` rows of a Google Ads download (UTF-16 TSV or CSV)."""
    raw = (REALDATA / relative).read_bytes()
    utf16 = raw.startswith(b"\xff\xfe")
    text = raw.decode("utf-16") if utf16 else raw.decode("utf-8")
    records = list(csv.reader(io.StringIO(text), delimiter="\t" if utf16 else ","))
    header = records[2]
    rows = [dict(zip(header, record, strict=True)) for record in records[3:] if record]
    totals = [r for r in rows if any(v.startswith("Total:") for v in list(r.values())[:3])]
    data = [r for r in rows if r not in totals]
    return [records[0][0], records[1][0]], data, totals


def _total(totals: list[dict[str, str]], label: str) -> dict[str, str]:
    return next(r for r in totals if label in list(r.values())[:3])


def test_google_campaign_report_utf16_tab_uk_date_line() -> None:
    relative = "google_ads/gads_campaign_report_GBP_utf16_tsv_2026-01-27_2026-02-23.csv"
    lines, data, totals = _gads(relative)
    assert lines == ["Campaign report", "27 January 2026 - 23 February 2026"]

    result = _file(relative)

    assert result.format == "google_ads_report"
    assert (result.rows_read, result.rows_loaded, result.rows_quarantined) == (3, 1, 0)
    assert result.rows_skipped == len(totals) == 2
    period = result.tables["ad_period"]
    assert period.select("date_start", "date_end").unique().rows() == [
        (date(2026, 1, 27), date(2026, 2, 23))
    ]
    row = data[0]
    assert period.select("campaign_id", "currency", "spend", "impressions", "clicks").rows() == [
        (
            row["Campaign"],
            row["Currency code"],
            _number(row["Cost"]),
            int(_number(row["Impr."])),
            int(_number(row["Clicks"])),
        )
    ]
    assert period["conversions"].to_list() == [_number(row["Conversions"])]
    assert period["conversion_value"].to_list() == [_number(row["Conv. value"])]
    # The report's own total and the account's agree with the one campaign: nothing to note.
    assert not any("Total:" in note for note in result.notes)


def test_google_keyword_report_all_time_asks_for_a_period() -> None:
    relative = "google_ads/gads_search_keyword_report_USD_utf16_tsv_all_time.csv"
    lines, data, totals = _gads(relative)
    assert lines[1] == "All time"
    assert (len(data), len(totals)) == (230, 9)

    result = _file(relative)

    assert (result.rows_read, result.rows_loaded) == (239, 0)
    assert (result.rows_quarantined, result.rows_skipped) == (230, 9)
    assert set(result.quarantine["reason"]) == {
        "the report covers 'All time', which states no dates: pass --period"
    }


def test_google_keyword_report_with_period_loads_every_keyword() -> None:
    relative = "google_ads/gads_search_keyword_report_USD_utf16_tsv_all_time.csv"
    _lines, data, totals = _gads(relative)

    result = _file(relative, period=APRIL)

    assert (result.rows_read, result.rows_loaded, result.rows_skipped) == (239, 230, 9)
    period = result.tables["ad_period"]
    assert period.height == 230
    assert period.select("campaign_id", "ad_id").is_unique().all()  # ad group / keyword
    assert period.select("date_start", "date_end").unique().rows() == [APRIL]
    assert period["spend"].sum() == pytest.approx(sum(_number(r["Cost"]) for r in data))
    assert period["impressions"].sum() == sum(int(_number(r["Impr."])) for r in data)
    assert period["clicks"].sum() == sum(int(_number(r["Clicks"])) for r in data)
    assert period["conversions"].sum() == pytest.approx(
        sum(_number(r["Conversions"]) for r in data)
    )
    # The rows add up to the report's first total (labels in the third column).
    own = _total(totals, "Total: All but removed keywords")
    assert period["impressions"].sum() == int(_number(own["Impr."]))
    assert round(period["spend"].sum(), 2) == pytest.approx(_number(own["Cost"]), abs=0.02)
    assert not any("do not add up" in note for note in result.notes)
    # The account total also counts Performance Max, which has no keywords: said as such.
    account = _total(totals, "Total: Account")
    assert any(
        note.startswith("the 'Total: Account' row differs")
        and f"Cost {_number(account['Cost'])} vs" in note
        and "Performance Max" in note
        for note in result.notes
    )
    # AI Max total rows are totals, never keywords.
    assert not period["ad_name"].str.contains("AI Max").any()


def test_google_ad_group_report_with_duplicate_currency_column() -> None:
    relative = "google_ads/gads_ad_group_report_USD_utf16_duplicate_currency_col.csv"
    _lines, data, totals = _gads(relative)
    assert (len(data), len(totals)) == (8, 4)

    result = _file(relative, period=APRIL)

    assert (result.rows_read, result.rows_loaded, result.rows_skipped) == (12, 8, 4)
    period = result.tables["ad_period"]
    own = _total(totals, "Total: Ad groups")
    assert period["spend"].sum() == pytest.approx(_number(own["Cost"]))
    assert period["impressions"].sum() == int(_number(own["Impr."]))
    assert period["clicks"].sum() == int(_number(own["Clicks"]))
    assert period["conversions"].sum() == pytest.approx(_number(own["Conversions"]))
    assert set(period["currency"]) == {"USD"}
    assert sorted(period["ad_id"]) == sorted(r["Ad group"] for r in data)


def test_google_asset_report_is_recognised_and_skipped() -> None:
    relative = "google_ads/gads_ad_asset_report_GBP_2024_excel.xlsx"
    book = openpyxl.load_workbook(REALDATA / relative, read_only=True)
    rows = [r for r in book.worksheets[0].iter_rows(values_only=True) if any(r)][3:]
    book.close()

    result = _file(relative)

    assert result.format == "google_ads_asset_report"
    assert (result.rows_read, result.rows_loaded, result.rows_quarantined) == (len(rows), 0, 0)
    assert result.rows_skipped == 251
    assert result.tables == {}
    assert any("asset rows overlap" in note for note in result.notes)


@pytest.mark.parametrize(
    ("relative", "first", "last"),
    [
        ("google_ads/gads_campaign_report_INR_2025-07.csv", date(2025, 7, 8), date(2025, 7, 31)),
        ("google_ads/gads_ad_report_2026-01-20_21.csv", date(2026, 1, 20), date(2026, 1, 21)),
    ],
)
def test_google_utf8_reports_still_load(relative: str, first: date, last: date) -> None:
    _lines, data, totals = _gads(relative)

    result = _file(relative)

    assert (result.rows_loaded, result.rows_skipped) == (len(data), len(totals))
    period = result.tables["ad_period"]
    assert period.select("date_start", "date_end").unique().rows() == [(first, last)]
    assert period["spend"].sum() == pytest.approx(sum(_number(r["Cost"]) for r in data))


_CAMPAIGNS = (
    "Campaign report\n"
    "January 1, 2026 - January 3, 2026\n"
    "Campaign,Clicks,Impr.,Cost\n"
    "A,3,100,US$1.92\n"
    'B,1,"1,000","US$9,380.00"\n'
    "C,1,5,$2.00\n"
    'Total: Campaigns,5,"1,105",US$9383.92\n'
)


def test_google_amount_with_currency_mark_names_the_currency() -> None:
    result = _normalize(_CAMPAIGNS.encode())

    period = result.tables["ad_period"]
    assert period.select("campaign_id", "currency", "spend").rows() == [
        ("A", "USD", 1.92),
        ("B", "USD", 9380.0),
    ]
    # A bare `$` names no currency (US, Canadian, Australian ...): the row cannot be loaded.
    assert result.quarantine["row_number"].to_list() == [6]
    assert result.quarantine["reason"][0].startswith("no currency")
    assert result.rows_skipped == 1


def test_google_amount_mark_contradicting_the_currency_column_is_quarantined() -> None:
    data = (
        "Campaign report\nJanuary 1, 2026 - January 3, 2026\n"
        "Campaign,Currency code,Clicks,Impr.,Cost\n"
        "A,GBP,3,100,£1.92\nB,GBP,3,100,US$1.92\n"
    ).encode()

    result = _normalize(data)

    assert result.tables["ad_period"].select("campaign_id", "spend").rows() == [("A", 1.92)]
    assert result.quarantine["reason"].to_list() == [
        "an amount's currency mark names USD, column 'Currency code' says 'GBP'"
    ]


def test_google_uk_date_line_and_all_time() -> None:
    body = "Campaign,Currency code,Clicks,Impr.,Cost\nA,GBP,3,100,1.92\n"
    uk = _normalize(f"Campaign report\n27 January 2026 - 23 February 2026\n{body}".encode())
    assert uk.tables["ad_period"].select("date_start", "date_end").rows() == [
        (date(2026, 1, 27), date(2026, 2, 23))
    ]
    all_time = _normalize(f"Campaign report\nAll time\n{body}".encode())
    assert all_time.quarantine["reason"].to_list() == [
        "the report covers 'All time', which states no dates: pass --period"
    ]


def test_google_total_label_in_third_column_is_a_total() -> None:
    data = (
        "Search keyword report\nJanuary 1, 2026 - January 3, 2026\n"
        "Keyword status\tKeyword\tCampaign\tCurrency code\tClicks\tImpr.\tCost\n"
        "Enabled\t[cpr]\tC\tUSD\t2\t10\t4.00\n"
        "Enabled\tcpr\tC\tUSD\t1\t5\t1.00\n"
        " --\t\tTotal: AI Max expanded matches\tUSD\t0\t0\t0.00\n"
        "\t\tTotal: Account\tUSD\t3\t15\t5.00\n"
    ).encode("utf-16")

    result = _normalize(data)

    assert (result.rows_loaded, result.rows_skipped, result.rows_quarantined) == (2, 2, 0)
    assert result.tables["ad_period"]["ad_id"].to_list() == ["[cpr]", "cpr"]


def test_google_overview_time_series_card_is_recognised_and_skipped() -> None:
    data = (
        b"Time series\nJanuary 1, 2026 - January 2, 2026\n"
        b'Day,Clicks,Impr.,Cost\n"Jan 1, 2026",3,100,US$1.92\n"Jan 2, 2026",0,0,US$0.00\n'
    )

    result = _normalize(data)

    assert (result.format, result.rows_read, result.rows_skipped) == ("google_ads_overview", 2, 2)
    assert result.tables == {}
    assert result.notes[0].startswith("Google Ads overview card 'Time series': 2 rows")


# --- TikTok Ads ---------------------------------------------------------------------------------

TIKTOK_GMV = "tiktok_ads/tiktok_ads_gmvmax_creatives_indonesian_IDR_excel_formula_cells.tsv"


def _tiktok_rows() -> list[dict[str, str]]:
    text = (REALDATA / TIKTOK_GMV).read_text(encoding="utf-8")
    records = [
        [re.sub(r'^="(.*)"$', r"\1", cell) for cell in record]
        for record in csv.reader(io.StringIO(text), delimiter="\t", quoting=csv.QUOTE_NONE)
    ]
    return [dict(zip(records[0], record, strict=True)) for record in records[1:] if record]


def test_tiktok_gmv_max_indonesian_without_period_is_quarantined() -> None:
    result = _file(TIKTOK_GMV)

    assert (result.format, result.rows_read, result.rows_quarantined) == (
        "tiktok_ads_report",
        11,
        11,
    )
    assert set(result.quarantine["reason"]) == {
        "the export states no reporting period (no By Day column, no dates in the file name): "
        "pass --period"
    }


def test_tiktok_gmv_max_indonesian_with_period() -> None:
    rows = _tiktok_rows()
    assert len(rows) == 11

    result = _file(TIKTOK_GMV, period=APRIL)

    assert (result.rows_read, result.rows_loaded, result.rows_quarantined) == (11, 11, 0)
    period = result.tables["ad_period"]
    assert period.select("date_start", "date_end").unique().rows() == [APRIL]
    assert period["spend"].sum() == pytest.approx(sum(float(r["Biaya"]) for r in rows))
    assert period["impressions"].sum() == sum(int(r["Impresi iklan produk"]) for r in rows)
    assert period["clicks"].sum() == sum(int(r["Jumlah klik iklan produk"]) for r in rows)
    assert period["conversions"].sum() == sum(int(r["Pesanan SKU"]) for r in rows)
    assert period["conversion_value"].sum() == pytest.approx(
        sum(float(r["Pendapatan kotor"]) for r in rows)
    )
    assert set(period["currency"]) == {"IDR"}
    # `14.000` Rupiah is fourteen, not fourteen thousand.
    assert period.filter(pl.col("ad_id") == "7634566957769051410")["spend"].to_list() == [14.0]
    # Ids stay text; a product card (video `N/A`) is identified by its product.
    expected = {r["ID video"] if r["ID video"] != "N/A" else r["ID produk"] for r in rows}
    assert set(period["ad_id"]) == expected
    assert set(period["campaign_id"]) == {r["ID Campaign"] for r in rows}
    assert period.schema["campaign_id"] == pl.String


def test_text_formula_cells_are_unwrapped_only_when_whole() -> None:
    records, rest = unwrap_text_formulas(
        [['="1730829974117385557"', '="say ""hi"""', 'x="y"', '="a" ', ""]], None
    )
    assert rest is None
    assert records == [["1730829974117385557", 'say "hi"', 'x="y"', '="a" ', ""]]


def test_tiktok_gmv_max_english_formula_cells() -> None:
    header = (
        "Campaign name,Campaign ID,Product ID,Creative type,Video title,Video ID,Cost,"
        "SKU orders,Gross revenue,Product ad impressions,Product ad clicks,Currency"
    )
    row = '="Tea",="1865607983072722",="1730829974117385557",="Video",="Hi",="7603411239343082772",'
    row += '="161074.000",="51",="929035.400",="29803",="2177",="IDR"'
    data = "\n".join(",".join(f'="{c}"' for c in header.split(",")) for _ in [0])
    data += "\n" + row + "\n"

    result = _normalize(data.encode(), period=APRIL)

    period = result.tables["ad_period"]
    assert period.select("campaign_id", "ad_id", "spend", "impressions", "conversions").rows() == [
        ("1865607983072722", "7603411239343082772", 161074.0, 29803, 51.0)
    ]


# --- GA4 and Universal Analytics ----------------------------------------------------------------


def _ga4_table(relative: str) -> list[list[str]]:
    """The data records under the first header of a GA4 CSV (comments and blanks dropped)."""
    text = (REALDATA / relative).read_text(encoding="utf-8")
    records = [r for r in csv.reader(io.StringIO(text)) if r and not r[0].startswith("#")]
    return records[1:]


@pytest.mark.parametrize(
    ("relative", "dimension", "rows"),
    [
        ("google_analytics/ga4_events_aptamergroup_2023.csv", "Event name", 39),
        (
            "google_analytics/ga4_pages_path_planyourrecovery_2026.csv",
            "Page path and screen class",
            56,
        ),
        (
            "google_analytics/ga4_pages_title_under_page_path_heading_buyshedsdirect_2025.csv",
            "Page title and screen class",
            1,
        ),
    ],
)
def test_ga4_reports_without_a_source_are_skipped_with_the_reason(
    relative: str, dimension: str, rows: int
) -> None:
    assert len(_ga4_table(relative)) == rows

    result = _file(relative, account=Account("web", "p1"))

    assert (result.format, result.rows_read, result.rows_skipped) == ("ga4_report", rows, rows)
    assert (result.rows_loaded, result.rows_quarantined, result.tables) == (0, 0, {})
    assert any(
        f"by '{dimension}' states no session source / medium" in note
        and note.endswith(f"{rows} rows skipped")
        for note in result.notes
    )


def test_ga4_exploration_grand_total_in_an_extra_column() -> None:
    relative = "google_analytics/ga4_exploration_user_explorer_grand_total_last_col.csv"
    table = _ga4_table(relative)
    assert table[0][-1] == "Grand total" and len(table[0]) == len(table[1]) + 1

    result = _file(relative, account=Account("web", "p1"))

    assert result.format == "ga4_report"
    assert result.rows_loaded == 0 and result.rows_quarantined == 0
    assert result.rows_skipped == result.rows_read
    assert "1 total rows skipped" in result.notes
    assert any(note.endswith(f"{len(table) - 1} rows skipped") for note in result.notes)


def test_ga4_reports_snapshot_reads_the_first_card_and_names_the_others() -> None:
    relative = "google_analytics/ga4_reports_snapshot_nth_day_multiblock_sciencex.csv"
    text = (REALDATA / relative).read_text(encoding="utf-8")
    blocks: list[list[list[str]]] = []
    after_comment = False
    for record in csv.reader(io.StringIO(text)):
        if record and record[0].startswith("#"):
            after_comment = True
        elif record:
            if after_comment:
                blocks.append([])
            blocks[-1].append(record)
            after_comment = False
    assert len(blocks) == 14
    first_rows = len(blocks[0]) - 1
    further_rows = sum(len(block) - 1 for block in blocks[1:])

    result = _file(relative, account=Account("web", "p1"))

    assert result.format == "ga4_report"
    assert (result.rows_read, result.rows_skipped) == (first_rows + further_rows,) * 2
    assert (first_rows, further_rows) == (28, 128)
    note = next(n for n in result.notes if n.startswith("13 more tables follow the first"))
    assert f"their {further_rows} rows not read" in note
    for block in blocks[1:]:
        assert f"'{','.join(block[0])}'" in note


def test_ua_excel_workbook_summary_and_dataset_sheets() -> None:
    relative = "google_analytics/ua_all_web_site_data_pages_2022-07_excel.xlsx"
    # Cached values, as Excel shows them: the Summary's HYPERLINK cells hold none.
    book = openpyxl.load_workbook(REALDATA / relative, read_only=True, data_only=True)
    filled = {
        ws.title: sum(
            1 for r in ws.iter_rows(values_only=True) if any(c not in (None, "") for c in r)
        )
        for ws in book.worksheets
    }
    book.close()
    assert set(filled) == {"Summary", "Dataset1", "Dataset2"}

    result = _file(relative, account=Account("web", "p1"))

    assert result.format == "ua_report"
    # Dataset headers are not rows; every other filled row is read and skipped.
    expected = filled["Summary"] + filled["Dataset1"] - 1 + filled["Dataset2"] - 1
    assert (result.rows_read, result.rows_skipped, result.rows_loaded) == (expected, expected, 0)
    assert "sheet 'Summary' is not a known export (4 rows skipped)" in result.notes
    assert any("by 'Page' states no session source" in note for note in result.notes)
    assert any("by 'Day Index' states no session source" in note for note in result.notes)


def test_ua_custom_report_with_period_sums_sessions_per_source() -> None:
    relative = "google_analytics/ua_custom_report_bbva_blog_page_source_country_device.csv"
    with (REALDATA / relative).open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    sessions = sum(int(r["Sessions"].replace(",", "")) for r in rows)

    result = _file(relative, account=Account("web", "bbva-blog"), period=APRIL)

    assert (result.rows_read, result.rows_loaded, result.rows_quarantined) == (
        len(rows),
        len(rows),
        0,
    )
    period = result.tables["web_traffic_period"]
    assert period["sessions"].sum() == sessions
    assert period.height == len({r["Source"] for r in rows})
    assert period.select("date_start", "date_end").unique().rows() == [APRIL]


_GA4_PREAMBLE = (
    "# ----------------------------------------\n"
    "# Traffic acquisition: Session primary channel group (Default Channel Group)\n"
    "# Account: Wisata\n"
    "# Property: wisata - GA4\n"
    "# ----------------------------------------\n"
    "#\n"
    "# All Users\n"
    "# Start date: 20260901\n"
    "# End date: 20260930\n"
)


def test_ga4_traffic_by_channel_group_loads_without_a_platform() -> None:
    data = (
        _GA4_PREAMBLE
        + "Session primary channel group (Default Channel Group),Sessions,Engaged sessions,"
        "Engagement rate,Key events,Total revenue\n"
        "Organic Social,120,80,0.6666,3,0\n"
        "Direct,50,20,0.4,0,0\n"
    ).encode()

    result = _normalize(data, account=Account("web", "properties/1"))

    assert (result.format, result.rows_loaded) == ("ga4_traffic", 2)
    period = result.tables["web_traffic_period"]
    assert period.select(
        "date_start", "date_end", "source", "medium", "platform", "sessions", "engaged_sessions"
    ).rows() == [
        (date(2026, 9, 1), date(2026, 9, 30), "(not set)", "Organic Social", None, 120, 80),
        (date(2026, 9, 1), date(2026, 9, 30), "(not set)", "Direct", None, 50, 20),
    ]
    assert any("no social platform is derived" in note for note in result.notes)


def test_ga4_user_acquisition_by_first_user_dimension_is_skipped() -> None:
    data = (
        _GA4_PREAMBLE
        + "First user primary channel group (Default Channel Group),Total users,New users,"
        "Returning users,Event count,Key events\nOrganic Social,10,9,1,50,0\n"
    ).encode()

    result = _normalize(data, account=Account("web", "properties/1"))

    assert (result.format, result.rows_read, result.rows_skipped) == ("ga4_report", 1, 1)
    assert "first-user dimensions attribute users" in result.notes[0]


def test_ga4_closest_hint_stays_within_google_analytics() -> None:
    # Under GA4's preamble a table of YouTube-like columns is a GA4 report: skipped with GA4's
    # reason, never read as YouTube (issue 14: any table of a GA4 file is GA4's).
    data = (_GA4_PREAMBLE + "Operating system,Views,Watch time (hours)\nAndroid,3,1.5\n").encode()
    result = _normalize(data, account=Account("web", "properties/1"))
    assert (result.format, result.platform, result.rows_skipped) == ("ga4_report", "web", 1)
    assert "by 'Operating system' states no session source" in result.notes[0]

    # A table with no GA4 metric at all is still refused, naming a GA4 format only.
    data = (_GA4_PREAMBLE + "Operating system,Watch time (hours)\nAndroid,1.5\n").encode()
    with pytest.raises(InputError) as caught:
        _normalize(data)
    assert str(caught.value).startswith("unknown format: ")
    assert "youtube" not in str(caught.value)

    # A table by source without the sessions traffic needs is refused, naming them.
    data = (_GA4_PREAMBLE + "Session source / medium,Engaged sessions,Engagement rate\n").encode()
    with pytest.raises(InputError, match=r"^GA4 report by 'Session source / medium' lacks 'Sess"):
        _normalize(data + b"google / organic,3,0.5\n")


def _landing(body: str) -> Normalized:
    preamble = _GA4_PREAMBLE.replace("Traffic acquisition: Session primary", "Landing page: x")
    return _normalize((preamble + body).encode(), account=Account("web", "properties/1"))


def test_ga4_landing_page_without_source_is_skipped_and_with_source_summed() -> None:
    alone = _landing(
        "Landing page + query string,Sessions,Engaged sessions,Key events\n"
        "/,10,5,1\n/a,3,1,0\n,13,6,1\n"
    )
    assert (alone.format, alone.rows_read, alone.rows_skipped, alone.tables) == (
        "ga4_report",
        3,
        3,
        {},
    )
    assert "by 'Landing page + query string' states no session source" in alone.notes[0]

    by_source = _landing(
        "Landing page + query string,Session source / medium,Sessions,Engaged sessions\n"
        "/,instagram.com / referral,10,5\n/a,instagram.com / referral,3,1\n"
        "/a,google / organic,2,1\n"
    )
    assert (by_source.format, by_source.rows_loaded) == ("ga4_traffic", 3)
    assert by_source.tables["web_traffic_period"].select(
        "source", "medium", "platform", "sessions"
    ).rows() == [("instagram.com", "referral", "instagram", 13), ("google", "organic", None, 2)]


def test_ga4_session_source_platform_takes_the_medium_place() -> None:
    result = _normalize(
        (
            _GA4_PREAMBLE + "Session source platform,Sessions,Engaged sessions\n"
            "Google Ads,10,5\nManual,3,1\n"
        ).encode(),
        account=Account("web", "properties/1"),
    )
    assert result.tables["web_traffic_period"].select("source", "medium", "sessions").rows() == [
        ("(not set)", "Google Ads", 10),
        ("(not set)", "Manual", 3),
    ]


def test_ga4_french_preamble_states_the_range() -> None:
    data = (
        "# ----------------------------------------\n"
        "# Acquisition de trafic : Groupe de canaux par défaut de la session\n"
        "# Compte : Maison Lumen\n"
        "# Date de début : 20260701\n"
        "# Date de fin : 20260728\n"
        "# ----------------------------------------\n"
        "\n"
        "Session source / medium,Sessions,Engaged sessions\n"
        "l.instagram.com / referral,12,7\n"
    ).encode()

    result = _normalize(data, account=Account("web", "properties/1"))

    assert result.tables["web_traffic_period"].select(
        "date_start", "date_end", "platform", "sessions"
    ).rows() == [(date(2026, 7, 1), date(2026, 7, 28), "instagram", 12)]
