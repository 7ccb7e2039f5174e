"""Unit tests of the pure transforms on small inline inputs; each states its expected output."""

import json
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from tests.conftest import normalize_counted
from transforms.canonical.platforms import content_type, platform_from_source
from transforms.container.decode import utf8_bytes
from transforms.container.delimited import split_records
from transforms.context import Account, IngestContext, Normalized
from transforms.errors import InputError
from transforms.headers import dedupe_header
from transforms.table import fit_to_header
from transforms.values.dates import dates_in_name, local_date, localize, parse_date, snapshot_date
from transforms.values.numbers import (
    Locale,
    invalid_number,
    parse_count,
    parse_decimal,
    parse_percent,
)

AS_OF = date(2026, 8, 5)
UTC_TYPE = pl.Datetime("us", "UTC")


def _ctx(source_name: str = "export.csv", **fields: Any) -> IngestContext:
    return IngestContext(source_name=source_name, as_of=AS_OF, **fields)


def _normalize(text: str, source_name: str = "export.csv", **fields: Any) -> Normalized:
    """Normalize an inline export and check that every row read is accounted for."""
    return normalize_counted(text.encode("utf-8"), _ctx(source_name, **fields))


def _utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


# --- decode -------------------------------------------------------------------------------------


def test_decode_utf8() -> None:
    assert utf8_bytes("Halaman,página\n".encode()) == ("Halaman,página\n".encode(), "utf-8")


def test_decode_utf8_bom_is_dropped() -> None:
    assert utf8_bytes(b"\xef\xbb\xbfDate,Primary\n") == (b"Date,Primary\n", "utf-8-sig")


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-16-be"])
def test_decode_utf16_with_bom(codec: str) -> None:
    bom = {"utf-16": b"", "utf-16-le": b"\xff\xfe", "utf-16-be": b"\xfe\xff"}[codec]
    data = bom + "sep=,\nDate,Primary\n".encode(codec)
    assert utf8_bytes(data) == (b"sep=,\nDate,Primary\n", "utf-16")


def test_decode_cp1252_fallback() -> None:
    assert utf8_bytes("página,€5\n".encode("cp1252")) == ("página,€5\n".encode(), "cp1252")


@pytest.mark.parametrize("data", [b"", b"\r\n \n", b"\xef\xbb\xbf\r\n"])
def test_decode_empty_file_is_refused(data: bytes) -> None:
    with pytest.raises(InputError, match=r"^file is empty$"):
        utf8_bytes(data)


def test_decode_nul_byte_is_refused_with_its_offset() -> None:
    with pytest.raises(InputError, match="NUL byte at offset 5"):
        utf8_bytes(b"a,b\n1\x00,2\n")


def test_decode_utf16_without_bom_is_refused() -> None:
    with pytest.raises(
        InputError, match=r"NUL byte at offset 1 .*UTF-16 without a byte-order mark"
    ):
        utf8_bytes("Date,Primary\n".encode("utf-16-le"))


@pytest.mark.parametrize(
    ("magic", "named"),
    [
        (b"PK\x03\x04\x14\x00\x06\x00", "XLSX/ZIP"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "BIFF .xls"),
        (b"%PDF-1.7\n", "PDF"),
    ],
)
def test_decode_binary_container_is_named(magic: bytes, named: str) -> None:
    with pytest.raises(InputError, match=rf"file is .*{named}.*export it as CSV"):
        utf8_bytes(magic + b"\x00\x00rest")


def test_decode_undecodable_byte_names_its_offset() -> None:
    # 0x81 is neither valid UTF-8 here nor defined in Windows-1252.
    with pytest.raises(InputError) as caught:
        utf8_bytes(b"ab,c\n\x81x\n")
    assert str(caught.value) == (
        "wrong encoding: byte 0x81 at offset 5 is not valid cp1252 or utf-8"
    )


# --- numbers ------------------------------------------------------------------------------------


def _numbers(
    parse: Callable[[str, Locale], pl.Expr], values: list[str | None], locale: Locale
) -> pl.DataFrame:
    """Parse `values` and return the value and whether the row would be quarantined."""
    frame = pl.DataFrame({"v": values}, schema={"v": pl.String})
    return frame.select(
        parse("v", locale).alias("value"),
        invalid_number("v", parse("v", locale)).alias("invalid"),
    )


def test_count_english() -> None:
    values = ["1,234", "1938.0", "1.5", "12x", "1,23", "-3", "0"]
    expected = pl.DataFrame(
        {
            "value": [1234, 1938, None, None, None, -3, 0],
            "invalid": [False, False, True, True, True, False, False],
        }
    )
    assert_frame_equal(_numbers(parse_count, values, "en"), expected)


def test_count_indonesian() -> None:
    values = ["1.234", "1.234.567", "1,5", "1234", "16.277,0"]
    expected = pl.DataFrame(
        {
            "value": [1234, 1234567, None, 1234, 16277],
            "invalid": [False, False, True, False, False],
        }
    )
    assert_frame_equal(_numbers(parse_count, values, "id"), expected)


