"""Ads-manager exports: Meta Ads Manager, Google Ads reports, TikTok Ads Manager.

Real files are read in place from the shared `realdata` folder; their expected sums are computed
here with `csv`, independently of the parsers, and also pinned as literal figures.
"""

import csv
import io
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import polars as pl
import pytest

from tests.conftest import REALDATA, needs_realdata, normalize_counted, reasons
from transforms.context import Account, IngestContext, Normalized
from transforms.errors import InputError

AS_OF = date(2026, 3, 1)


def _normalize_bytes(data: bytes, source_name: str = "export.csv", **fields: Any) -> Normalized:
    ctx = IngestContext(source_name=source_name, as_of=AS_OF, **fields)
    return normalize_counted(data, ctx)


def _normalize(text: str, source_name: str = "export.csv", **fields: Any) -> Normalized:
    return _normalize_bytes(text.encode("utf-8"), source_name, **fields)


def _rows(frame: pl.DataFrame, *columns: str) -> list[tuple[Any, ...]]:
    return frame.select(columns).rows()


def _number(text: str) -> float:
    """An English-formatted number as the export writes it ("25,881", " --" is 0 here)."""
    cleaned = text.strip().replace(",", "")
    return 0.0 if cleaned in ("", "--") else float(cleaned)


# --- real files ---------------------------------------------------------------------------------

META_WEEKS = {
    # file: (rows, spend, impressions, reach, leads (form_submit), conversions (app installs))
    "meta_ads_manager_INR_ads_2026-02-02_2026-02-08_embedded.csv": (
        9,
        14631.96,
        354406,
        293935,
        2.0,
        0.0,
    ),
    "meta_ads_manager_INR_ads_2026-02-09_2026-02-15_embedded.csv": (
        18,
        14091.52,
        160350,
        125817,
        4.0,
        138.0,
    ),
}


@needs_realdata
@pytest.mark.parametrize("name", sorted(META_WEEKS))
def test_real_meta_ads_manager_week_sums_equal_the_file(name: str) -> None:
    path = REALDATA / "meta_ads" / name
    records = list(csv.DictReader(path.open(encoding="utf-8", newline="")))
    rows, spend, impressions, reach, leads, installs = META_WEEKS[name]
    expected = {
        "spend": sum(float(r["Amount spent (INR)"]) for r in records),
        "impressions": sum(int(r["Impressions"]) for r in records),
        "reach": sum(int(r["Reach"]) for r in records),
        "leads": sum(float(r["Results"]) for r in records if r["Result type"] == "form_submit"),
        "conversions": sum(
            float(r["Results"]) for r in records if r["Result type"] == "Mobile app installs"
        ),
    }
    assert len(records) == rows
    assert expected["spend"] == pytest.approx(spend)
    assert (expected["impressions"], expected["reach"]) == (impressions, reach)
    assert (expected["leads"], expected["conversions"]) == (leads, installs)

    result = _normalize_bytes(path.read_bytes(), name)

    assert (result.format, result.platform) == ("meta_ads_manager", "meta")
    assert (result.rows_read, result.rows_loaded, result.rows_quarantined) == (rows, rows, 0)
    assert result.rows_skipped == 0
    assert list(result.tables) == ["ad_period"]
    period = result.tables["ad_period"]
    assert period.height == rows
    assert period["spend"].sum() == pytest.approx(expected["spend"])
    assert period["impressions"].sum() == expected["impressions"]
    assert period["reach"].sum() == expected["reach"]
    assert period["leads"].sum() == expected["leads"]
    assert period.get_column("conversions", default=pl.Series([0.0])).sum() == installs
    assert set(period["currency"]) == {"INR"}
    assert set(period["ad_account_id"]) == {""}
    first = records[0]
    assert period.select("date_start", "date_end").unique().rows() == [
        (date.fromisoformat(first["Reporting starts"]), date.fromisoformat(first["Reporting ends"]))
    ]


