"""Meta layouts met on public exports the project had not seen (issue 14 QA), as inline files.

Each case copies the header exactly as Meta writes it in a public real export (the layouts and
their evidence are listed in docs/DECISIONLOG.md) with a few made-up rows, never the public
file itself. Expected figures are literal numbers checked by hand against the inline text, or
computed here with Python's `csv` module.
"""

import csv
import io
from datetime import date

import pytest

from tests.conftest import normalize_counted
from transforms.context import Account, IngestContext, Normalized
from transforms.errors import InputError

AS_OF = date(2026, 12, 1)
INGESTED = date(2026, 12, 7)
PAGE = Account("facebook", "100066300057039")
ADS = Account("meta", "act_1")


def _normalize(text: str, name: str = "export.csv", account: Account | None = None) -> Normalized:
    accounts = () if account is None else (account,)
    ctx = IngestContext(
        source_name=name, as_of=AS_OF, account=account, accounts=accounts, ingested_on=INGESTED
    )
    return normalize_counted(text.encode("utf-8"), ctx)


def _column_sum(text: str, header: str, index: int = 0) -> float:
    """The sum of a column's numeric cells as Python's csv module reads them (the reference)."""
    rows = list(csv.reader(io.StringIO(text)))
    position = [i for i, name in enumerate(rows[0]) if name == header][index]
    return sum(float(row[position]) for row in rows[1:] if row[position])


# --- Facebook content export, 2025 layout with video columns ------------------------------------
# LeonMpofu/Oigetit-Social-Media-Reports `Mar-18-2025_Apr-14-2025_553302954456165.csv`: `Views`
# twice, then `3-second video views` and the other video and reach breakdowns.

FB_2025_VIDEO = (
    '"Post ID","Page ID","Page name",Title,Description,"Duration (sec)","Publish time",'
    '"Caption type",Permalink,"Is crosspost","Is share","Post type",Languages,"Custom labels",'
    '"Funded content status","Data comment",Date,Views,Reach,"Reactions, Comments and Shares",'
    'Reactions,Comments,Shares,"Total clicks",Views,"Reach from Organic posts",'
    '"Reach from Boosted posts","3-second video views","1-minute video views",'
    '"3-Second viewers","1-minute viewers","3-second video views from Boosted posts",'
    '"3-second video views from Organic posts","Negative feedback from users",'
    '"Unique negative feedback from users","Other Clicks",'
    '"Matched Audience Targeting Consumption (Photo Click)","Link Clicks"\n'
    '111,100066300057039,"A Page","A photo",,0,"03/18/2025 12:59",N/A,https://fb.com/p/111,'
    "0,0,Photos,,,,,Lifetime,0,37,2,2,0,0,2,0,37,0,0,0,0,0,0,0,0,0,1,1,\n"
    '222,100066300057039,"A Page","A reel",,31,"04/14/2025 19:53",uploaded,https://fb.com/r/222,'
    "0,0,Reels,,,,,Lifetime,140,95,9,7,1,1,3,140,90,5,61,4,50,3,6,55,0,0,1,,2\n"
)


def test_facebook_content_3_second_video_views_feed_video_views() -> None:
    result = _normalize(FB_2025_VIDEO, "Mar-18-2025_Apr-14-2025_1.csv", PAGE)
    assert result.format == "meta_business_suite_facebook_content"
    assert (result.rows_read, result.rows_quarantined, result.rows_skipped) == (2, 0, 0)
    metrics = result.tables["post_metrics"].sort("post_id")
    assert metrics["video_views"].to_list() == [0, 61]
    assert metrics["video_views"].sum() == _column_sum(FB_2025_VIDEO, "3-second video views")
    assert metrics["reach"].sum() == _column_sum(FB_2025_VIDEO, "Reach")
    # the first `Views` is the one read; a blank Link Clicks stays NULL, never 0
    assert metrics["views"].to_list() == [0, 140]
    assert metrics["link_clicks"].to_list() == [None, 2]
    assert metrics["as_of_date"].unique().to_list() == [date(2025, 4, 14)]
    notes = " ".join(result.notes)
    assert "'3-second video views'" not in notes and "'Views (2)'" in notes


