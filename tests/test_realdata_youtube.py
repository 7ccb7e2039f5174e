"""YouTube Studio exports: every real file of `realdata/youtube`, Engaged views, and every metric.

Real files are read in place; each expected figure is computed here from the file with the `csv`
module (never through the code under test): row counts, sums per mapped metric, exact dates, and
blank cells (NULL) kept apart from `0`. Inline exports cover Engaged views in Table data, Chart
data and Totals, the single-metric files Studio writes, and the dimensions Kunci does not store;
one test follows Engaged views through the store into the core tables.
"""

import csv
import io
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import duckdb
import polars as pl
import pytest

from flows.config.settings import Settings
from flows.load import store
from flows.load.ingest import ingest_file
from flows.load.inputs import InputFile
from tests.conftest import REALDATA, counts, normalize_counted, skip_module_without_realdata
from transforms.context import Account, IngestContext, Normalized
from transforms.errors import InputError

skip_module_without_realdata()

AS_OF = date(2026, 8, 5)
CHANNEL = Account("youtube", "UCchannel")


def _normalize(
    data: bytes | str, source_name: str = "Table data.csv", account: Account | None = CHANNEL
) -> Normalized:
    raw = data.encode("utf-8") if isinstance(data, str) else data
    ctx = IngestContext(source_name=source_name, as_of=AS_OF, account=account)
    return normalize_counted(raw, ctx)


def _real(name: str) -> Normalized:
    path = REALDATA / "youtube" / name
    return _normalize(path.read_bytes(), path.name)


def _rows(name: str) -> list[dict[str, str]]:
    """The file's data rows as the csv module reads them, Studio's `Total` row left out."""
    with (REALDATA / "youtube" / name).open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    first = next(iter(rows[0]))
    return [row for row in rows if row[first].strip() != "Total"]


def _total_row(name: str) -> dict[str, str]:
    with (REALDATA / "youtube" / name).open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    first = next(iter(rows[0]))
    return next(row for row in rows if row[first].strip() == "Total")


def _counts(rows: list[dict[str, str]], column: str) -> tuple[int, int, int]:
    """(sum of the filled cells, blank cells, cells that are '0')."""
    filled = [int(row[column]) for row in rows if row[column] != ""]
    blank = sum(1 for row in rows if row[column] == "")
    zero = sum(1 for row in rows if row[column] == "0")
    return sum(filled), blank, zero


def _frame_counts(frame: pl.DataFrame, column: str) -> tuple[int, int, int]:
    values = frame.get_column(column)
    return int(values.sum()), values.null_count(), int((values == 0).sum())


def _hours_in_seconds(rows: list[dict[str, str]], column: str = "Watch time (hours)") -> float:
    return float(sum(Decimal(row[column]) for row in rows if row[column] != "") * 3600)


def _accounting(result: Normalized) -> tuple[str, int, int, int, int]:
    return (result.format, *counts(result))


# --- Table data by video ---------------------------------------------------------------------

PRIYANKA_TABLE = "yt_studio_priyanka_table_data.csv"
PRAKASH_TABLE = "yt_table_data_stayed_to_watch_new_regular_viewers_prakash.csv"


@pytest.mark.parametrize("name", [PRIYANKA_TABLE, PRAKASH_TABLE])
def test_table_data_by_video_totals_match_the_file(name: str) -> None:
    rows = _rows(name)
    result = _real(name)

    assert _accounting(result) == (
        "youtube_studio_table_content",
        len(rows) + 1,
        len(rows),
        0,
        1,
    )
    metrics = result.tables["post_metrics"]
    assert metrics.height == len(rows)
    assert _frame_counts(metrics, "video_views") == _counts(rows, "Views")
    assert _frame_counts(metrics, "impressions") == _counts(rows, "Impressions")
    assert metrics.get_column("watch_time_seconds").sum() == pytest.approx(_hours_in_seconds(rows))
    assert "engaged_views" not in metrics.columns  # the file has no Engaged views: NULL, not 0
    assert metrics.get_column("as_of_date").unique().to_list() == [AS_OF]
    published = {
        row["Content"].strip(): datetime.strptime(row["Video publish time"], "%b %d, %Y").date()
        for row in rows
        if row["Video publish time"]
    }
    posts = result.tables["post"]
    assert dict(posts.select("post_id", "published_date").rows()) == published