@needs_realdata
def test_real_meta_ads_manager_namesakes_are_numbered_and_lists_kept() -> None:
    name = "meta_ads_manager_INR_ads_2026-02-09_2026-02-15_embedded.csv"
    result = _normalize_bytes((REALDATA / "meta_ads" / name).read_bytes(), name)
    period = result.tables["ad_period"]
    testimonials = period.filter(pl.col("campaign_id") == "TRANSLATED TESTIMONIALS - Copy")
    assert _rows(testimonials, "ad_id", "ad_name", "spend") == [
        ("New Engagement Ad", "New Engagement Ad", 0.15),
        ("New Engagement Ad (2)", "New Engagement Ad", 0.51),
    ]
    # A row naming several ads keeps the list: its figures cannot be split between them.
    assert "New Engagement Ad; New Engagement Ad - Copy;" in period["ad_id"].to_list()
    # Rows with spend but no result: result_type and the result-fed columns stay NULL, not 0.
    delivery_only = period.filter(pl.col("ad_id") == "mixed")
    assert _rows(delivery_only, "result_type", "leads", "conversions", "spend") == [
        (None, None, None, 5.66)
    ]
    assert any(
        "numbered 'Name (2)'" in note and note.endswith("1 (export the ID columns to avoid this)")
        for note in result.notes
    )


GOOGLE_FILES = {
    # file: (data rows, total rows, period, Total: Account (Impr., Cost, Conversions))
    "gads_campaign_report_INR_2025-07.csv": (
        2,
        4,
        (date(2025, 7, 8), date(2025, 7, 31)),
        (46168, 2565.92, 15.0),
    ),
    "gads_ad_report_2026-01-20_21.csv": (
        15,
        5,
        (date(2026, 1, 20), date(2026, 1, 21)),
        (1042, 133.89, 1.0),
    ),
}


