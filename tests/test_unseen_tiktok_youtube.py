"""Layouts seen in public TikTok Studio and YouTube Studio exports the project had not read before.

Each test is an inline synthetic file in the platform's exact layout (header copied as the
platform writes it, made-up rows), not a copy of the public file:

- TikTok Studio `Viewers.csv` (htupycollabs-spec/Analytics, 2025-2026): `"Date","Total Viewers",
  "New Viewers","Returning Viewers"`, yearless dates, `undefined` before TikTok counted. It was
  refused as an unknown format (closest: YouTube Studio daily).
- YouTube Studio Table data by video (journohindi/Test-HND, 2026): a period's `Likes` is written
  below zero (`-27`) when more likes were removed than added; the whole video row was quarantined,
  its views and watch time lost. Its 2026 header also spells `Likes (vs dislikes) (%)` without the
  full stop, and adds `Hypes`.
- YouTube Studio Table data of Shorts (OisinQueva/YouTube_Channel_essay, 2024): `Shown in feed`,
  `Viewed (vs. swiped away) (%)`.
"""

import csv
import io
from datetime import date

from tests.conftest import normalize_counted
from transforms.context import Account, IngestContext, Normalized

TIKTOK = Account("tiktok", "brand", handle="brand")
YOUTUBE = Account("youtube", "UCchannel")


def _normalize(text: str, name: str, account: Account, as_of: date) -> Normalized:
    ctx = IngestContext(
        source_name=name, as_of=as_of, account=account, ingested_on=date(2026, 12, 7)
    )
    return normalize_counted(text.encode("utf-8"), ctx)


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


# --- TikTok Studio Viewers --------------------------------------------------------------------

_VIEWERS = "\n".join(
    [
        '"Date","Total Viewers","New Viewers","Returning Viewers"',
        '"December 30","undefined","0","0"',
        '"December 31","713","711","2"',
        '"January 1","649","624","25"',
        '"January 2","0","0","0"',
    ]
)


def test_tiktok_viewers_total_viewers_are_daily_reach_and_undefined_is_null() -> None:
    result = _normalize(_VIEWERS, "Viewers.csv", TIKTOK, date(2026, 1, 4))

    assert result.format == "tiktok_viewers"
    assert (result.rows_read, result.rows_loaded, result.rows_quarantined) == (4, 4, 0)
    daily = result.tables["account_daily"]
    # the run of days crosses New Year: two years, each day exact
    assert daily.select("date", "reach").rows() == [
        (date(2025, 12, 30), None),
        (date(2025, 12, 31), 713),
        (date(2026, 1, 1), 649),
        (date(2026, 1, 2), 0),
    ]
    expected = sum(
        int(r["Total Viewers"]) for r in _rows(_VIEWERS) if r["Total Viewers"] != "undefined"
    )
    assert daily["reach"].sum() == expected == 1362
    assert daily["reach"].null_count() == 1  # `undefined` is no value, not 0
    assert "column 'New Viewers' not used" in " ".join(result.notes)
    assert "column 'Returning Viewers' not used" in " ".join(result.notes)


def test_tiktok_viewers_is_not_taken_for_youtube_new_viewers_totals() -> None:
    # Studio's one-metric Totals (`Date,New viewers`) stays YouTube's; the TikTok table is wider
    result = _normalize("Date,New viewers\n2025-01-01,5\n", "Totals.csv", YOUTUBE, date(2025, 2, 1))

    assert result.format == "youtube_studio_daily"


# --- YouTube Studio Table data: a period's net likes ------------------------------------------

_HEADER = (
    "Content,Video title,Video publish time,Duration,Engaged views,Hypes,Hype points,"
    "Subscribers gained,Subscribers lost,Likes,Dislikes,Likes (vs dislikes) (%),Shares,"
    "Comments added,Views,Watch time (hours),Subscribers,Impressions,"
    "Impressions click-through rate (%)"
)
_TABLE = "\n".join(
    [
        _HEADER,
        "Total,,,,4100,5,900,30,4,114,2,98.3,70,9,5200,210.5,26,90000,4.1",
        'aaaaaaaaaaa,First,"Feb 19, 2026",600,4000,5,900,30,4,141,2,98.6,60,9,5000,200.25,26,'
        "80000,4.2",
        'bbbbbbbbbbb,Second,"Feb 16, 2025",300,100,0,0,0,0,-27,-8,77.14,10,0,200,10.25,0,10000,3.1',
        "",
    ]
)


def test_youtube_negative_likes_load_the_video_with_likes_null() -> None:
    result = _normalize(_TABLE, "Table data.csv", YOUTUBE, date(2026, 6, 1))

    assert result.format == "youtube_studio_table_content"
    assert (result.rows_read, result.rows_loaded, result.rows_quarantined) == (3, 2, 0)
    assert result.rows_skipped == 1  # the Total row
    metrics = result.tables["post_metrics"].sort("post_id")
    videos = [r for r in _rows(_TABLE) if r["Content"] != "Total"]
    assert metrics["video_views"].sum() == sum(int(r["Views"]) for r in videos) == 5200
    assert metrics.select("post_id", "reactions").rows() == [
        ("aaaaaaaaaaa", 141),
        ("bbbbbbbbbbb", None),  # -27 is no count of likes; not 0, not lost silently
    ]
    assert any("1 row(s) with a negative 'Likes'" in note for note in result.notes)
    not_used = next(note for note in result.notes if note.startswith("not used"))
    for header in ("'Likes (vs dislikes) (%)'", "'Hypes'", "'Hype points'", "'Dislikes'"):
        assert header in not_used


def test_youtube_shorts_feed_columns_are_named_as_not_used() -> None:
    text = "\n".join(
        [
            "Content,Video title,Video publish time,Shown in feed,Viewed (vs. swiped away) (%),"
            "Views,Watch time (hours)",
            "Total,,,253186,38.21,97004,375.6609",
            'M1fTBQ96BRM,Short,"Dec 15, 2023",11304,42.68,4835,19.3082',
        ]
    )
    result = _normalize(text, "Table data.csv", YOUTUBE, date(2024, 3, 1))

    assert result.tables["post_metrics"]["video_views"].to_list() == [4835]
    not_used = next(note for note in result.notes if note.startswith("not used"))
    assert "'Shown in feed'" in not_used
    assert "'Viewed (vs. swiped away) (%)'" in not_used
