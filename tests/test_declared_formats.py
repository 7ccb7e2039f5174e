"""Formats declared in `kunci.toml` (`[[formats]]`): hand-kept sheets and datasets of other tools.

Real files are read in place from the shared `realdata` folder; their expected sums and counts are
computed here with `csv`, independently of the parser, and also pinned as literal figures.
"""

import csv
import io
import json
import tomllib
from collections import Counter
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import duckdb
import openpyxl
import polars as pl
import pytest
from polars.testing import assert_frame_equal

from flows.cli import commands as cli
from flows.config.settings import load_settings
from tests.conftest import REALDATA, needs_realdata, normalize_counted, reasons
from transforms.context import Account, IngestContext, Normalized
from transforms.errors import InputError
from transforms.format_spec import FormatSpec
from transforms.formats import FORMATS
from transforms.formats.declared import declare, spec

UCI = REALDATA / "facebook" / "uci_dataset_Facebook.csv"
UCI_ES = REALDATA / "facebook" / "uci_dataset_Facebook_es_translated_latin1_crlf.csv"
INSTAGRAM = REALDATA / "instagram" / "amankharwal_instagram_data_manual.csv"
CROWDFLOWER = REALDATA / "social_listening" / "crowdflower_apple_twitter_sentiment_DFE.csv"
AS_OF = date(2026, 3, 1)
PAGE = Account("facebook", "cosmetics-brand")

# The declarations a user would write for the four real sheets (also the README's examples).
DECLARED = """
[[formats]]
name = "uci_facebook_posts"
title = "UCI Facebook metrics sheet (Moro et al. 2016)"
platform = "facebook"
table = "post_metrics"
[formats.columns]
"Type" = "content_type"
"Paid" = "is_paid"
"Lifetime Post Total Reach" = "reach"
"Lifetime Post Total Impressions" = "impressions"
"Lifetime Post Consumptions" = "clicks"
"comment" = "comments"
"like" = "reactions"
"share" = "shares"

[[formats]]
name = "uci_facebook_posts_es"
title = "UCI Facebook metrics sheet, Spanish headers"
platform = "facebook"
table = "post_metrics"
[formats.columns]
"Tipo" = "content_type"
"Paid" = "is_paid"
"Lifetime Post Total Reach" = "reach"
"Lifetime Post Total Impressions" = "impressions"
"Consumos de publicación de por vida" = "clicks"
"comment" = "comments"
"like" = "reactions"
"compartir" = "shares"

[[formats]]
name = "instagram_manual_sheet"
platform = "instagram"
table = "post_metrics"
key = ["Date", "Caption"]
[formats.columns]
"Date" = "published_date"
"Caption" = "text"
"Impressions" = "impressions"
"Likes" = "reactions"
"Comments" = "comments"
"Shares" = "shares"
"Saves" = "saves"
"Profile Visits" = "profile_visits"
"Follows" = "follows"

[[formats]]
name = "crowdflower_apple_sentiment"
title = "CrowdFlower Apple Twitter sentiment sample"
platform = "x"
table = "mention"
[formats.columns]
"_unit_id" = "mention_id"
"date" = "published_at"
"text" = "text"
"sentiment" = "sentiment"
[formats.constants]
brand = "Apple"
[formats.dates]
published_at = "%a %b %d %H:%M:%S %z %Y"
[formats.values.sentiment]
"1" = "negative"
"3" = "neutral"
"5" = "positive"
"""


def _specs(toml: str) -> tuple[FormatSpec, ...]:
    return tuple(spec(declare(entry)) for entry in tomllib.loads(toml)["formats"])


SPECS = _specs(DECLARED)


def _normalize_bytes(
    data: bytes,
    specs: tuple[FormatSpec, ...] = SPECS,
    source_name: str = "sheet.csv",
    **fields: Any,
) -> Normalized:
    ctx = IngestContext(source_name=source_name, as_of=AS_OF, **fields)
    return normalize_counted(data, ctx, FORMATS + specs)


def _normalize(text: str, toml: str, **fields: Any) -> Normalized:
    return _normalize_bytes(text.encode("utf-8"), _specs(toml), **fields)