def _google_records(path: Path) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """Data rows and `Total:` rows of a Google Ads download, read with csv (header on line 3)."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    records = list(csv.DictReader(io.StringIO("".join(lines[2:]))))
    first = next(iter(records[0]))
    totals = [r for r in records if r[first].startswith("Total:")]
    return [r for r in records if not r[first].startswith("Total:")], totals


@needs_realdata
@pytest.mark.parametrize("name", sorted(GOOGLE_FILES))
def test_real_google_ads_sums_exclude_total_rows(name: str) -> None:
    path = REALDATA / "google_ads" / name
    data, totals = _google_records(path)
    data_rows, total_rows, period_range, account_total = GOOGLE_FILES[name]
    assert (len(data), len(totals)) == (data_rows, total_rows)

    result = _normalize_bytes(path.read_bytes(), name)

    assert (result.format, result.platform) == ("google_ads_report", "google")
    assert (result.rows_read, result.rows_loaded) == (data_rows + total_rows, data_rows)
    assert (result.rows_quarantined, result.rows_skipped) == (0, total_rows)
    period = result.tables["ad_period"]
    assert list(result.tables) == ["ad_period"]
    assert period.select("date_start", "date_end").unique().rows() == [period_range]
    assert period["impressions"].sum() == sum(int(_number(r["Impr."])) for r in data)
    assert period["spend"].sum() == pytest.approx(sum(_number(r["Cost"]) for r in data))
    assert period["conversions"].sum() == pytest.approx(
        sum(_number(r["Conversions"]) for r in data)
    )
    assert set(period["currency"]) == {r["Currency code"] for r in data}
    # Interactions are not clicks: the reports have no Clicks column, so clicks stay NULL.
    assert "clicks" not in period.columns
    account = next(r for r in totals if next(iter(r.values())) == "Total: Account")
    stated = (
        int(_number(account["Impr."])),
        _number(account["Cost"]),
        _number(account["Conversions"]),
    )
    assert stated == account_total


@needs_realdata
def test_real_google_campaign_report_matches_its_account_total() -> None:
    name = "gads_campaign_report_INR_2025-07.csv"
    result = _normalize_bytes((REALDATA / "google_ads" / name).read_bytes(), name)
    period = result.tables["ad_period"]
    assert _rows(period, "campaign_id", "ad_id", "campaign_name", "currency") == [
        ("Video views - 2025-07-19", "", "Video views - 2025-07-19", "INR"),
        ("MH-m-sand", "", "MH-m-sand", "INR"),
    ]
    # 46,168 impressions and 15 conversions as the Total: Account row; cost 2565.93 against its
    # 2565.92: the per-campaign costs are rounded, which is not a mismatch.
    assert period["impressions"].sum() == 46168
    assert period["conversions"].sum() == 15.0
    assert round(period["spend"].sum(), 2) == 2565.93
    assert not any("Total: Account" in note for note in result.notes)


@needs_realdata
def test_real_google_ad_report_differs_from_its_account_total() -> None:
    name = "gads_ad_report_2026-01-20_21.csv"
    result = _normalize_bytes((REALDATA / "google_ads" / name).read_bytes(), name)
    period = result.tables["ad_period"]
    # The data rows add up to the report's own "Total: All but removed ads" row (305, 117.06);
    # the account total (1,042, 133.89, 1 conversion) includes removed ads the report omits.
    assert (period["impressions"].sum(), round(period["spend"].sum(), 2)) == (305, 117.06)
    assert (
        "the 'Total: Account' row differs from the sum of the data rows (Cost 133.89 vs 117.06, "
        "Impr. 1042 vs 305, Conversions 1.0 vs 0.0): the account holds what this report does "
        "not list (removed items, or campaigns without this report's rows, such as Performance "
        "Max)"
    ) in result.notes
    # Responsive search ads have no id or name: ad group / first headline identifies them.
    assert _rows(period.head(2), "campaign_id", "ad_id", "ad_set_name", "ad_name") == [
        (
            "Bay Area Pressure",
            "Pressure Washing / Exterior Surface Cleaning Pros",
            "Pressure Washing",
            "Exterior Surface Cleaning Pros",
        ),
        (
            "Bay Area Pressure",
            "Pressure Washing / Wood Restoration Service",
            "Pressure Washing",
            "Wood Restoration Service",
        ),
    ]
    assert period.select("campaign_id", "ad_id").is_unique().all()


@needs_realdata
def test_real_agency_sheet_is_an_unknown_format_in_one_line() -> None:
    name = "agency_sheet_meta_app_cac_weekly_multiheader.csv"
    with pytest.raises(InputError) as caught:
        _normalize_bytes((REALDATA / "meta_ads" / name).read_bytes(), name)
    message = str(caught.value)
    assert message.startswith("unknown format: ")
    assert "\n" not in message


# --- Meta Ads Manager ---------------------------------------------------------------------------

META_DAILY = """\
Account ID,Campaign ID,Campaign name,Ad set name,Ad ID,Ad name,Day,Currency,Amount spent,\
Impressions,Reach,Link clicks,Clicks (all),Result type,Results,Leads,CTR (link click-through rate),\
Reporting starts,Reporting ends
111,2001,Promo,Set A,3001,Ad one,2026-02-02,IDR,150000,"1,200",900,30,45,Leads,4,5,2.5,\
2026-02-02,2026-02-03
111,2001,Promo,Set A,3001,Ad one,2026-02-03,IDR,100000.5,800,600,,12,Leads,,,,2026-02-02,2026-02-03
"""


def test_meta_daily_export_with_ids() -> None:
    result = _normalize(META_DAILY)
    assert (result.format, result.platform) == ("meta_ads_manager", "meta")
    assert list(result.tables) == ["ad_daily"]
    daily = result.tables["ad_daily"]
    assert _rows(
        daily,
        "platform",
        "ad_account_id",
        "campaign_id",
        "ad_id",
        "date",
        "campaign_name",
        "ad_set_name",
        "ad_name",
        "currency",
    ) == [
        ("meta", "111", "2001", "3001", date(2026, 2, 2), "Promo", "Set A", "Ad one", "IDR"),
        ("meta", "111", "2001", "3001", date(2026, 2, 3), "Promo", "Set A", "Ad one", "IDR"),
    ]
    # The Leads column wins over Results of a lead type; blanks are NULL, never 0.
    assert _rows(
        daily, "spend", "impressions", "reach", "link_clicks", "clicks", "leads", "result_type"
    ) == [
        (150000.0, 1200, 900, 30, 45, 5.0, "Leads"),
        (100000.5, 800, 600, None, 12, None, "Leads"),
    ]
    # Derived rates are not stored.
    assert "ctr" not in daily.columns


META_ID = """\
Nama kampanye,Nama set iklan,Nama iklan,Hari,Jenis hasil,Hasil,Biaya per hasil,\
Jumlah yang dibelanjakan (IDR),Impresi,Jangkauan,Frekuensi,Klik tautan,\
CTR (rasio klik tayang tautan),Awal pelaporan,Akhir pelaporan
Ramadan,Jakarta,Video 1,2026-03-01,Prospek,12,"104.166,67","1.250.000,00",1.234.567,"987.654",\
"1,25","1.520","0,12",2026-03-01,2026-03-07
Ramadan,Jakarta,Video 2,2026-03-01,Klik tautan,30,"1.000,5","30.015",2.000,1.500,"1,33",,0,\
2026-03-01,2026-03-07
"""


def test_meta_indonesian_headers_and_numbers() -> None:
    result = _normalize(META_ID)
    assert result.format == "meta_ads_manager"
    daily = result.tables["ad_daily"]
    assert _rows(daily, "ad_id", "date", "currency", "spend", "impressions", "reach") == [
        ("Jakarta / Video 1", date(2026, 3, 1), "IDR", 1250000.0, 1234567, 987654),
        ("Jakarta / Video 2", date(2026, 3, 1), "IDR", 30015.0, 2000, 1500),
    ]
    # Prospek results are leads; the Klik tautan column is the export's own link clicks, so
    # results of type "Klik tautan" do not replace it (row 2 has it blank: NULL).
    assert _rows(daily, "leads", "link_clicks", "result_type") == [
        (12.0, 1520, "Prospek"),
        (None, None, "Klik tautan"),
    ]


def test_meta_results_feed_columns_by_result_type() -> None:
    text = """\