@pytest.mark.parametrize("locale", ["en", "id"])
def test_placeholders_are_null_and_not_invalid(locale: Locale) -> None:
    values = ["", "-", " --", "—", "N/A", "null", None]
    expected = pl.DataFrame({"value": [None] * 7, "invalid": [False] * 7}).cast({"value": pl.Int64})
    assert_frame_equal(_numbers(parse_count, values, locale), expected)


def test_not_set_placeholder_is_null_and_not_invalid() -> None:
    expected = pl.DataFrame({"value": [None], "invalid": [False]}).cast({"value": pl.Int64})
    assert_frame_equal(_numbers(parse_count, ["(not set)"], "en"), expected)


def test_no_break_spaces_inside_numbers_are_ignored() -> None:
    values = ["1\u00a0234", "1\u202f234", " 12 ", "\u00a0"]
    expected = pl.DataFrame({"value": [1234, 1234, 12, None], "invalid": [False] * 4})
    assert_frame_equal(_numbers(parse_count, values, "en"), expected)


def test_decimal_english_and_indonesian() -> None:
    english = _numbers(parse_decimal, ["1,234.5", ".5", "1.234,5"], "en")
    assert_frame_equal(
        english,
        pl.DataFrame({"value": [1234.5, 0.5, None], "invalid": [False, False, True]}),
    )
    indonesian = _numbers(parse_decimal, ["1.234,5", "0,75", "1,234.5"], "id")
    assert_frame_equal(
        indonesian,
        pl.DataFrame({"value": [1234.5, 0.75, None], "invalid": [False, False, True]}),
    )


def test_percent_becomes_a_fraction() -> None:
    english = _numbers(parse_percent, ["32.30%", "0.0093", "0.00%", "-", "abc%"], "en")
    assert_frame_equal(
        english,
        pl.DataFrame(
            {
                "value": [0.323, 0.0093, 0.0, None, None],
                "invalid": [False, False, False, False, True],
            }
        ),
    )
    indonesian = _numbers(parse_percent, ["32,30%", "1.250,5%"], "id")
    assert_frame_equal(
        indonesian, pl.DataFrame({"value": [0.323, 12.505], "invalid": [False, False]})
    )


# --- dates --------------------------------------------------------------------------------------


def test_localize_jakarta_evening_is_same_date_in_utc() -> None:
    frame = pl.DataFrame(
        {
            "published": [datetime(2026, 7, 3, 23, 30), datetime(2026, 7, 3, 23, 30)],
            "tz": ["Asia/Jakarta", "Asia/Makassar"],
        }
    )
    result = localize(frame, "published", "tz", "published_at")
    expected = frame.with_columns(
        pl.Series("published_at", [_utc(2026, 7, 3, 16, 30), _utc(2026, 7, 3, 15, 30)], UTC_TYPE)
    )
    assert_frame_equal(result, expected)


def test_localize_ambiguous_dst_time_takes_the_earliest_instant() -> None:
    # 01:30 happens twice in New York on 2026-11-01: first in EDT (UTC-4).
    frame = pl.DataFrame({"t": [datetime(2026, 11, 1, 1, 30)], "tz": ["America/New_York"]})
    result = localize(frame, "t", "tz", "u")
    assert result.get_column("u").to_list() == [_utc(2026, 11, 1, 5, 30)]


def test_localize_time_in_dst_gap_is_not_lost() -> None:
    # 02:30 does not exist in New York on 2026-03-08; read with either offset it is 07:30 UTC.
    frame = pl.DataFrame({"t": [datetime(2026, 3, 8, 2, 30)], "tz": ["America/New_York"]})
    result = localize(frame, "t", "tz", "u")
    assert result.get_column("u").to_list() == [_utc(2026, 3, 8, 7, 30)]


def test_localize_empty_frame_gets_a_typed_column() -> None:
    frame = pl.DataFrame(schema={"t": pl.Datetime("us"), "tz": pl.String})
    result = localize(frame, "t", "tz", "u")
    assert result.schema["u"] == UTC_TYPE
    assert result.height == 0


def test_local_date_of_a_utc_instant() -> None:
    frame = pl.DataFrame(
        {"at": [_utc(2026, 7, 3, 17, 30), _utc(2026, 7, 3, 16, 59)], "tz": ["Asia/Jakarta"] * 2},
        schema={"at": UTC_TYPE, "tz": pl.String},
    )
    result = local_date("at", "tz", "day", frame)
    assert result.get_column("day").to_list() == [date(2026, 7, 4), date(2026, 7, 3)]