def _records(path: Path, delimiter: str = ",", encoding: str = "utf-8") -> list[dict[str, str]]:
    with path.open(newline="", encoding=encoding) as handle:
        return list(csv.DictReader(handle, delimiter=delimiter))


def _column_sum(rows: list[dict[str, str]], header: str) -> int:
    return sum(int(row[header]) for row in rows if row[header] != "")


# --- the UCI Facebook metrics sheet --------------------------------------------------------------

UCI_MAPPED = {
    "Lifetime Post Total Reach": "reach",
    "Lifetime Post Total Impressions": "impressions",
    "Lifetime Post Consumptions": "clicks",
    "comment": "comments",
    "like": "reactions",
    "share": "shares",
}


@needs_realdata
def test_uci_sheet_sums_equal_the_files_columns() -> None:
    rows = _records(UCI, ";")
    result = _normalize_bytes(UCI.read_bytes(), source_name=UCI.name, account=PAGE)

    assert (result.format, result.platform) == ("uci_facebook_posts", "facebook")
    assert (result.rows_read, result.rows_loaded, result.rows_quarantined, result.rows_skipped) == (
        500,
        500,
        0,
        0,
    )
    metrics = result.tables["post_metrics"]
    sums = metrics.select(UCI_MAPPED.values()).sum().row(0, named=True)
    assert sums == {column: _column_sum(rows, header) for header, column in UCI_MAPPED.items()}
    assert sums == {
        "reach": 6_951_680,
        "impressions": 14_792_974,
        "clicks": 707_565,
        "comments": 3_741,
        "reactions": 88_795,
        "shares": 13_524,
    }
    # The six empty cells are NULL, never 0: like x1, share x4, Paid x1.
    empty = {h: sum(1 for row in rows if row[h] == "") for h in ("like", "share", "Paid")}
    assert empty == {"like": 1, "share": 4, "Paid": 1}
    assert (metrics["reactions"].null_count(), metrics["shares"].null_count()) == (1, 4)
    assert metrics["as_of_date"].unique().to_list() == [AS_OF]


@needs_realdata
def test_uci_sheet_posts_types_and_paid_flags() -> None:
    rows = _records(UCI, ";")
    types = {"Photo": "photo", "Status": "text", "Link": "link", "Video": "video"}
    paid = {"1": True, "0": False, "": None}
    posts = _normalize_bytes(UCI.read_bytes(), account=PAGE).tables["post"]

    assert dict(Counter(posts["content_type"])) == dict(Counter(types[r["Type"]] for r in rows))
    assert dict(Counter(posts["content_type"])) == {
        "photo": 426,
        "text": 45,
        "link": 22,
        "video": 7,
    }
    assert dict(Counter(posts["is_paid"])) == dict(Counter(paid[r["Paid"]] for r in rows))
    assert posts["account_id"].unique().to_list() == ["cosmetics-brand"]
    assert posts["post_id"].str.contains(r"^row-[0-9a-f]{16}$").all()
    assert posts["post_id"].n_unique() == 500
    # Only month, weekday and hour codes: no publish date or time is made up.
    assert "published_date" not in posts.columns
    assert "published_at" not in posts.columns


@needs_realdata
def test_uci_sheet_ids_are_the_same_on_every_load_and_for_the_spanish_copy() -> None:
    english = _normalize_bytes(UCI.read_bytes(), account=PAGE)
    again = _normalize_bytes(UCI.read_bytes(), account=PAGE)
    spanish = _normalize_bytes(UCI_ES.read_bytes(), account=PAGE)

    assert spanish.format == "uci_facebook_posts_es"
    assert (spanish.rows_read, spanish.rows_loaded) == (500, 500)
    for name in ("post", "post_metrics"):
        assert_frame_equal(english.tables[name], again.tables[name])
        assert_frame_equal(english.tables[name], spanish.tables[name])


@needs_realdata
def test_uci_sheet_without_an_account_is_refused() -> None:
    with pytest.raises(InputError) as caught:
        _normalize_bytes(UCI.read_bytes())
    assert str(caught.value) == (
        "this facebook export does not name its account: pass --account facebook:<id>"
    )