Campaign name,Ad name,Result type,Results,Amount spent (USD),Impressions,\
Reporting starts,Reporting ends
Shop,A,Website purchases,3,10,100,2026-02-01,2026-02-07
Shop,B,Link clicks,40,10,100,2026-02-01,2026-02-07
Shop,C,On-Facebook leads,7,10,100,2026-02-01,2026-02-07
Shop,D,Messaging conversations started,9,10,100,2026-02-01,2026-02-07
Shop,E,,,0.5,3,2026-02-01,2026-02-07
"""
    period = _normalize(text).tables["ad_period"]
    assert _rows(period, "ad_id", "conversions", "link_clicks", "leads", "currency") == [
        ("A", 3.0, None, None, "USD"),
        ("B", None, 40, None, "USD"),
        ("C", None, None, 7.0, "USD"),
        ("D", None, None, None, "USD"),
        ("E", None, None, None, "USD"),
    ]
    assert "reach" not in period.columns


def test_meta_one_day_range_is_daily() -> None:
    text = """\
Campaign name,Amount spent (IDR),Impressions,Reporting starts,Reporting ends
Brand,5000,10,2026-02-02,2026-02-02
Brand,9000,20,2026-02-01,2026-02-07
"""
    result = _normalize(text)
    assert _rows(result.tables["ad_daily"], "campaign_id", "ad_id", "date", "spend") == [
        ("Brand", "", date(2026, 2, 2), 5000.0)
    ]
    assert _rows(result.tables["ad_period"], "date_start", "date_end", "spend") == [
        (date(2026, 2, 1), date(2026, 2, 7), 9000.0)
    ]


def test_meta_row_without_currency_is_quarantined() -> None:
    text = """\
Campaign name,Currency,Amount spent,Impressions,Reporting starts,Reporting ends
Brand,USD,5,10,2026-02-01,2026-02-07
Other,,6,11,2026-02-01,2026-02-07
Third,Rupiah,7,12,2026-02-01,2026-02-07
"""
    result = _normalize(text)
    assert _rows(result.tables["ad_period"], "campaign_id", "currency") == [("Brand", "USD")]
    assert reasons(result) == [
        (
            3,
            "no currency: the export has no currency column or code in the spend header, and "
            "the account has no currency in kunci.toml",
        ),
        (4, "column 'Currency': 'RUPIAH' is not an ISO 4217 currency code"),
    ]


def test_meta_currency_from_the_configured_account() -> None:
    text = """\
Campaign name,Amount spent,Impressions,Reporting starts,Reporting ends
Brand,5,10,2026-02-01,2026-02-07
"""
    account = Account(platform="meta", account_id="act_9", currency="IDR")
    result = _normalize(text, account=account)
    assert _rows(result.tables["ad_period"], "ad_account_id", "currency") == [("act_9", "IDR")]
    assert result.notes == ()


def test_meta_currency_column_contradicting_the_spend_header_is_quarantined() -> None:
    text = """\
Campaign name,Currency,Amount spent (IDR),Impressions,Reporting starts,Reporting ends
Brand,USD,5,10,2026-02-01,2026-02-07
"""
    result = _normalize(text)
    assert reasons(result) == [
        (2, "column 'Currency': 'USD' contradicts the currency of 'Amount spent (IDR)'")
    ]


def test_meta_account_hint_wins_and_conflicting_rows_are_quarantined() -> None:
    text = """\