@pytest.mark.parametrize(("name", "spaced"), [(PRIYANKA_TABLE, 5), (PRAKASH_TABLE, 10)])
def test_table_data_ids_lose_studios_leading_space(name: str, spaced: int) -> None:
    rows = _rows(name)
    ids = {row["Content"].strip() for row in rows}
    assert sum(1 for row in rows if row["Content"] != row["Content"].strip()) == spaced

    posts = _real(name).tables["post"]

    assert set(posts.get_column("post_id")) == ids
    assert posts.get_column("post_id").str.contains(r"^[A-Za-z0-9_-]{11}$").all()


def test_table_data_with_2025_viewer_metrics_names_them_as_not_used() -> None:
    result = _real(PRAKASH_TABLE)
    posts = result.tables["post"]

    assert posts.filter(pl.col("post_id") == "-pvZz7Zj4QM").height == 1
    assert posts.filter(pl.col("post_id") == "-6UJPIo1uW0").height == 1
    assert result.notes[-1] == (
        "not used (Kunci has no column for them): 'Subscribers', "
        "'Impressions click-through rate (%)', 'Average view duration', "
        "'Average percentage viewed (%)', 'Stayed to watch (%)', 'New viewers', "
        "'Regular viewers', 'Duration'"
    )
    total = _total_row(PRAKASH_TABLE)
    listed = _counts(_rows(PRAKASH_TABLE), "Views")[0]
    assert result.notes[1] == (
        f"Total row: {total['Views']} views; the 498 listed videos sum to {listed} (the rest is "
        "on videos the export does not list)"
    )


# --- Chart data --------------------------------------------------------------------------------


def test_chart_data_views_match_the_file() -> None:
    name = "yt_studio_priyanka_chart_data.csv"
    rows = _rows(name)
    before = [
        row
        for row in rows
        if date.fromisoformat(row["Date"])
        < datetime.strptime(row["Video publish time"], "%b %d, %Y").date()
        and row["Views"] in ("", "0")
    ]
    result = _real(name)

    assert _accounting(result) == (
        "youtube_studio_chart",
        1825,
        1825 - len(before),
        0,
        len(before),
    )
    daily = result.tables["post_daily"]
    kept = [row for row in rows if row not in before]
    assert _frame_counts(daily, "video_views") == _counts(kept, "Views")
    expected_days = {(row["Content"].strip(), date.fromisoformat(row["Date"])) for row in kept}
    assert set(daily.select("post_id", "date").rows()) == expected_days


def test_chart_data_of_average_view_duration_loads_nothing_and_says_why() -> None:
    name = "yt_chart_data_avg_view_duration_prakash.csv"
    rows = _rows(name)
    result = _real(name)

    assert _accounting(result) == ("youtube_studio_chart", len(rows), 0, 0, len(rows))
    assert len(rows) == 5485
    assert result.tables == {}
    assert result.notes == (
        "5485 rows skipped: the export's metrics ('Average view duration') have no column in "
        "core.post_daily",
    )


# --- Totals and Table data by date -------------------------------------------------------------


def test_totals_resaved_day_first_match_the_file() -> None:
    name = "yt_studio_priyanka_totals.csv"
    rows = _rows(name)
    result = _real(name)

    assert _accounting(result) == ("youtube_studio_daily", 365, 365, 0, 0)
    daily = result.tables["account_daily"]
    expected = {datetime.strptime(r["Date"], "%d-%m-%Y").date(): int(r["Views"]) for r in rows}
    assert dict(daily.select("date", "video_views").rows()) == expected
    assert min(expected) == date(2025, 6, 13)