# --- the hand-compiled Instagram sheet ------------------------------------------------------------

INSTAGRAM_MAPPED = {
    "Impressions": "impressions",
    "Likes": "reactions",
    "Comments": "comments",
    "Shares": "shares",
    "Saves": "saves",
    "Profile Visits": "profile_visits",
    "Follows": "follows",
}
AMAN = Account("instagram", "aman.kharwal")


@needs_realdata
def test_instagram_manual_sheet_sums_and_dates() -> None:
    rows = _records(INSTAGRAM)
    result = _normalize_bytes(INSTAGRAM.read_bytes(), account=AMAN)

    assert (result.format, result.rows_read, result.rows_loaded) == (
        "instagram_manual_sheet",
        176,
        176,
    )
    sums = result.tables["post_metrics"].select(INSTAGRAM_MAPPED.values()).sum().row(0, named=True)
    assert sums == {c: _column_sum(rows, h) for h, c in INSTAGRAM_MAPPED.items()}
    assert (sums["impressions"], sums["reactions"], sums["follows"]) == (3_464_652, 53_286, 19_616)
    posts = result.tables["post"]
    assert posts["published_date"].to_list() == [date.fromisoformat(r["Date"]) for r in rows]
    assert posts["text"].to_list() == [r["Caption"] for r in rows]
    assert result.notes[0] == "post_id derived from the cells Date, Caption"


@needs_realdata
def test_instagram_manual_sheet_keeps_its_ids_when_metrics_are_updated() -> None:
    data = INSTAGRAM.read_bytes()
    first = data.split(b"\r\n")[1]
    updated = first.replace(b"2021-12-10,3920,", b"2021-12-10,4100,", 1)
    assert updated != first
    before = _normalize_bytes(data, account=AMAN).tables["post_metrics"]
    after = _normalize_bytes(data.replace(first, updated), account=AMAN).tables["post_metrics"]

    assert after["post_id"].to_list() == before["post_id"].to_list()
    assert (before["impressions"][0], after["impressions"][0]) == (3920, 4100)


# --- the CrowdFlower mentions sample -------------------------------------------------------------


@needs_realdata
def test_crowdflower_sample_loads_as_mentions_by_sentiment() -> None:
    rows = _records(CROWDFLOWER, encoding="utf-8-sig")
    labels = {"1": "negative", "3": "neutral", "5": "positive"}
    result = _normalize_bytes(CROWDFLOWER.read_bytes(), source_name=CROWDFLOWER.name)

    assert (result.format, result.platform) == ("crowdflower_apple_sentiment", "x")
    by_label = Counter(row["sentiment"] for row in rows)
    assert (result.rows_read, result.rows_loaded, result.rows_quarantined) == (
        len(rows),
        len(rows) - by_label["not_relevant"],
        by_label["not_relevant"],
    )
    assert (result.rows_loaded, result.rows_quarantined) == (3_804, 82)
    mentions = result.tables["mention"]
    assert dict(Counter(mentions["sentiment"])) == {
        labels[k]: n for k, n in by_label.items() if k in labels
    }
    assert dict(Counter(mentions["sentiment"])) == {
        "negative": 1_219,
        "neutral": 2_162,
        "positive": 423,
    }
    assert set(mentions["mention_id"]) == {
        r["_unit_id"] for r in rows if r["sentiment"] != "not_relevant"
    }
    assert mentions.select("platform", "brand", "is_own_brand").unique().rows() == [
        ("x", "Apple", False)
    ]
    first = mentions.filter(pl.col("mention_id") == "623495513").row(0, named=True)
    assert (first["published_at"], first["date"]) == (
        datetime(2014, 12, 1, 19, 30, 3, tzinfo=UTC),
        date(2014, 12, 2),  # the local date in the workspace timezone, Asia/Jakarta
    )
    assert set(result.quarantine["reason"]) == {
        "column 'sentiment': 'not_relevant' is not in values.sentiment (1, 3, 5)"
    }


@needs_realdata
def test_crowdflower_sample_counts_for_an_own_brand() -> None:
    apple = Account("x", "apple", handle="apple", brand="Apple")
    result = _normalize_bytes(CROWDFLOWER.read_bytes(), accounts=(apple,))

    assert result.tables["mention"]["is_own_brand"].all()