Account ID,Campaign name,Amount spent (IDR),Impressions,Reporting starts,Reporting ends
9,Brand,5,10,2026-02-01,2026-02-07
8,Brand,6,10,2026-02-01,2026-02-07
"""
    result = _normalize(text, account=Account(platform="meta", account_id="act_9"))
    assert _rows(result.tables["ad_period"], "ad_account_id", "spend") == [("act_9", 5.0)]
    assert reasons(result) == [
        (3, "column 'Account ID': '8' is not the account given with --account (act_9)")
    ]


def test_meta_account_hint_of_another_platform_is_not_used() -> None:
    text = """\
Account ID,Campaign name,Amount spent (IDR),Impressions,Reporting starts,Reporting ends
9,Brand,5,10,2026-02-01,2026-02-07
"""
    result = _normalize(text, account=Account(platform="instagram", account_id="17841"))
    assert _rows(result.tables["ad_period"], "ad_account_id") == [("9",)]
    assert result.notes == ("--account instagram:… is not a meta ad account: not used",)


def test_meta_ids_destroyed_by_a_spreadsheet_and_bad_numbers_are_quarantined() -> None:
    text = """\
Campaign ID,Campaign name,Ad ID,Amount spent (USD),Impressions,Reporting starts,Reporting ends
120212345678901234,Brand,1.20212E+17,5,10,2026-02-01,2026-02-07
120212345678901234,Brand,120212345678909999,5 USD,10,2026-02-01,2026-02-07
120212345678901234,Brand,120212345678908888,5,10,,
"""
    result = _normalize(text)
    assert result.rows_loaded == 0
    assert reasons(result) == [
        (
            2,
            "column 'Ad ID': '1.20212E+17' is an ID a spreadsheet rounded to scientific notation "
            "(the ID is lost: re-export without opening the file in a spreadsheet)",
        ),
        (3, "column 'Amount spent (USD)': '5 USD' is not a number"),
        (4, "no date: 'Reporting starts' or 'Reporting ends' is empty"),
    ]


def test_meta_verbatim_repeats_are_skipped_and_repeated_ids_keep_the_last() -> None:
    text = """\
Campaign ID,Campaign name,Ad ID,Ad name,Amount spent (USD),Impressions,\
Reporting starts,Reporting ends
1,Brand,10,Ad,5,10,2026-02-01,2026-02-07
1,Brand,10,Ad,5,10,2026-02-01,2026-02-07
1,Brand,11,Ad,6,12,2026-02-01,2026-02-07
1,Brand,11,Ad,7,14,2026-02-01,2026-02-07
"""
    result = _normalize(text)
    assert (result.rows_loaded, result.rows_skipped) == (2, 2)
    assert _rows(result.tables["ad_period"], "ad_id", "ad_name", "spend") == [
        ("10", "Ad", 5.0),
        ("11", "Ad", 7.0),
    ]


def test_meta_names_are_qualified_by_ad_set_and_namesakes_numbered() -> None:
    text = """\
Campaign name,Ad set name,Ad name,Amount spent (USD),Impressions,Reporting starts,Reporting ends
Brand,Set A,Ad 1,1,10,2026-02-01,2026-02-07
Brand,Set B,Ad 1,2,20,2026-02-01,2026-02-07
Brand,Set B,Ad 1,3,30,2026-02-01,2026-02-07
Brand,Set A,,4,40,2026-02-01,2026-02-07
Solo,,,5,50,2026-02-01,2026-02-07
Solo,,,6,60,2026-02-01,2026-02-07
"""
    result = _normalize(text)
    assert _rows(result.tables["ad_period"], "campaign_id", "ad_id", "ad_name", "spend") == [
        ("Brand", "Set A / Ad 1", "Ad 1", 1.0),
        ("Brand", "Set B / Ad 1", "Ad 1", 2.0),
        ("Brand", "Set B / Ad 1 (2)", "Ad 1", 3.0),
        ("Brand", "Set A", None, 4.0),
        ("Solo", "", None, 5.0),
        ("Solo (2)", "", None, 6.0),
    ]
    assert (result.rows_loaded, result.rows_skipped) == (6, 0)


def test_meta_breakdown_export_is_refused() -> None:
    text = """\