def test_parse_date_tries_each_format() -> None:
    frame = pl.DataFrame({"d": ["Tue, Feb 18, 2025", "2025-02-17", " Feb 16, 2025 ", "18/02/2025"]})
    result = frame.select(parse_date("d", ("%a, %b %d, %Y", "%b %d, %Y", "%Y-%m-%d")))
    expected = pl.DataFrame({"d": [date(2025, 2, 18), date(2025, 2, 17), date(2025, 2, 16), None]})
    assert_frame_equal(result, expected)


def test_dates_in_name() -> None:
    assert dates_in_name("account_analytics_content_2024-11-21_2025-02-19.csv") == [
        date(2024, 11, 21),
        date(2025, 2, 19),
    ]
    assert dates_in_name("Jul-01-2026_Jul-31-2026_123.csv") == [
        date(2026, 7, 1),
        date(2026, 7, 31),
    ]
    assert dates_in_name("Instagram_reach.csv") == []


def test_snapshot_date_is_the_file_names_end_date() -> None:
    as_of, note = snapshot_date(
        "account_analytics_content_2024-11-21_2025-02-19.csv", date(2026, 1, 1)
    )
    assert (as_of, note) == (date(2025, 2, 19), "snapshot date taken from the file name's end date")
    as_of, _ = snapshot_date("Jul-01-2026_Jul-31-2026_123.csv", AS_OF)
    assert as_of == date(2026, 7, 31)


def test_snapshot_date_falls_back_to_the_ingest_date() -> None:
    assert snapshot_date("Instagram content.csv", AS_OF) == (
        AS_OF,
        "snapshot date is the ingest date (the file name states no date range)",
    )


def test_snapshot_date_never_precedes_the_export_for_an_open_range() -> None:
    as_of, _ = snapshot_date("Jul-01-2026_Jul-31-2026_123.csv", date(2026, 7, 15))
    assert as_of == date(2026, 7, 15)


# --- tabular ------------------------------------------------------------------------------------


def test_truncated_csv_is_refused() -> None:
    with pytest.raises(InputError, match=r"^row 3: .*the file looks truncated\)$"):
        split_records('Date,Text\n2026-07-01,"an open quote\n2026-07-02,cut')


def test_quoted_newlines_stay_inside_the_field() -> None:
    records, delimiter = split_records('id,text\n1,"two\nlines"\n2,x\n')
    assert (records, delimiter) == ([["id", "text"], ["1", "two\nlines"], ["2", "x"]], ",")


def test_short_row_is_padded_with_empty_cells() -> None:
    assert fit_to_header(["2026-07-01"], 2, 7) == ["2026-07-01", ""]
    assert fit_to_header(["a", "b", ""], 4, 7) == ["a", "b", "", ""]


def test_long_row_with_content_is_refused() -> None:
    with pytest.raises(InputError, match=r"^row 4: 3 fields where the header has 2"):
        fit_to_header(["a", "b", "c"], 2, 4)


def test_trailing_empty_fields_are_accepted() -> None:
    assert fit_to_header(["a", "b", "", " "], 2, 3) == ["a", "b"]
    assert fit_to_header(["a", "b"], 2, 3) == ["a", "b"]


def test_sep_line_sets_the_delimiter() -> None:
    # Sniffing alone ties and would keep ',' here; the `sep=;` line decides.
    records, delimiter = split_records('"sep=;"\na,b;c\n1,2;3\n')
    assert delimiter == ";"
    assert records == [["sep=;"], ["a,b", "c"], ["1,2", "3"]]


def test_semicolon_file_is_sniffed() -> None:
    text = "Page total likes;Type;Paid\n139441;Photo;0\n139441;Status;1,5\n"
    records, delimiter = split_records(text)
    assert delimiter == ";"
    assert records[2] == ["139441", "Status", "1,5"]


def test_tab_file_is_sniffed_past_comment_lines() -> None:
    text = "# Start date: 20260701, end\n#\nSource\tSessions\ngoogle\t3\nt.co\t1\n"
    assert split_records(text)[1] == "\t"


def test_very_wide_header_is_read() -> None:
    header = ",".join(f"Daily metric {n}" for n in range(9000))
    records, delimiter = split_records(header + "\n" + ",".join(["1"] * 9000) + "\n")
    assert (delimiter, len(records[0]), len(records[1])) == (",", 9000, 9000)


def test_duplicate_header_names_are_made_unique() -> None:
    header = ["\ufeffDate", "Reach", "Reach ", "Reach", "Page"]
    assert dedupe_header(header) == ["Date", "Reach", "Reach (2)", "Reach (3)", "Page"]


def test_dedupe_header_never_collides_with_an_existing_name() -> None:
    result = dedupe_header(["Reach", "Reach", "Reach (2)"])
    assert len(set(result)) == 3


# --- platforms and content types ----------------------------------------------------------------