# --- Meta Ads Manager: numbers as the file writes them, Spanish and Portuguese headers ----------

ADS_ID_UNLOCALISED = (
    "Nama Kampanye,Penayangan Kampanye,Hasil,Jangkauan,Frekuensi,"
    "Jumlah yang dibelanjakan (IDR),Impresi,Klik Tautan,Awal Pelaporan,Akhir Pelaporan\n"
    "Promo Maret,active,12,28935,1.044199,25515.87302,30214,310,2026-03-01,2026-03-31\n"
    "Promo April,active,3,1200,1.1,1500.5,1320,,2026-03-01,2026-03-31\n"
)
"""The Indonesian interface writes numbers unlocalised (INDONESIAN_UI.md E1)."""


def test_meta_ads_indonesian_headers_with_unlocalised_numbers() -> None:
    result = _normalize(ADS_ID_UNLOCALISED, account=ADS)
    assert result.format == "meta_ads_manager"
    assert result.rows_quarantined == 0
    period = result.tables["ad_period"].sort("campaign_id")
    assert period["spend"].to_list() == [1500.5, 25515.87302]
    assert period["impressions"].to_list() == [1320, 30214]
    assert period["link_clicks"].to_list() == [None, 310]
    assert period["currency"].unique().to_list() == ["IDR"]


ADS_ES = (
    "Nombre de la campaña,Nombre del conjunto de anuncios,Nombre del anuncio,Resultados,"
    "Importe gastado (COP),Impresiones,Alcance,Clics en el enlace,Inicio del informe,"
    "Fin del informe\n"
    "Faja Octubre,Mujeres 25-45,Video 1,12,150000.5,12034,9000,140,2026-10-01,2026-10-31\n"
    "Faja Octubre,Mujeres 25-45,Video 2,,99500,1000,800,,2026-10-01,2026-10-31\n"
)


def test_meta_ads_spanish_headers() -> None:
    result = _normalize(ADS_ES, account=ADS)
    assert result.format == "meta_ads_manager"
    assert (result.rows_read, result.rows_quarantined, result.rows_skipped) == (2, 0, 0)
    period = result.tables["ad_period"].sort("ad_id")
    assert period["ad_id"].to_list() == ["Mujeres 25-45 / Video 1", "Mujeres 25-45 / Video 2"]
    assert period["spend"].sum() == _column_sum(ADS_ES, "Importe gastado (COP)") == 249500.5
    assert period["impressions"].to_list() == [12034, 1000]
    assert period["link_clicks"].to_list() == [140, None]
    assert period["currency"].unique().to_list() == ["COP"]
    assert period["date_end"].unique().to_list() == [date(2026, 10, 31)]


ADS_PT_LOCALISED = (
    "Nome da campanha,Identificação da campanha,Nome do conjunto de anúncios,Nome do anúncio,"
    "Tipo de resultado,Resultados,Valor usado (BRL),Impressões,Alcance,Cliques no link,Dia,"
    "Início dos relatórios,Término dos relatórios\n"
    'Zona Sul,120001,Público A,Anúncio 1,Leads,7,"4.250,90",1.234,900,55,2026-08-01,'
    "2026-08-01,2026-08-01\n"
    'Zona Sul,120001,Público A,Anúncio 2,Leads,,"42,90",120,100,,2026-08-01,2026-08-01,'
    "2026-08-01\n"
)
"""Resaved by a Brazilian spreadsheet: `4.250,90`; so `1.234` in the same file is 1234."""