@needs_realdata
def test_declared_sheets_through_the_command_line(
    workdir: Path, prefect_harness: None, capsys: pytest.CaptureFixture[str]
) -> None:
    config = workdir / "kunci.toml"
    config.write_text('[workspace]\nname = "declared"\nas_of = "2026-03-01"\n' + DECLARED)
    args = ["--config", str(config), "--json"]

    code = cli.main(["ingest", str(CROWDFLOWER), str(UCI), "--account", "facebook:page", *args])
    inputs = json.loads(capsys.readouterr().out)["inputs"]

    assert code == 0
    assert [
        (i["format"], i["status"], i["rows_loaded"], i["rows_quarantined"]) for i in inputs
    ] == [
        ("crowdflower_apple_sentiment", "loaded", 3804, 82),
        ("uci_facebook_posts", "loaded", 500, 0),
    ]
    con = duckdb.connect("data/kunci.duckdb", read_only=True)
    try:
        assert con.execute(
            "select (select count(*) from core.mention), (select sum(reach) from "
            "core.post_metrics), (select count(*) from ops.quarantine)"
        ).fetchone() == (3804, 6_951_680, 82)
    finally:
        con.close()

    # the same bytes with the same account binding are skipped (another binding loads them)
    assert cli.main(["ingest", str(CROWDFLOWER), "--account", "facebook:page", *args]) == 0
    assert [i["status"] for i in json.loads(capsys.readouterr().out)["inputs"]] == ["skipped"]

    assert cli.main(["formats", *args]) == 0
    listed = {f["format"]: f["declared"] for f in json.loads(capsys.readouterr().out)}
    assert listed["crowdflower_apple_sentiment"] is True
    assert listed["ga4_traffic"] is False


# --- declaring: one-line configuration errors ---------------------------------------------------

_BASE = {"name": "sheet", "platform": "facebook", "table": "post_metrics"}


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ({**_BASE, "table": "posts", "columns": {"A": "reach"}}, "unknown table 'posts' (known: "),
        (
            {**_BASE, "columns": {"A": "likes"}},
            "columns: 'A' maps to unknown column 'likes' of table post_metrics (known: ",
        ),
        (
            {**_BASE, "columns": {"A": "reach", "B": "reach"}},
            "columns: column 'reach' is mapped twice",
        ),
        ({**_BASE, "columns": {"A": "reach", "a ": "views"}}, "columns: header 'a ' is empty or "),
        ({**_BASE, "columns": {}}, "has no [formats.columns]: map at least one export header"),
        ({**_BASE, "colums": {"A": "reach"}}, "unknown key 'colums' (known: columns, constants, "),
        ({"platform": "x", "table": "mention", "columns": {"A": "text"}}, "has no 'name'"),
        ({**_BASE, "platform": "meta", "columns": {"A": "reach"}}, "platform 'meta' does not fit "),
        (
            {**_BASE, "locale": "es", "columns": {"A": "reach"}},
            "unknown locale 'es' (known: en, id)",
        ),
        (
            {**_BASE, "columns": {"A": "reach"}, "constants": {"shares": "many"}},
            "constants: shares = 'many' is not a whole number",
        ),
        (
            {**_BASE, "columns": {"A": "reach"}, "constants": {"reach": 1}},
            "constants: column 'reach' is also mapped from the sheet",
        ),
        (
            {**_BASE, "columns": {"A": "reach"}, "constants": {"post_id": "p"}},
            "constants: 'post_id' cannot be constant (every row needs its own)",
        ),
        (
            {**_BASE, "columns": {"A": "reach"}, "values": {"text": {"a": "b"}}},
            "values: column 'text' is not mapped from the sheet",
        ),
        (
            {**_BASE, "columns": {"A": "reach"}, "dates": {"reach": "%Y"}},
            "dates: 'reach' is not a date column mapped from the sheet",
        ),
        (
            {**_BASE, "columns": {"A": "published_at"}, "dates": {"published_at": ["%z", "%d"]}},
            "dates.published_at mixes formats with and without an offset (%z)",
        ),
        (
            {**_BASE, "columns": {"A": "post_id"}, "key": ["A"]},
            "key is only for post or mention sheets without an id column",
        ),
        (
            {**_BASE, "table": "account_daily", "columns": {"A": "reach"}},
            "table account_daily needs a column mapped to date",
        ),
        (
            {
                **_BASE,
                "platform": "web",
                "table": "web_traffic_period",
                "columns": {"A": "date_start"},
            },
            "date_start and date_end are declared together or not at all",
        ),
    ],
)
def test_declaration_errors(entry: dict[str, Any], message: str) -> None:
    with pytest.raises(InputError) as caught:
        declare(entry)
    assert str(caught.value).startswith(message)
    assert "\n" not in str(caught.value)