def test_platform_from_traffic_source() -> None:
    sources = {
        "facebook.com": "facebook",
        "m.facebook.com": "facebook",
        "www.facebook.com": "facebook",
        "lm.facebook.com": "facebook",
        "instagram.com": "instagram",
        "l.instagram.com": "instagram",
        "ig": "instagram",
        "t.co": "x",
        "twitter.com": "x",
        "x.com": "x",
        "lnkd.in": "linkedin",
        "linkedin.com": "linkedin",
        "youtube.com": "youtube",
        "m.youtube.com": "youtube",
        "tiktok.com": "tiktok",
        " Facebook.com ": "facebook",
        "google": None,
        "(direct)": None,
        "news.detik.com": None,
    }
    frame = pl.DataFrame(
        {"source": list(sources), "medium": ["referral"] * len(sources)}
    ).with_columns(platform_from_source("source"))
    assert dict(zip(frame["source"], frame["platform"], strict=True)) == sources


def test_content_type_labels() -> None:
    labels = {
        "IG reel": "reel",
        "IG carousel": "carousel",
        "IG image": "photo",
        "IG video": "video",
        "IG story": "story",
        "Jenis lain": "other",
        "Korsel IG": "carousel",
        "Gambar IG": "photo",
        "": None,
        "  ": None,
        None: None,
    }
    frame = pl.DataFrame({"type": list(labels)}, schema={"type": pl.String}).with_columns(
        content_type("type")
    )
    assert dict(zip(frame["type"], frame["content_type"], strict=True)) == labels


# --- normalize_export: Meta Business Suite ------------------------------------------------------

_MBS_EN_HEADER = (
    "Post ID,Account ID,Account username,Account name,Description,Duration (sec),Publish time,"
    "Permalink,Post type,Data comment,Date,Views,Reach,Likes,Shares,Follows,Comments,Saves"
)


def test_mbs_content_english() -> None:
    text = (
        _MBS_EN_HEADER
        + "\n18000000000000001,17841400000000001,brand.id,Brand,Hello,0,07/02/2026 19:25,"
        'https://www.instagram.com/p/A/,IG image,,Lifetime,"1,234",900,50,3,1,4,2\n'
        "18000000000000002,17841400000000001,brand.id,Brand,Reel,12,07/03/2026 23:30,"
        "https://www.instagram.com/reel/B/,IG reel,,Lifetime,2000,1500,-,5,0,6,7\n"
    )
    result = _normalize(text, "Jul-01-2026_Jul-31-2026_123.csv")

    assert (result.format, result.platform) == ("meta_business_suite_content", "instagram")
    assert (result.rows_read, result.rows_loaded, result.rows_quarantined) == (2, 2, 0)
    assert result.notes == (
        "snapshot date taken from the file name's end date",
        "columns not used by Kunci: 'Duration (sec)'",  # Data comment names Meta's error rows
    )
    assert_frame_equal(
        result.tables["post"],
        pl.DataFrame(
            {
                "platform": ["instagram", "instagram"],
                "post_id": ["18000000000000001", "18000000000000002"],
                "account_id": ["17841400000000001", "17841400000000001"],
                "published_at": [_utc(2026, 7, 2, 12, 25), _utc(2026, 7, 3, 16, 30)],
                "published_date": [date(2026, 7, 2), date(2026, 7, 3)],
                "content_type": ["photo", "reel"],
                "text": ["Hello", "Reel"],
                "permalink": [
                    "https://www.instagram.com/p/A/",
                    "https://www.instagram.com/reel/B/",
                ],
            },
            schema_overrides={"published_at": UTC_TYPE},
        ),
    )
    assert_frame_equal(
        result.tables["post_metrics"],
        pl.DataFrame(
            {
                "platform": ["instagram", "instagram"],
                "post_id": ["18000000000000001", "18000000000000002"],
                "as_of_date": [date(2026, 7, 31), date(2026, 7, 31)],
                "reach": [900, 1500],
                "views": [1234, 2000],
                "reactions": [50, None],
                "comments": [4, 6],
                "shares": [3, 5],
                "saves": [2, 7],
                "follows": [1, 0],
            }
        ),
    )
    assert result.tables["account"].row(0, named=True) == {
        "platform": "instagram",
        "account_id": "17841400000000001",
        "account_name": "Brand",
        "handle": "brand.id",
        "timezone": "Asia/Jakarta",
        "currency": None,
        "is_own": True,
        "brand": None,
    }