def test_table_data_by_date_newest_first_with_revenue_matches_the_file() -> None:
    name = "yt_table_date_estimated_revenue_billmeng.csv"
    rows = _rows(name)
    revenue_blank = sum(1 for row in rows if row["Estimated revenue (USD)"] == "")
    result = _real(name)

    assert _accounting(result) == ("youtube_studio_daily", 451, 450, 0, 1)
    assert revenue_blank > 0  # blank on unmonetised days: not used, so nothing reads it as 0
    daily = result.tables["account_daily"]
    assert daily.columns == ["platform", "account_id", "date", "video_views"]
    assert daily.row(0)[2] == date(2025, 4, 24) == date.fromisoformat(rows[0]["Date"])
    assert dict(daily.select("date", "video_views").rows()) == {
        date.fromisoformat(row["Date"]): int(row["Views"]) for row in rows
    }
    assert _frame_counts(daily, "video_views") == _counts(rows, "Views")
    assert int(_total_row(name)["Views"]) == _counts(rows, "Views")[0]
    assert result.notes == (
        "not used (Kunci has no column for them): 'Watch time (hours)', "
        "'Average view duration', 'Estimated revenue (USD)'",
    )


def test_totals_of_average_view_duration_with_blank_days_load_nothing() -> None:
    name = "yt_totals_avg_view_duration_prakash_blank_first_days.csv"
    rows = _rows(name)
    assert sum(1 for row in rows if row["Average view duration"] == "") > 0
    result = _real(name)

    assert _accounting(result) == ("youtube_studio_daily", len(rows), 0, 0, len(rows))
    assert result.tables == {}
    assert result.notes == (
        f"{len(rows)} rows skipped: the export's metrics ('Average view duration') have no "
        "column in core.account_daily",
    )


# --- Table data by traffic source ------------------------------------------------------------


def test_traffic_source_goes_to_audience_with_the_views_of_each_source() -> None:
    name = "yt_table_traffic_source_billmeng.csv"
    rows = _rows(name)
    result = _real(name)

    assert _accounting(result) == ("youtube_studio_audience_source", 17, 16, 0, 1)
    audience = result.tables["audience"]
    assert set(audience.get_column("dimension")) == {"source"}
    assert set(audience.get_column("measure")) == {"views"}
    assert dict(audience.select("bucket", "value").rows()) == {
        row["Traffic source"]: float(row["Views"]) for row in rows
    }
    assert audience.get_column("value").sum() == int(_total_row(name)["Views"])
    assert audience.get_column("share").null_count() == len(rows)  # shares: the metric layer's
    assert result.notes[-1] == (
        "not used (Kunci has no column for them): 'Watch time (hours)', 'Impressions', "
        "'Impressions click-through rate (%)', 'Average view duration'"
    )


# --- Engaged views, inline -------------------------------------------------------------------

ENGAGED_TABLE = (
    "Content,Video title,Video publish time,Duration,Engaged views,Average view duration,"
    "Unique viewers,New viewers,Likes,Shares,Comments added,Views,Watch time (hours),"
    "Subscribers,Impressions\n"
    "Total,,,,800,0:00:15,700,0,9,1,2,1300,3.5,2,40\n"
    'L8ek-kPnDV4,One,"Aug 22, 2026",42,777,0:00:17,736,,7,0,,1204,3.25,1,11\n'
    ' -HHGH-TTqYM,Two,"Aug 20, 2026",33,0,0:00:14,0,,2,1,2,96,0.25,1,\n'
)


def test_table_data_reads_engaged_views_and_interactions() -> None:
    result = _normalize(ENGAGED_TABLE)

    metrics = result.tables["post_metrics"]
    assert metrics.select(
        "post_id",
        "engaged_views",
        "video_views",
        "reactions",
        "comments",
        "shares",
        "impressions",
        "watch_time_seconds",
    ).rows() == [
        ("L8ek-kPnDV4", 777, 1204, 7, None, 0, 11, 11700.0),
        ("-HHGH-TTqYM", 0, 96, 2, 2, 1, None, 900.0),
    ]
    assert result.notes[-1] == (
        "not used (Kunci has no column for them): 'Subscribers', 'Average view duration', "
        "'Unique viewers', 'New viewers', 'Duration'"
    )