def test_config_errors_name_the_file_and_the_entry(tmp_path: Path) -> None:
    config = tmp_path / "kunci.toml"
    config.write_text('[[formats]]\nname = "sheet"\nplatform = "x"\ntable = "posts"\n')
    with pytest.raises(InputError) as caught:
        load_settings(str(config))
    assert str(caught.value).startswith(f"{config}: formats[0] (sheet): unknown table 'posts' ")

    config.write_text(
        '[[formats]]\nname = "ga4_traffic"\nplatform = "x"\ntable = "mention"\n'
        '[formats.columns]\n"Tweet" = "text"\n"When" = "published_at"\n'
        '[formats.constants]\nbrand = "B"\n'
    )
    with pytest.raises(InputError) as caught:
        load_settings(str(config))
    assert str(caught.value) == (
        f"{config}: formats[0] (ga4_traffic): name 'ga4_traffic' is already a format's name"
    )

    config.write_text('[formats]\nname = "sheet"\n')
    with pytest.raises(InputError, match=r"formats must be \[\[formats\]\] tables$"):
        load_settings(str(config))


def test_settings_carry_the_declared_formats(tmp_path: Path) -> None:
    config = tmp_path / "kunci.toml"
    config.write_text(DECLARED)

    formats = load_settings(str(config)).formats
    assert [f.name for f in formats] == [
        "uci_facebook_posts",
        "uci_facebook_posts_es",
        "instagram_manual_sheet",
        "crowdflower_apple_sentiment",
    ]
    assert formats[3].required == ("mention_id", "published_at", "text", "sentiment")


# --- normalizing: inline sheets -----------------------------------------------------------------

_MENTIONS = """
[[formats]]
name = "tagged_mentions"
platform = "instagram"
table = "mention"
[formats.columns]
"No" = "mention_id"
"Waktu" = "published_at"
"Isi" = "text"
"Merek" = "brand"
"Nada" = "sentiment"
"Pengikut" = "author_followers"
[formats.dates]
published_at = "%d/%m/%Y %H:%M"
[formats.values.sentiment]
"Positif" = "positive"
"Negatif" = "negative"
"Netral" = "neutral"
"?" = ""
"""


def test_value_maps_local_times_and_indonesian_numbers() -> None:
    text = (
        "No,Waktu,Isi,Merek,Nada,Pengikut\n"
        '1,30/09/2026 20:00,Bagus,Wisata,positif,"1.500"\n'
        "2,30/09/2026 23:30,Hmm,Wisata,?,\n"
        "3,01/10/2026 08:00,Marah,Wisata,kesal,10\n"
        "4,01/10/2026 09:00,Jelek,,NEGATIF,5\n"
        "5,1.5E+17,Aneh,Wisata,netral,abc\n"
    )
    result = _normalize(
        text, _MENTIONS.replace('table = "mention"', 'table = "mention"\nlocale = "id"')
    )

    assert result.tables["mention"].select(
        "mention_id", "published_at", "date", "sentiment", "author_followers"
    ).rows() == [
        ("1", datetime(2026, 9, 30, 13, 0, tzinfo=UTC), date(2026, 9, 30), "positive", 1500),
        ("2", datetime(2026, 9, 30, 16, 30, tzinfo=UTC), date(2026, 9, 30), None, None),
    ]
    assert reasons(result) == [
        (4, "column 'Nada': 'kesal' is not in values.sentiment (positif, negatif, netral, ?)"),
        (5, "no brand"),
        (
            6,
            "column 'Waktu': '1.5E+17' is not a date and time; column 'Pengikut': 'abc' is not "
            "a whole number; no date",
        ),
    ]