def test_mbs_content_indonesian() -> None:
    text = (
        "ID Postingan,ID Akun,Nama pengguna akun,Nama akun,Deskripsi,Durasi (detik),"
        "Waktu publikasi,Permalink,Jenis postingan,Komentar data,Tanggal,Tayangan,Jangkauan,"
        "Suka,Dibagikan,Mengikuti,Komentar,Disimpan\n"
        "18123605160280664,17841400000000001,wisata.nusantara,Wisata Nusantara,Halo,0,"
        "07/02/2026 19:25,https://www.instagram.com/p/X/,IG carousel,,Seumur hidup,"
        "1.234,16.277,485,59,12,33,32\n"
        "18123605160280665,17841400000000001,wisata.nusantara,Wisata Nusantara,Lain,0,"
        "07/03/2026 08:00,https://www.instagram.com/p/Y/,Jenis lain,,Seumur hidup,"
        "2.000,900,1,0,0,0,0\n"
    )
    result = _normalize(text, "Jul-01-2026_Jul-31-2026_1.csv")

    assert (result.rows_read, result.rows_loaded, result.rows_quarantined) == (2, 2, 0)
    metrics = result.tables["post_metrics"].select("post_id", "as_of_date", "views", "reach")
    assert_frame_equal(
        metrics,
        pl.DataFrame(
            {
                "post_id": ["18123605160280664", "18123605160280665"],
                "as_of_date": [date(2026, 7, 31), date(2026, 7, 31)],
                "views": [1234, 2000],
                "reach": [16277, 900],
            }
        ),
    )
    assert result.tables["post"]["content_type"].to_list() == ["carousel", "other"]


def test_mbs_content_row_accounting() -> None:
    """Blank lines and an in-file duplicate are skipped; '12x' is quarantined, naming its column."""
    row_a = (
        "18000000000000001,17841400000000001,brand.id,Brand,Hello,0,07/02/2026 19:25,"
        "https://www.instagram.com/p/A/,IG image,,Lifetime,{views},900,50,3,1,4,2"
    )
    text = "\n".join(
        [
            _MBS_EN_HEADER,
            row_a.format(views="1000"),
            "18000000000000002,17841400000000001,brand.id,Brand,Bad,0,07/03/2026 10:00,"
            "https://www.instagram.com/p/B/,IG image,,Lifetime,2000,1500,12x,3,1,4,2",
            "",
            row_a.format(views="1100"),
            ",,,,,,,,,,,,,,,,,",
        ]
    )
    result = _normalize(text + "\n", "Jul-01-2026_Jul-31-2026_123.csv")

    assert (
        result.rows_read,
        result.rows_loaded,
        result.rows_quarantined,
        result.rows_skipped,
    ) == (5, 1, 1, 3)
    assert_frame_equal(
        result.quarantine.select("row_number", "reason"),
        pl.DataFrame(
            {"row_number": [3], "reason": ["column 'Likes': '12x' is not a whole number"]}
        ),
    )
    assert json.loads(result.quarantine["raw"][0])["Likes"] == "12x"
    # The last of the duplicated rows is kept (exports list the newest last).
    assert result.tables["post_metrics"]["views"].to_list() == [1100]


def test_mbs_content_scientific_notation_id_is_quarantined() -> None:
    text = (
        _MBS_EN_HEADER + "\n1.81064E+16,1.78414E+16,alex,Alex,Hi,0,4/17/2026 9:02,"
        "https://www.instagram.com/reel/X/,IG reel,,Lifetime,332,213,33,7,0,18,0\n"
    )
    result = _normalize(text)
    assert (result.rows_read, result.rows_loaded, result.rows_quarantined) == (1, 0, 1)
    assert result.quarantine["reason"][0].startswith(
        "column 'Post ID' holds a number in scientific notation"
    )


def test_mbs_insight_chart() -> None:
    text = (
        'sep=,\n"Instagram followers"\n"Date","Primary"\n'
        '"2026-07-03T00:00:00","25009"\n"2026-07-04T00:00:00","25,047"\n'
    )
    result = _normalize(text, account=Account("instagram", "17841400000000001"))

    assert result.format == "meta_business_suite_insight"
    assert result.notes == ("metric chart 'Instagram followers': instagram followers_total",)
    assert (result.rows_read, result.rows_loaded) == (2, 2)
    assert_frame_equal(
        result.tables["account_daily"],
        pl.DataFrame(
            {
                "platform": ["instagram", "instagram"],
                "account_id": ["17841400000000001", "17841400000000001"],
                "date": [date(2026, 7, 3), date(2026, 7, 4)],
                "followers_total": [25009, 25047],
            }
        ),
    )


_IG_REACH = 'sep=,\n"Instagram reach"\n"Date","Primary"\n'


def test_mbs_insight_chart_date_that_lost_a_digit_is_quarantined_naming_it() -> None:
    """Found by a mutation sweep: `2026-07-1T` was read as the 1st, replacing that day's reach."""
    text = _IG_REACH + (
        '"2026-07-01T00:00:00","100"\n"2026-07-02T00:00:00","200"\n"2026-07-1T00:00:00","999"\n'
    )
    result = _normalize(text, account=Account("instagram", "17841400000000001"))

    assert (result.rows_read, result.rows_loaded, result.rows_quarantined) == (3, 2, 1)
    assert result.quarantine.select("row_number", "reason").rows() == [
        (6, "column 'Date': '2026-07-1T00:00:00' is not a date; no date")
    ]
    daily = result.tables["account_daily"]
    assert daily.select("date", "reach").rows() == [
        (date(2026, 7, 1), 100),
        (date(2026, 7, 2), 200),
    ]