def test_meta_ads_portuguese_headers_with_localised_numbers() -> None:
    result = _normalize(ADS_PT_LOCALISED, account=ADS)
    assert result.format == "meta_ads_manager"
    assert result.rows_quarantined == 0
    daily = result.tables["ad_daily"].sort("ad_id")
    assert daily["campaign_id"].unique().to_list() == ["120001"]
    assert daily["spend"].to_list() == [4250.9, 42.9]
    assert daily["impressions"].to_list() == [1234, 120]
    assert daily["leads"].to_list() == [7.0, None]
    assert daily["currency"].unique().to_list() == ["BRL"]
    assert daily["date"].unique().to_list() == [date(2026, 8, 1)]


def test_meta_ads_portuguese_breakdown_is_refused_not_summed() -> None:
    text = (
        "Nome da campanha,Idade,Valor usado (BRL),Impressões,Início dos relatórios,"
        "Término dos relatórios\nZona Sul,18-24,10.5,100,2026-08-01,2026-08-31\n"
    )
    with pytest.raises(InputError, match="Idade"):
        _normalize(text, account=ADS)


def test_meta_ads_number_convention_is_read_from_the_cells() -> None:
    # `1.500` alone could be either convention: the header language's own is kept (en: 1.5)
    text = (
        "Campaign name,Amount spent (USD),Impressions,Reporting starts,Reporting ends\n"
        "A,1.500,100,2026-02-01,2026-02-07\nB,2.25,200,2026-02-01,2026-02-07\n"
    )
    period = _normalize(text, account=ADS).tables["ad_period"].sort("campaign_id")
    assert period["spend"].to_list() == [1.5, 2.25]


# --- Meta Business Suite charts re-saved by Excel: titles without "Instagram" ------------------
# vsbperoto/vintage-analytics-dashboard (2025) `Interactions.csv`, `Link clicks.csv`,
# `Visits.csv`: `;`, no `sep=` line, a title with a trailing separator, DST moves T00 to T01.


@pytest.mark.parametrize(
    ("title", "column"),
    [
        ("Content interactions", "engagements"),
        ("Facebook link clicks", "website_clicks"),
        ("Facebook visits", "profile_visits"),
    ],
)
def test_excel_resaved_facebook_charts(title: str, column: str) -> None:
    text = (
        f"{title};\nDate;Primary\n2025-11-01T00:00:00;87\n2025-11-02T00:00:00;0\n"
        "2025-11-03T01:00:00;20\n"
    )
    result = _normalize(text, account=PAGE)
    assert result.format == "meta_business_suite_insight"
    daily = result.tables["account_daily"].sort("date")
    assert daily["platform"].unique().to_list() == ["facebook"]
    assert daily["date"].to_list() == [date(2025, 11, 1), date(2025, 11, 2), date(2025, 11, 3)]
    assert daily[column].to_list() == [87, 0, 20]


# --- Top content formats: recognised, rows skipped with the reason ------------------------------

TOP_FORMATS_EXCEL = (
    "Views;;;;;\nReels;Multi-photo;Links;Photos;Others;Text\n5000;800;700;200;4;3\n;;;;;\n"
    "Content interactions;;;;;\nReels;Multi-photo;Photos;Links;Stories;Others\n"
    "300;200;50;14;5;2\n;;;;;\nPublished content;;;;;\nReels;Photos;Stories;Links;Text;\n"
    "4;3;1;2;1;\n"
)
TOP_FORMATS_PRISTINE = (
    'sep=,\n"Views"\n"Reels","Photos","Multi-photo","Links"\n"5000","200","800","700"\n\n'
    '"Published content"\n"Reels","Photos"\n"4","3"\n'
)


@pytest.mark.parametrize("text", [TOP_FORMATS_EXCEL, TOP_FORMATS_PRISTINE])
def test_top_content_formats_is_recognised_and_skipped_with_the_reason(text: str) -> None:
    result = _normalize(text, "Top content formats.csv", PAGE)
    assert result.format == "meta_business_suite_top_content_formats"
    assert result.rows_loaded == 0 and result.rows_quarantined == 0
    assert result.rows_skipped == result.rows_read > 0
    assert not any(frame.height for frame in result.tables.values())
    assert any("no dates" in note and "'Views'" in note for note in result.notes)