def test_a_scientific_notation_id_is_quarantined() -> None:
    text = "No,Waktu,Isi,Merek,Nada,Pengikut\n5.40E+17,2026-09-30 20:00:00,a,B,,\n"
    toml = _MENTIONS.replace(
        'published_at = "%d/%m/%Y %H:%M"', 'published_at = "%Y-%m-%d %H:%M:%S"'
    )
    result = _normalize(text, toml)

    assert reasons(result) == [
        (
            2,
            "column 'No' holds a number in scientific notation (a spreadsheet program rounded "
            "the ID): the ID is lost",
        )
    ]


_POSTS = """
[[formats]]
name = "agency_posts"
platform = "instagram"
table = "post_metrics"
key = ["Tanggal", "Judul"]
[formats.columns]
"Tanggal" = "published_at"
"Judul" = "text"
"Jangkauan" = "reach"
"Berbayar" = "is_paid"
[formats.dates]
published_at = "%Y-%m-%d %H:%M"
"""


def test_duplicate_rows_are_skipped_and_key_clashes_quarantined() -> None:
    text = (
        "Tanggal,Judul,Jangkauan,Berbayar\n"
        "2026-09-01 10:00,Pantai,100,ya\n"
        "2026-09-01 10:00,Pantai,100,ya\n"
        "2026-09-02 10:00,Gunung,50,tidak\n"
        "2026-09-02 10:00,Gunung,70,tidak\n"
        "2026-09-03 10:00,Danau,5,mungkin\n"
    )
    makassar = Account("instagram", "wn", timezone="Asia/Makassar")
    result = _normalize(text, _POSTS, account=makassar, accounts=(makassar,))

    assert (result.rows_read, result.rows_loaded, result.rows_skipped) == (5, 1, 1)
    assert reasons(result) == [
        (6, "column 'Berbayar': 'mungkin' is not a true or false"),
        (4, "rows 4, 5 share the key (platform, post_id, as_of_date)"),
        (5, "rows 4, 5 share the key (platform, post_id, as_of_date)"),
    ]
    assert result.tables["post"].select(
        "account_id", "published_at", "published_date", "text", "is_paid"
    ).rows() == [("wn", datetime(2026, 9, 1, 2, 0, tzinfo=UTC), date(2026, 9, 1), "Pantai", True)]
    assert result.notes == (
        "post_id derived from the cells Tanggal, Judul",
        "snapshot date is the ingest date (the file name states no date range)",
        "1 rows repeated an earlier row and were skipped",
    )


def test_a_file_missing_one_declared_header_is_not_that_format() -> None:
    with pytest.raises(InputError) as caught:
        _normalize("Tanggal,Judul,Jangkauan\n2026-09-01 10:00,Pantai,100\n", _POSTS)
    assert str(caught.value) == (
        "unknown format: closest is agency_posts (agency_posts), missing columns 'Berbayar'"
    )


_DAILY = """
[[formats]]
name = "followers_sheet"
platform = "tiktok"
table = "account_daily"
[formats.columns]
"Hari" = "date"
"Pengikut" = "followers_total"
"Tayangan" = "views"
[formats.constants]
account_id = "wisata.tiktok"
[formats.dates]
date = ["%d/%m/%Y", "%Y-%m-%d"]
"""


def test_account_daily_sheet_with_a_constant_account() -> None:
    text = "Hari,Pengikut,Tayangan\n01/09/2026,1200,\n2026-09-02,1210,300\n,1,1\n"
    result = _normalize(text, _DAILY)

    assert_frame_equal(
        result.tables["account_daily"],
        pl.DataFrame(
            {
                "platform": ["tiktok", "tiktok"],
                "account_id": ["wisata.tiktok"] * 2,
                "date": [date(2026, 9, 1), date(2026, 9, 2)],
                "followers_total": [1200, 1210],
                "views": [None, 300],
            }
        ),
    )
    assert reasons(result) == [(4, "column 'Hari' is empty")]
    assert result.tables["account"].select("platform", "account_id").rows() == [
        ("tiktok", "wisata.tiktok")
    ]