def test_mbs_insight_chart_day_repeated_with_its_figure_is_loaded_once_skipped_once() -> None:
    """The repeated day was counted as loaded and as skipped (the accounting check failed)."""
    text = _IG_REACH + (
        '"2026-07-01T00:00:00","100"\n"2026-07-02T00:00:00","200"\n"2026-07-01T00:00:00","100"\n'
    )
    result = _normalize(text, account=Account("instagram", "17841400000000001"))

    assert (result.rows_read, result.rows_loaded, result.rows_skipped) == (3, 2, 1)
    assert "1 rows skipped: a day the chart lists again with the same figure" in result.notes
    daily = result.tables["account_daily"]
    assert daily.select("date", "reach").rows() == [
        (date(2026, 7, 1), 100),
        (date(2026, 7, 2), 200),
    ]


def test_mbs_insight_chart_day_listed_twice_with_two_figures_is_quarantined() -> None:
    """`2026-07-10` damaged into `2026-07-01` would have given the 1st the 10th's reach."""
    text = _IG_REACH + (
        '"2026-07-01T00:00:00","100"\n"2026-07-02T00:00:00","200"\n"2026-07-01T00:00:00","150"\n'
    )
    result = _normalize(text, account=Account("instagram", "17841400000000001"))

    assert (result.rows_read, result.rows_loaded, result.rows_quarantined) == (3, 1, 2)
    reason = "rows 4, 6 give different reach figures for 2026-07-01: which is the day's is unknown"
    assert result.quarantine.select("row_number", "reason").rows() == [(4, reason), (6, reason)]
    daily = result.tables["account_daily"]
    assert daily.select("date", "reach").rows() == [(date(2026, 7, 2), 200)]


def test_mbs_insight_chart_needs_an_account() -> None:
    text = 'sep=,\n"Instagram reach"\n"Date","Primary"\n"2026-07-03T00:00:00","5"\n'
    with pytest.raises(InputError, match="pass --account instagram:<id>"):
        _normalize(text)


# --- normalize_export: X ------------------------------------------------------------------------

_X_CONTENT_HEADER = (
    "Post id,Date,Post text,Link,Impressions,Likes,Engagements,Bookmarks,Share,New follows,"
    "Replies,Reposts,Profile visits,Detail expands,Url clicks,Hashtag clicks,Permalink clicks"
)


def test_x_content() -> None:
    text = (
        _X_CONTENT_HEADER + "\n1891564128784855141,Mon Feb 17 2025,hi,"
        "https://x.com/Wormhole_BR/status/1891564128784855141,70,3,3,1,2,0,4,5,0,6,7,8,9\n"
        "1891472667636797659,Sun Feb 16 2025,yo,"
        "https://x.com/Wormhole_BR/status/1891472667636797659,197,0,0,0,0,1,0,0,5,0,0,0,0\n"
    )
    result = _normalize(text, "account_analytics_content_2024-11-21_2025-02-19.csv")

    assert (result.format, result.rows_read, result.rows_loaded) == ("x_account_content", 2, 2)
    assert result.tables["account"].select("account_id", "handle").rows() == [
        ("wormhole_br", "wormhole_br")
    ]
    assert_frame_equal(
        result.tables["post"],
        pl.DataFrame(
            {
                "platform": ["x", "x"],
                "post_id": ["1891564128784855141", "1891472667636797659"],
                "account_id": ["wormhole_br", "wormhole_br"],
                "published_date": [date(2025, 2, 17), date(2025, 2, 16)],
                "text": ["hi", "yo"],
                "permalink": [
                    "https://x.com/Wormhole_BR/status/1891564128784855141",
                    "https://x.com/Wormhole_BR/status/1891472667636797659",
                ],
            }
        ),
    )
    assert_frame_equal(
        result.tables["post_metrics"],
        pl.DataFrame(
            {
                "platform": ["x", "x"],
                "post_id": ["1891564128784855141", "1891472667636797659"],
                "as_of_date": [date(2025, 2, 19), date(2025, 2, 19)],
                "impressions": [70, 197],
                "reactions": [3, 0],
                "comments": [4, 0],
                "shares": [5 + 2, 0],  # Reposts + Share
                "saves": [1, 0],
                "clicks": [7 + 8 + 9 + 6, 0],  # Url + Hashtag + Permalink clicks + Detail expands
                "link_clicks": [7, 0],
                "profile_visits": [0, 5],
                "follows": [0, 1],
            }
        ),
    )


_X_OVERVIEW = (
    "Date,Impressions,Likes,Engagements,Bookmarks,Shares,New follows,Unfollows,Replies,Reposts,"
    "Profile visits,Create Post,Video views,Media views\n"
    '"Tue, Feb 18, 2025",62,0,3,0,0,1,0,0,0,1,0,0,0\n'
    '"Mon, Feb 17, 2025",426,18,49,1,0,2,1,1,2,4,2,7,0\n'
)