# --- An Instagram content export re-saved by a `;` spreadsheet, with multi-line captions -------
# vsbperoto/vintage-analytics-dashboard `INSTAGRAM_RAW.csv` (2025): each physical line became one
# cell, quoted again on save; the caption lines between are cells of their own, and those with a
# comma in them are not quoted, so not every row is a single cell.

IG_WRAPPED = (
    '"Post ID,""Account ID"",""Account username"",""Account name"",Description,'
    '""Duration (sec)"",""Publish time"",Permalink,""Post type"",""Data comment"",Date,Views,'
    'Reach,Likes,Shares,Follows,Comments,Saves"\n'
    '"181,178,vintagerest.bg,""Vintage Restaurant"",""✨ A caption ✨"\n'
    "\n"
    "Its second line, with a comma, and another, unquoted\n"
    "\n"
    '"#tags"",55,""12/31/2025 08:24"",https://www.instagram.com/reel/A/,""IG reel"",,Lifetime,'
    '1085,762,47,1,0,1,1"\n'
    '"179,178,vintagerest.bg,""Vintage Restaurant"",""One line"",5,""12/29/2025 09:40"",'
    'https://www.instagram.com/reel/B/,""IG reel"",,Lifetime,854,523,9,0,0,0,0"\n'
)


def test_instagram_content_rewrapped_by_a_spreadsheet_is_refused_saying_why() -> None:
    with pytest.raises(InputError) as caught:
        _normalize(IG_WRAPPED, account=Account("instagram", "178"))
    message = str(caught.value)
    assert message.startswith("every row is one cell holding a whole row ('Post ID,")
    assert "a spreadsheet program re-saved this export with another separator" in message


# --- Meta Ads Manager's summary row ---------------------------------------------------------------
# With "Include summary row" Ads Manager writes one row naming no campaign, ad set or ad, holding
# the totals (public parsers of real exports skip "the blank-campaign totals row Meta adds at the
# top or bottom").

ADS_WITH_SUMMARY = (
    "Reporting starts,Reporting ends,Campaign name,Ad set name,Ad name,Impressions,Link clicks,"
    "Amount spent (USD),Results\n"
    "2026-08-01,2026-08-31,,,,15000,300,1334.56,20\n"
    "2026-08-01,2026-08-31,Fall Promo,Locals 25-54,Pumpkin latte,12000,240,1234.56,18\n"
    "2026-08-01,2026-08-31,Fall Promo,Locals 25-54,Iced,3000,60,100.00,2\n"
)


def test_meta_ads_summary_row_is_skipped_not_summed() -> None:
    result = _normalize(ADS_WITH_SUMMARY, account=ADS)
    assert (result.rows_read, result.rows_quarantined, result.rows_skipped) == (3, 0, 1)
    period = result.tables["ad_period"]
    rows = list(csv.reader(io.StringIO(ADS_WITH_SUMMARY)))[1:]
    named = [row for row in rows if row[2]]
    assert period["spend"].sum() == pytest.approx(sum(float(row[7]) for row in named))
    assert period["impressions"].sum() == sum(int(row[5]) for row in named) == 15000
    assert any("summary row skipped" in note for note in result.notes)


def test_meta_ads_nameless_row_that_is_no_total_is_quarantined() -> None:
    text = ADS_WITH_SUMMARY.replace(",,,15000,300,1334.56,20", ",,,15000,300,99.00,20")
    result = _normalize(text, account=ADS)
    assert result.rows_skipped == 0
    assert result.quarantine["row_number"].to_list() == [2]
    assert result.tables["ad_period"]["spend"].sum() == pytest.approx(1334.56)