def test_chart_data_of_engaged_views_fills_post_daily() -> None:
    text = (
        "Date,Content,Video title,Video publish time,Duration,Engaged views\n"
        '2026-08-21,L8ek-kPnDV4,One,"Aug 22, 2026",42,0\n'
        '2026-08-22,L8ek-kPnDV4,One,"Aug 22, 2026",42,521\n'
        '2026-08-23,L8ek-kPnDV4,One,"Aug 22, 2026",42,0\n'
        '2026-08-24,L8ek-kPnDV4,One,"Aug 22, 2026",42,\n'
    )
    result = _normalize(text, "Chart data.csv")

    assert _accounting(result) == ("youtube_studio_chart", 4, 3, 0, 1)
    assert result.tables["post_daily"].rows() == [
        ("youtube", "L8ek-kPnDV4", date(2026, 8, 22), 521),
        ("youtube", "L8ek-kPnDV4", date(2026, 8, 23), 0),
        ("youtube", "L8ek-kPnDV4", date(2026, 8, 24), None),
    ]
    assert result.tables["post_daily"].columns == ["platform", "post_id", "date", "engaged_views"]


def test_totals_of_engaged_views_alone_fill_account_daily() -> None:
    result = _normalize("Date,Engaged views\n2026-08-17,0\n2026-08-18,521\n", "Totals.csv")

    assert result.format == "youtube_studio_daily"
    assert result.tables["account_daily"].rows() == [
        ("youtube", "UCchannel", date(2026, 8, 17), 0),
        ("youtube", "UCchannel", date(2026, 8, 18), 521),
    ]
    assert result.tables["account_daily"].columns[-1] == "engaged_views"


def test_table_data_by_date_maps_every_daily_column() -> None:
    text = (
        "Date,Engaged views,Views,Subscribers gained,Subscribers lost,Impressions,Likes\n"
        "Total,9,12,3,1,50,4\n"
        "2026-08-18,5,7,2,,30,3\n"
        "2026-08-17,4,5,1,1,20,1\n"
    )
    result = _normalize(text)

    assert result.tables["account_daily"].select(
        "date", "engaged_views", "video_views", "followers_gained", "followers_lost", "impressions"
    ).rows() == [
        (date(2026, 8, 18), 5, 7, 2, None, 30),
        (date(2026, 8, 17), 4, 5, 1, 1, 20),
    ]
    assert result.notes == ("not used (Kunci has no column for them): 'Likes'",)


# --- Single metrics and dimensions Kunci does not store ---------------------------------------


@pytest.mark.parametrize(
    ("text", "metric", "table"),
    [
        (
            "Date,Average percentage viewed (%)\n2026-04-07,0\n2026-04-08,\n",
            "Average percentage viewed (%)",
            "core.account_daily",
        ),
        ("Date,Subscribers\n2014-11-21,0\n2014-11-22,-1\n", "Subscribers", "core.account_daily"),
        (
            "Date,Stayed to watch (%)\n2011-04-04,0\n2012-04-16,\n",
            "Stayed to watch (%)",
            "core.account_daily",
        ),
        (
            "Date,Content,Video title,Video publish time,Duration,Stayed to watch (%)\n"
            '2011-04-04,6xFxE92I6Nk,Is PHP,"Sep 27, 2024",978,0\n'
            '2011-04-05,6xFxE92I6Nk,Is PHP,"Sep 27, 2024",978,\n',
            "Stayed to watch (%)",
            "core.post_daily",
        ),
    ],
)
def test_a_file_of_one_unstored_metric_skips_its_rows_and_names_it(
    text: str, metric: str, table: str
) -> None:
    result = _normalize(text, "Totals.csv")

    assert (result.rows_read, result.rows_loaded, result.rows_skipped) == (2, 0, 2)
    assert result.tables == {}
    assert result.notes == (
        f"2 rows skipped: the export's metrics ('{metric}') have no column in {table}",
    )


@pytest.mark.parametrize(
    "text", ["Date,Impressions,Likes\n2026-04-07,5,1\n", "Date,New viewers,Likes\n2026-04-07,5,1\n"]
)
def test_a_file_of_metrics_other_platforms_share_is_not_guessed_to_be_youtube(text: str) -> None:
    with pytest.raises(InputError, match=r"^unknown format: "):
        _normalize(text, "Totals.csv")