def test_x_overview_with_account() -> None:
    result = _normalize(_X_OVERVIEW, account=Account("x", "fgsc", handle="fgsc"))

    assert (result.format, result.rows_read, result.rows_loaded) == ("x_account_overview", 2, 2)
    assert_frame_equal(
        result.tables["account_daily"],
        pl.DataFrame(
            {
                "platform": ["x", "x"],
                "account_id": ["fgsc", "fgsc"],
                "date": [date(2025, 2, 18), date(2025, 2, 17)],
                "followers_gained": [1, 2],
                "followers_lost": [0, 1],
                "impressions": [62, 426],
                "engagements": [3, 49],
                "profile_visits": [1, 4],
                "video_views": [0, 7],
                "posts_published": [0, 2],
            }
        ),
    )


def test_x_overview_without_account_is_refused() -> None:
    with pytest.raises(InputError) as caught:
        _normalize(_X_OVERVIEW)
    assert str(caught.value) == "this x export does not name its account: pass --account x:<id>"


def test_x_overview_row_with_its_last_cells_left_off_reads_them_as_empty() -> None:
    header = _X_OVERVIEW.split("\n", 2)[0]
    result = _normalize(
        header + '\n"Tue, Feb 18, 2025",62,0,3,0,0,1,0,0,0,1,0,0,0\n"Mon, Feb 17, 2025",426\n',
        account=Account("x", "fgsc"),
    )
    assert (result.rows_read, result.rows_loaded) == (2, 2)
    feb_17 = result.tables["account_daily"].row(1, named=True)
    assert feb_17["impressions"] == 426
    assert feb_17["followers_gained"] is None  # left off: NULL, not 0


def test_x_overview_row_longer_than_the_header_names_the_row() -> None:
    with pytest.raises(InputError, match=r"^row 3: 15 fields where the header has 14 "):
        _normalize(
            _X_OVERVIEW.split("\n", 2)[0] + '\n"Tue, Feb 18, 2025",62,0,3,0,0,1,0,0,0,1,0,0,0'
            '\n"Mon, Feb 17, 2025",426,0,3,0,0,1,0,0,0,1,0,0,0,9\n',
            account=Account("x", "fgsc"),
        )


# --- normalize_export: GA4 ----------------------------------------------------------------------

_GA4_PREAMBLE = (
    "# ----------------------------------------\n"
    "# Traffic acquisition: Session source / medium\n"
    "# Property: wisatanusantara.go.id - GA4\n"
    "# ----------------------------------------\n"
    "#\n"
    "# Start date: 20260901\n"
    "# End date: 20260930\n"
    "\n"
)


def test_ga4_daily_with_preamble() -> None:
    text = (
        _GA4_PREAMBLE
        + "Date,Session source / medium,Session campaign,Sessions,Engaged sessions,Key events,"
        "Total revenue\n"
        "20260903,google / organic,(not set),252,142,7,0\n"
        '20260903,t.co / referral,launch,10,5,1,"1,250.50"\n'
    )
    result = _normalize(text)

    assert (result.format, result.platform) == ("ga4_traffic", "web")
    assert (result.rows_read, result.rows_loaded, result.rows_quarantined) == (2, 2, 0)
    assert_frame_equal(
        result.tables["web_traffic_daily"],
        pl.DataFrame(
            {
                "property_id": ["wisatanusantara.go.id - GA4"] * 2,
                "date": [date(2026, 9, 3), date(2026, 9, 3)],
                "source": ["google", "t.co"],
                "medium": ["organic", "referral"],
                "campaign": ["(not set)", "launch"],
                "platform": [None, "x"],
                "sessions": [252, 10],
                "engaged_sessions": [142, 5],
                "conversions": [7.0, 1.0],
                "revenue": [0.0, 1250.5],
            }
        ),
    )


_GA4_AGGREGATE = (
    "Session source / medium,Sessions,Engaged sessions,Key events,Total revenue\n"
    "l.instagram.com / referral,1223,712,25,0\n"
    "ig / social,917,517,21,0\n"
)


def test_ga4_without_date_column_is_a_period_from_the_preamble() -> None:
    result = _normalize(_GA4_PREAMBLE + _GA4_AGGREGATE)

    assert list(result.tables) == ["web_traffic_period"]
    assert_frame_equal(
        result.tables["web_traffic_period"],
        pl.DataFrame(
            {
                "property_id": ["wisatanusantara.go.id - GA4"] * 2,
                "date_start": [date(2026, 9, 1)] * 2,
                "date_end": [date(2026, 9, 30)] * 2,
                "source": ["l.instagram.com", "ig"],
                "medium": ["referral", "social"],
                "campaign": ["(not set)", "(not set)"],
                "platform": ["instagram", "instagram"],
                "sessions": [1223, 917],
                "engaged_sessions": [712, 517],
                "conversions": [25.0, 21.0],
                "revenue": [0.0, 0.0],
            }
        ),
    )