Campaign name,Age,Amount spent (USD),Impressions,Reporting starts,Reporting ends
Brand,18-24,5,10,2026-02-01,2026-02-07
Brand,25-34,6,12,2026-02-01,2026-02-07
"""
    with pytest.raises(InputError, match=r"^column 'Age' splits each ad into several rows"):
        _normalize(text)


# --- Google Ads ---------------------------------------------------------------------------------

GOOGLE_DAILY = """\
Campaign report
"July 1, 2025 - July 2, 2025"
Day,Customer ID,Campaign ID,Campaign,Clicks,Impr.,Cost,Conversions,Conv. value,Views,Currency code
2025-07-01,123-456-7890,99,Search A,"1,204","25,881",1661.67,2.50, --,0,IDR
2025-07-02,123-456-7890,99,Search A,10,100,5.00,0.00,0.00, --,IDR
Total: Account, --, --, --,"1,214","25,981",1666.67,2.50,0.00,0,IDR
"""


def test_google_daily_report_skips_total_rows() -> None:
    result = _normalize(GOOGLE_DAILY)
    assert (result.format, result.platform) == ("google_ads_report", "google")
    assert (result.rows_read, result.rows_loaded, result.rows_skipped) == (3, 2, 1)
    daily = result.tables["ad_daily"]
    assert list(result.tables) == ["ad_daily"]
    assert _rows(
        daily,
        "ad_account_id",
        "campaign_id",
        "ad_id",
        "date",
        "currency",
        "clicks",
        "impressions",
        "spend",
        "conversions",
        "conversion_value",
        "video_views",
    ) == [
        ("123-456-7890", "99", "", date(2025, 7, 1), "IDR", 1204, 25881, 1661.67, 2.5, None, 0),
        ("123-456-7890", "99", "", date(2025, 7, 2), "IDR", 10, 100, 5.0, 0.0, 0.0, None),
    ]
    # The account total matches the data rows: no note about it.
    assert not any("Total: Account" in note for note in result.notes)


GOOGLE_AGGREGATE = """\
Campaign report
Campaign,Impr.,Cost (USD),Interactions
Search A,100,5.00,7
"""


def test_google_aggregate_without_range_is_quarantined() -> None:
    result = _normalize(GOOGLE_AGGREGATE)
    assert result.tables == {}
    assert reasons(result) == [
        (3, "the report states no date range above its header: pass --period")
    ]


def test_google_aggregate_takes_period_from_context_and_currency_from_header() -> None:
    result = _normalize(GOOGLE_AGGREGATE, period=(date(2025, 7, 1), date(2025, 7, 31)))
    period = result.tables["ad_period"]
    assert _rows(period, "campaign_id", "date_start", "date_end", "currency", "spend") == [
        ("Search A", date(2025, 7, 1), date(2025, 7, 31), "USD", 5.0)
    ]
    assert "clicks" not in period.columns
    assert "date range from --period (the report states none)" in result.notes


def test_google_stated_range_wins_over_period() -> None:
    text = GOOGLE_AGGREGATE.replace(
        "Campaign report\n", 'Campaign report\n"Jul 1, 2025 - Jul 7, 2025"\n'
    )
    result = _normalize(text, period=(date(2025, 7, 1), date(2025, 7, 31)))
    assert _rows(result.tables["ad_period"], "date_start", "date_end") == [
        (date(2025, 7, 1), date(2025, 7, 7))
    ]
    assert "--period ignored: the report states 2025-07-01 - 2025-07-07" in result.notes


def test_google_one_day_range_is_daily() -> None:
    text = GOOGLE_AGGREGATE.replace(
        "Campaign report\n", 'Campaign report\n"January 20, 2026 - January 20, 2026"\n'
    )
    result = _normalize(text)
    assert _rows(result.tables["ad_daily"], "date", "spend") == [(date(2026, 1, 20), 5.0)]


def test_google_ad_ids_identify_ads() -> None:
    text = """\
Ad report
"July 1, 2025 - July 31, 2025"
Ad ID,Ad name,Headline 1,Campaign,Ad group,Impr.,Cost,Currency code
555, --,Great deals,Search A,Group 1,10,1.00,USD
556,Banner, --,Search A,Group 1,20,2.00,USD
"""
    period = _normalize(text).tables["ad_period"]
    assert _rows(period, "ad_id", "ad_name", "ad_set_name") == [
        ("555", "Great deals", "Group 1"),
        ("556", "Banner", "Group 1"),
    ]


def test_google_segmented_report_is_refused() -> None:
    text = """\