_TRAFFIC = """
[[formats]]
name = "agency_traffic"
table = "web_traffic_period"
[formats.columns]
"Channel" = "source"
"Visits" = "sessions"
"Leads" = "leads"
[formats.constants]
property_id = "wisatanusantara.go.id"
"""


def test_web_traffic_sheet_needs_a_period() -> None:
    text = "Channel,Visits,Leads\nfacebook.com,10,1.5\nnewsletter,4,\n"
    result = _normalize(text, _TRAFFIC, period=(date(2026, 9, 1), date(2026, 9, 30)))

    assert (result.format, result.platform) == ("agency_traffic", "web")
    assert result.tables["web_traffic_period"].rows() == [
        (
            "wisatanusantara.go.id",
            date(2026, 9, 1),
            date(2026, 9, 30),
            "facebook.com",
            "",
            "",
            "facebook",
            10,
            1.5,
        ),
        (
            "wisatanusantara.go.id",
            date(2026, 9, 1),
            date(2026, 9, 30),
            "newsletter",
            "",
            "",
            None,
            4,
            None,
        ),
    ]
    without = _normalize(text, _TRAFFIC)
    assert reasons(without) == [
        (2, "aggregate sheet without a date range: pass --period"),
        (3, "aggregate sheet without a date range: pass --period"),
    ]


_ADS = """
[[formats]]
name = "agency_ads"
platform = "meta"
table = "ad_daily"
[formats.columns]
"Day" = "date"
"Campaign" = "campaign_name"
"Spend (IDR)" = "spend"
"Clicks" = "clicks"
[formats.constants]
currency = "IDR"
"""


def test_ad_sheet_takes_campaign_names_as_ids_and_the_hinted_ad_account() -> None:
    text = "Day,Campaign,Spend (IDR),Clicks\n2026-09-01,Promo,150000.50,12\n2026-09-01,Brand,10,1\n"
    result = _normalize(text, _ADS, account=Account("meta", "act_1"))

    assert result.tables["ad_daily"].select(
        "ad_account_id", "campaign_id", "ad_id", "campaign_name", "currency", "spend", "clicks"
    ).rows() == [
        ("act_1", "Promo", "", "Promo", "IDR", 150000.5, 12),
        ("act_1", "Brand", "", "Brand", "IDR", 10.0, 1),
    ]


def test_a_declared_sheet_is_read_only_from_its_worksheet() -> None:
    book = openpyxl.Workbook()
    notes = book.active
    assert notes is not None
    notes.title = "Catatan"
    notes.append(["Hari", "Pengikut", "Tayangan"])
    notes.append(["2026-09-01", 1, 1])
    data = book.create_sheet("Data harian")
    data.append(["Hari", "Pengikut", "Tayangan"])
    data.append(["2026-09-01", 1200, 40])
    buffer = io.BytesIO()
    book.save(buffer)
    toml = _DAILY.replace('table = "account_daily"', 'table = "account_daily"\nsheet = "Data"')

    result = _normalize_bytes(buffer.getvalue(), _specs(toml))

    assert result.tables["account_daily"].select("followers_total", "views").rows() == [(1200, 40)]
    assert result.notes[-1] == "sheet 'Catatan' is not a known export (2 rows skipped)"


def test_the_readme_example_is_a_valid_declaration(tmp_path: Path) -> None:
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Declared formats", 1)[1]
    example = section.split("```toml\n", 1)[1].split("```", 1)[0]
    config = tmp_path / "kunci.toml"
    config.write_text(example, encoding="utf-8")

    formats = load_settings(str(config)).formats
    assert [(f.name, f.platform) for f in formats] == [
        ("uci_facebook_posts", "facebook"),
        ("crowdflower_apple_sentiment", "x"),
    ]


def test_a_social_sheet_needs_a_platform() -> None:
    with pytest.raises(InputError, match=r"^has no 'platform'$"):
        declare({"name": "s", "table": "post", "columns": {"A": "text"}})