def test_ga4_period_from_context_when_no_preamble() -> None:
    result = _normalize(
        _GA4_AGGREGATE,
        account=Account("web", "p123"),
        period=(date(2026, 7, 1), date(2026, 7, 31)),
    )
    period = result.tables["web_traffic_period"]
    assert period.select("property_id", "date_start", "date_end").unique().rows() == [
        ("p123", date(2026, 7, 1), date(2026, 7, 31))
    ]
    assert (result.rows_loaded, result.rows_quarantined) == (2, 0)


def test_ga4_aggregate_without_any_period_quarantines_every_row() -> None:
    result = _normalize("# Property: site\n\n" + _GA4_AGGREGATE)

    assert (result.rows_read, result.rows_loaded, result.rows_quarantined) == (2, 0, 2)
    assert_frame_equal(
        result.quarantine.select("row_number", "reason"),
        pl.DataFrame(
            {
                "row_number": [4, 5],
                "reason": ["aggregate export without a date range: pass --period"] * 2,
            }
        ),
    )
    assert result.tables["web_traffic_period"].height == 0


# --- normalize_export: mentions -----------------------------------------------------------------

_BRANDS = (
    Account("instagram", "1", handle="wisata.nusantara", brand="Wisata Nusantara"),
    Account("instagram", "2", handle="pesona.negeri", brand="Pesona Negeri", is_own=False),
)


def test_mentions_own_and_competitor_brands() -> None:
    text = (
        "\ufeffMention ID,Date,Source,URL,Author,Author followers,Text,Sentiment,Brand\n"
        'm1,2026-09-30 20:00:07,Twitter,https://x.com/a/status/1,Warta,"1,480",teks,neutral,'
        "Pesona Negeri\n"
        "m2,2026-09-30 23:30:00,TikTok,https://tiktok.com/@s/video/2,Sari,100,bagus,positif,"
        "wisata nusantara\n"
        "m3,2026-09-30 10:00:00,Instagram,https://instagram.com/p/3,Budi,5,hmm,angry,"
        "Wisata Nusantara\n"
    )
    result = _normalize(text, accounts=_BRANDS)

    assert (result.format, result.rows_read, result.rows_loaded) == ("listening_mentions", 3, 2)
    assert_frame_equal(
        result.tables["mention"],
        pl.DataFrame(
            {
                "platform": ["x", "tiktok"],
                "mention_id": ["m1", "m2"],
                "published_at": [_utc(2026, 9, 30, 13, 0, 7), _utc(2026, 9, 30, 16, 30)],
                "date": [date(2026, 9, 30), date(2026, 9, 30)],
                "author": ["Warta", "Sari"],
                "author_followers": [1480, 100],
                "text": ["teks", "bagus"],
                "sentiment": ["neutral", "positive"],
                "brand": ["Pesona Negeri", "wisata nusantara"],
                "is_own_brand": [False, True],
                "url": ["https://x.com/a/status/1", "https://tiktok.com/@s/video/2"],
            },
            schema_overrides={"published_at": UTC_TYPE},
        ),
    )
    assert_frame_equal(
        result.quarantine.select("row_number", "reason"),
        pl.DataFrame(
            {"row_number": [4], "reason": ["sentiment is not positive, neutral or negative"]}
        ),
    )


def test_data_row_starting_with_a_hashtag_is_not_lost() -> None:
    text = (
        "Text,Date,Source,Brand\n"
        "#WonderfulIndonesia cantik,2026-09-30 10:00:00,Instagram,Wisata Nusantara\n"
        "biasa saja,2026-09-30 11:00:00,Instagram,Wisata Nusantara\n"
    )
    result = _normalize(text, accounts=_BRANDS)
    assert (result.rows_read, result.rows_loaded) == (2, 2)


# --- detection ----------------------------------------------------------------------------------


def test_unknown_format() -> None:
    with pytest.raises(InputError) as caught:
        _normalize("Foo,Bar\n1,2\n")
    assert str(caught.value) == (
        "unknown format: no known export's columns found in the first rows"
    )


def test_closest_format_names_the_missing_column() -> None:
    header = _X_CONTENT_HEADER.replace(",Link,", ",")
    with pytest.raises(InputError) as caught:
        _normalize(header + "\n1,Mon Feb 17 2025,hi,70,3,3,1,2,0,4,5,0,6,7,8,9\n")
    assert str(caught.value) == (
        "unknown format: closest is x_account_content (X account analytics content export "
        "(post level)), missing columns 'Link'"
    )


def test_header_without_data_rows_is_refused() -> None:
    with pytest.raises(InputError, match=r"^no data rows under the header$"):
        _normalize(_X_OVERVIEW.split("\n", 1)[0] + "\n\n", account=Account("x", "fgsc"))