Campaign report
"July 1, 2025 - July 31, 2025"
Campaign,Device,Impr.,Cost,Currency code
Search A,Mobile phones,10,1.00,USD
"""
    with pytest.raises(InputError, match=r"^column 'Device' splits each ad"):
        _normalize(text)


# --- TikTok Ads Manager -------------------------------------------------------------------------

TIKTOK_DAILY = """\
By Day,Campaign name,Campaign ID,Ad group name,Ad name,Ad ID,Cost,Currency,Impressions,Reach,\
Clicks (destination),CTR (destination),Conversions,Video views,Leads
2026-02-01,Launch,1801,Group,Clip 1,1802,12.50,USD,"1,000",800,20,2.00%,3,500,1
2026-02-02,Launch,1801,Group,Clip 1,1802,0.00,USD,0,0,0,0.00%,0,0,0
Total of 2 results,,,,,,12.50,USD,"1,000",800,20,2.00%,3,500,1
"""


def test_tiktok_daily_export() -> None:
    result = _normalize(TIKTOK_DAILY)
    assert (result.format, result.platform) == ("tiktok_ads_report", "tiktok")
    assert (result.rows_read, result.rows_loaded, result.rows_skipped) == (3, 2, 1)
    daily = result.tables["ad_daily"]
    assert _rows(
        daily,
        "platform",
        "campaign_id",
        "ad_id",
        "date",
        "currency",
        "spend",
        "impressions",
        "reach",
        "link_clicks",
        "conversions",
        "video_views",
        "leads",
    ) == [
        ("tiktok", "1801", "1802", date(2026, 2, 1), "USD", 12.5, 1000, 800, 20, 3.0, 500, 1.0),
        ("tiktok", "1801", "1802", date(2026, 2, 2), "USD", 0.0, 0, 0, 0, 0.0, 0, 0.0),
    ]
    assert "clicks" not in daily.columns


TIKTOK_AGGREGATE = """\
Campaign name,Ad group name,Ad name,Cost,Impressions,Clicks (destination)
Launch,Group,Clip 1,12.50,"1,000",20
"""


def test_tiktok_aggregate_period_from_file_name() -> None:
    result = _normalize(
        TIKTOK_AGGREGATE,
        "Custom report_2026-02-01_2026-02-07.csv",
        account=Account(platform="tiktok", account_id="7001", currency="USD"),
    )
    period = result.tables["ad_period"]
    assert _rows(period, "ad_account_id", "campaign_id", "ad_id", "date_start", "date_end") == [
        ("7001", "Launch", "Group / Clip 1", date(2026, 2, 1), date(2026, 2, 7))
    ]
    assert result.notes == ("date range 2026-02-01 - 2026-02-07 taken from the file name",)


def test_tiktok_aggregate_period_from_context_wins_over_file_name() -> None:
    result = _normalize(
        TIKTOK_AGGREGATE,
        "Custom report_2026-02-01_2026-02-07.csv",
        account=Account(platform="tiktok", account_id="7001", currency="USD"),
        period=(date(2026, 1, 1), date(2026, 1, 31)),
    )
    assert _rows(result.tables["ad_period"], "date_start", "date_end") == [
        (date(2026, 1, 1), date(2026, 1, 31))
    ]


def test_tiktok_aggregate_without_any_range_is_quarantined() -> None:
    result = _normalize(
        TIKTOK_AGGREGATE, account=Account(platform="tiktok", account_id="7001", currency="USD")
    )
    assert reasons(result) == [
        (
            2,
            "the export states no reporting period (no By Day column, no dates in the file name): "
            "pass --period",
        )
    ]


def test_tiktok_xlsx_export() -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Ad report"
    sheet.append(["By Day", "Campaign name", "Ad name", "Cost", "Currency", "Impressions"])
    sheet.append([date(2026, 2, 1), "Launch", "Clip 1", 12.5, "IDR", 1000])
    sheet.append([date(2026, 2, 2), "Launch", "Clip 1", 7, "IDR", 640])
    buffer = io.BytesIO()
    book.save(buffer)
    result = _normalize_bytes(buffer.getvalue(), "report.xlsx")
    assert _rows(
        result.tables["ad_daily"], "campaign_id", "ad_id", "date", "spend", "impressions"
    ) == [
        ("Launch", "Clip 1", date(2026, 2, 1), 12.5, 1000),
        ("Launch", "Clip 1", date(2026, 2, 2), 7.0, 640),
    ]