def test_table_data_by_video_without_stored_metrics_loads_videos_only() -> None:
    text = (
        "Content,Video title,Video publish time,Duration,New viewers,Regular viewers\n"
        "Total,,,,0,0\n"
        'GlIhjEa4FAk,Let him,"Jan 8, 2025",6,,\n'
    )
    result = _normalize(text)

    assert (result.rows_loaded, result.rows_skipped) == (1, 1)
    assert set(result.tables) == {"account", "post"}
    assert result.notes[-2] == (
        "videos loaded without a metrics snapshot: the export's metrics ('New viewers', "
        "'Regular viewers') have no column in core.post_metrics"
    )


@pytest.mark.parametrize(
    "dimension",
    ["Subscription status", "Operating system", "Playback location", "Content type", "Playlist"],
)
def test_table_data_by_an_unstored_dimension_is_recognised_and_skipped(dimension: str) -> None:
    text = (
        f"{dimension},Views,Watch time (hours),Average view duration\n"
        "Total,10103,194.6712,0:01:10\nFirst,9033,172.3191,0:01:09\nSecond,1069,22.3487,0:01:15\n"
    )
    result = _normalize(text, account=None)  # nothing is loaded, so no channel is needed

    assert _accounting(result) == ("youtube_studio_table_other", 3, 0, 0, 3)
    assert result.notes == (
        f"3 rows skipped: Kunci has no table for a breakdown by '{dimension}' (YouTube Studio "
        "Table data)",
        "not used (Kunci has no column for them): 'Views', 'Watch time (hours)', "
        "'Average view duration'",
    )


@pytest.mark.parametrize(
    ("header", "dimension"),
    [("Device type", "device"), ("City", "city"), ("Geography", "country")],
)
def test_table_data_by_device_and_city_go_to_audience(header: str, dimension: str) -> None:
    text = f"{header},Views,Watch time (hours)\nTotal,30,1\nA,20,0.5\nB,10,0.5\n"
    result = _normalize(text)

    assert result.format == f"youtube_studio_audience_{dimension}"
    assert result.tables["audience"].select("dimension", "bucket", "value").rows() == [
        (dimension, "A", 20.0),
        (dimension, "B", 10.0),
    ]


# --- Engaged views through the store ---------------------------------------------------------


def test_engaged_views_reach_the_core_tables(tmp_path: Path) -> None:
    settings = Settings("test", "Asia/Jakarta", (CHANNEL,), (), None, as_of=AS_OF)
    con = store.connect(tmp_path / "k.duckdb")
    store.apply_schema(con)
    store.upsert_accounts(con, settings.accounts)
    files = {
        "Table data.csv": ENGAGED_TABLE,
        "Chart data.csv": (
            "Date,Content,Video title,Video publish time,Duration,Engaged views,Views\n"
            '2026-08-22,L8ek-kPnDV4,One,"Aug 22, 2026",42,521,800\n'
        ),
        "Totals.csv": "Date,Engaged views\n2026-08-22,600\n",
    }
    for name, text in files.items():
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        outcome = ingest_file(con, InputFile(path, CHANNEL), settings, tmp_path / "raw")
        assert outcome.status == "loaded"

    def rows(sql: str) -> list[tuple[object, ...]]:
        return con.execute(sql).fetchall()

    assert rows(
        "select post_id, engaged_views, video_views from core.post_metrics order by post_id"
    ) == [("-HHGH-TTqYM", 0, 96), ("L8ek-kPnDV4", 777, 1204)]
    assert rows("select post_id, date, engaged_views, video_views from core.post_daily") == [
        ("L8ek-kPnDV4", date(2026, 8, 22), 521, 800)
    ]
    assert rows("select date, engaged_views, video_views from core.account_daily") == [
        (date(2026, 8, 22), 600, None)
    ]
    comment = rows(
        "select comment from duckdb_columns() where schema_name = 'core' "
        "and table_name = 'post_daily' and column_name = 'engaged_views'"
    )
    assert comment[0][0].startswith("YouTube Engaged views")
    con.close()


