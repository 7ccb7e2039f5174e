"""normalize_export against real public exports nobody here wrote (read in place, never copied).

The files live in the shared `realdata` folder next to the repository (see its MANIFEST.md); the
whole module is skipped where that folder is absent.
"""

from datetime import date

import polars as pl
import pytest

from tests.conftest import REALDATA, normalize_counted, skip_module_without_realdata
from transforms.container.book import read_book
from transforms.context import Account, IngestContext, Normalized
from transforms.errors import InputError

skip_module_without_realdata()

INGESTED = date(2025, 3, 1)


def _normalize(relative: str, account: Account | None = None) -> Normalized:
    path = REALDATA / relative
    ctx = IngestContext(source_name=path.name, as_of=INGESTED, account=account)
    return normalize_counted(path.read_bytes(), ctx)


def test_x_content_export() -> None:
    result = _normalize("twitter/x_account_analytics_content_2024-11-21_2025-02-19.csv")

    assert (result.format, result.rows_read, result.rows_loaded, result.rows_quarantined) == (
        "x_account_content",
        141,
        141,
        0,
    )
    assert result.tables["account"].select("account_id", "handle").rows() == [
        ("wormhole_br", "wormhole_br")
    ]
    metrics = result.tables["post_metrics"]
    assert metrics.schema["post_id"] == pl.String
    assert metrics["as_of_date"].unique().to_list() == [date(2025, 2, 19)]
    assert metrics.row(0, named=True)["post_id"] == "1891564128784855141"
    assert metrics.row(0, named=True)["impressions"] == 70
    assert metrics["post_id"].str.contains(r"^\d{19}$").all()
    assert metrics["post_id"].n_unique() == 141
    posts = result.tables["post"]
    assert posts["account_id"].unique().to_list() == ["wormhole_br"]
    assert posts["published_date"].null_count() == 0


def test_x_overview_export_with_account_hint() -> None:
    result = _normalize("twitter/x_account_overview_analytics_FGSC.csv", Account("x", "fgsc"))

    assert (result.format, result.rows_read, result.rows_loaded) == ("x_account_overview", 50, 50)
    daily = result.tables["account_daily"]
    assert daily["date"].null_count() == 0
    assert daily["date"].n_unique() == 50
    assert daily.row(0, named=True)["date"] == date(2025, 2, 18)  # "Tue, Feb 18, 2025"
    feb_17 = daily.filter(pl.col("date") == date(2025, 2, 17))
    assert feb_17.select("account_id", "impressions").rows() == [("fgsc", 426)]


def test_x_overview_export_without_account_is_refused() -> None:
    with pytest.raises(InputError, match=r"pass --account x:<id>$"):
        _normalize("twitter/x_account_overview_analytics_FGSC.csv")


def test_excel_resaved_mbs_export_quarantines_destroyed_ids() -> None:
    result = _normalize("instagram/mbs_instagram_feed_alexwalks_excel_resaved.csv")

    assert result.format == "meta_business_suite_content"
    assert (result.rows_read, result.rows_loaded, result.rows_quarantined) == (20, 0, 20)
    assert result.quarantine["reason"].str.contains("scientific notation").all()
    assert result.quarantine["row_number"].n_unique() == 20
    assert result.tables["post"].height == 0
    assert result.tables["post_metrics"].height == 0


def test_legacy_tweet_activity_export_is_recognised() -> None:
    result = _normalize("twitter/tweet_activity_metrics_rOpenSci_20161201_20170101_en.csv")

    assert (result.format, result.rows_read, result.rows_loaded) == ("x_tweet_activity", 37, 37)
    assert result.tables["post_metrics"]["impressions"].sum() == 110_828


@pytest.mark.parametrize(
    ("relative", "fmt", "rows"),
    [
        (
            "facebook/fb_insights_post_level_VIC_2015-08-19_2016-02-15.csv",
            "facebook_insights_posts",
            170,
        ),
        # Its 147,361-character header once made the delimiter sniffer raise a raw csv.Error.
        (
            "facebook/fb_insights_page_level_VIC_2015-08-19_2016-02-15.csv",
            "facebook_insights_page",
            180,
        ),
    ],
)
def test_legacy_facebook_export_is_recognised(relative: str, fmt: str, rows: int) -> None:
    result = _normalize(relative, Account("facebook", "518995791497187"))

    # the row describing the columns is read and skipped
    assert (result.format, result.rows_read, result.rows_loaded) == (fmt, rows + 1, rows)


def test_ua_custom_report_is_recognised() -> None:
    result = _normalize(
        "google_analytics/ua_custom_report_bbva_blog_page_source_country_device.csv",
        Account("web", "bbva-blog"),
    )

    assert (result.format, result.rows_read, result.rows_quarantined) == (
        "ua_traffic",
        17243,
        17243,
    )
    assert set(result.quarantine["reason"]) == {
        "aggregate export without a date range: pass --period"
    }


@pytest.mark.parametrize(
    ("relative", "hint"),
    [
        (
            "social_listening/crowdflower_apple_twitter_sentiment_DFE.csv",
            "closest is listening_mentions",
        ),
        (
            # Its Spanish header keeps Facebook Insights names, but no post id or publish time.
            "facebook/uci_dataset_Facebook_es_translated_latin1_crlf.csv",
            "closest is facebook_insights_posts",
        ),
    ],
)
def test_unsupported_export_is_an_unknown_format(relative: str, hint: str) -> None:
    with pytest.raises(InputError) as caught:
        _normalize(relative)
    message = str(caught.value)
    assert message.startswith("unknown format: ")
    assert hint in message
    assert "\n" not in message


def test_google_ads_campaign_report_is_recognised() -> None:
    result = _normalize("google_ads/gads_campaign_report_INR_2025-07.csv")

    assert (result.format, result.rows_read, result.rows_loaded) == ("google_ads_report", 6, 2)
    assert result.rows_skipped == 4  # the Total: rows, never summed with the campaigns


@pytest.mark.parametrize(
    ("relative", "container", "sheets"),
    [
        (
            "facebook/fb_insights_post_level_LOK_2017-07-27_spreadsheetml.xls",
            "spreadsheetml",
            {"Key Metrics": (9, 33), "Lifetime Post Consumers by type": (8, 13)},
        ),
        (
            "facebook/fb_insights_page_level_LOK_2017-07-05_spreadsheetml.xls",
            "spreadsheetml",
            {"Key Metrics": (30, 56), "Daily Like Source": (29, 23)},
        ),
        (
            "linkedin/linkedin_page_NPLF_2020Q2_visitors_updates.xls",
            "xls",
            {"Visitor metrics": (92, 25), "Location": (11, 2), "Update Engagement": (12, 18)},
        ),
    ],
)
def test_workbooks_split_into_sheets_of_string_cells(
    relative: str, container: str, sheets: dict[str, tuple[int, int]]
) -> None:
    book = read_book((REALDATA / relative).read_bytes())
    assert book.container == container
    shapes = {sheet.name: (len(sheet.records), len(sheet.records[0])) for sheet in book.sheets}
    assert shapes.items() >= sheets.items()
    assert all(isinstance(cell, str) for sheet in book.sheets for r in sheet.records for cell in r)