def test_an_older_database_gains_engaged_views(tmp_path: Path) -> None:
    core = tmp_path / "core"
    core.mkdir()
    for path in sorted((store.SQL_DIR / "core").glob("00*.sql")):
        (core / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    con = duckdb.connect(str(tmp_path / "k.duckdb"))
    store.apply_schema(con, core)
    columns = "select column_name from duckdb_columns() where table_name = 'account_daily'"
    assert ("engaged_views",) not in con.execute(columns).fetchall()

    store.apply_schema(con)

    assert ("engaged_views",) in con.execute(columns).fetchall()
    con.close()


# --- The same layouts in the Indonesian interface (headers E12 of INDONESIAN_UI.md) -----------

_INDONESIAN = {
    "Content": "Konten",
    "Video title": "Judul video",
    "Video publish time": "Waktu publikasi video",
    "Duration": "Durasi",
    "Views": "Penayangan",
    "Watch time (hours)": "Waktu tonton (jam)",
    "Subscribers": "Subscriber",
    "Impressions": "Tayangan",
    "Impressions click-through rate (%)": "Rasio klik-tayang dari tayangan (%)",
}
_ID_MONTHS = {"May": "Mei", "Aug": "Agu", "Oct": "Okt", "Dec": "Des"}


def _grouped(cell: str) -> str:
    """`1234567.25` as an Indonesian spreadsheet writes it: `1.234.567,25`."""
    if cell == "":
        return cell
    whole, _, fraction = cell.partition(".")
    sign, digits = ("-", whole[1:]) if whole.startswith("-") else ("", whole)
    groups = f"{int(digits):,}".replace(",", ".")
    return sign + groups + ("," + fraction if fraction else "")


def _indonesian_table(name: str, localise_numbers: bool) -> str:
    """The real file with Studio's Indonesian headers, numbers and dates optionally localised."""
    with (REALDATA / "youtube" / name).open(encoding="utf-8", newline="") as handle:
        records = list(csv.reader(handle))
    header = [_INDONESIAN[cell] for cell in records[0]]
    numeric = {index for index, cell in enumerate(records[0]) if cell not in _INDONESIAN_TEXT}
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for record in records[1:]:
        if localise_numbers:
            record = [_grouped(c) if i in numeric else c for i, c in enumerate(record)]
            month, _, rest = record[2].partition(" ")
            day, _, year = rest.partition(", ")
            if day:
                record[2] = f"{day} {_ID_MONTHS.get(month, month)} {year}"
        writer.writerow(record)
    return out.getvalue()


_INDONESIAN_TEXT = ("Content", "Video title", "Video publish time")


@pytest.mark.parametrize("localise_numbers", [False, True])
def test_indonesian_table_data_totals_match_the_file(localise_numbers: bool) -> None:
    rows = _rows(PRIYANKA_TABLE)
    text = _indonesian_table(PRIYANKA_TABLE, localise_numbers)
    # the rewrite took place: grouped thousands and Indonesian month names, or neither
    total_views = _total_row(PRIYANKA_TABLE)["Views"]
    assert int(total_views) >= 1000
    assert (f",{_grouped(total_views)}," in text) is localise_numbers
    assert (" Agu 2025" in text) is localise_numbers

    result = _normalize(text, "Data tabel.csv")

    assert _accounting(result) == (
        "youtube_studio_table_content",
        len(rows) + 1,
        len(rows),
        0,
        1,
    )
    metrics = result.tables["post_metrics"]
    assert _frame_counts(metrics, "video_views") == _counts(rows, "Views")
    # `Tayangan` is Studio's impressions, never its views
    assert _frame_counts(metrics, "impressions") == _counts(rows, "Impressions")
    assert metrics.get_column("watch_time_seconds").sum() == pytest.approx(_hours_in_seconds(rows))
    published = {
        row["Content"].strip(): datetime.strptime(row["Video publish time"], "%b %d, %Y").date()
        for row in rows
        if row["Video publish time"]
    }
    assert dict(result.tables["post"].select("post_id", "published_date").rows()) == published
    indonesian = [note for note in result.notes if "Indonesian separators" in note]
    assert bool(indonesian) is localise_numbers


@pytest.mark.parametrize("name", sorted(path.name for path in (REALDATA / "youtube").glob("*.csv")))
def test_real_studio_files_keep_studios_plain_numbers(name: str) -> None:
    result = _real(name)

    assert not [note for note in result.notes if note.startswith("numbers read")]
