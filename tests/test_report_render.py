"""The pure render on rows written inline: escaping, empty data, one objective, Indonesian.

No database: `render` reads only `ReportData`, so each test states the rows it needs.
"""

import re
from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from flows.report.periods import window
from flows.report.render import render
from flows.report.rows import OBJECTIVES, ObjectiveRows, ReportData, Row
from transforms.errors import InputError

AT = datetime(2026, 10, 8, 1, 30, tzinfo=UTC)
SEPTEMBER, AUGUST = date(2026, 9, 1), date(2026, 8, 1)
HOSTILE = '<script>alert("x")</script>"><img src=x onerror=alert(1)>'
CSP = (
    '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; style-src '
    "'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'\">"
)


def section(page: str, objective: str) -> str:
    start = page.index(f'<section id="objective-{objective}"')
    return page[start : page.index("</section>", start)]


def awareness(impressions: tuple[int, int], name: str = "Wisata Nusantara") -> ReportData:
    """Two months of one own Instagram account, a competitor, a catalog entry and one target."""
    total = [
        {"level": "total", "period_start": start, "platform": None, "impressions": value}
        for start, value in zip((AUGUST, SEPTEMBER), impressions, strict=True)
    ]
    by_platform = [{**row, "level": "platform", "platform": "instagram"} for row in total]
    detail: list[Row] = [
        {"platform": "instagram", "account_id": "1", "is_own": True, "impressions": impressions[1]},
        {"platform": "instagram", "account_id": "9", "is_own": False, "impressions": 10},
    ]
    return ReportData(
        period="month",
        window=window(date(2026, 8, 1), date(2026, 9, 30), "month"),
        accounts=[
            {
                "platform": "instagram",
                "account_id": "1",
                "account_name": name,
                "handle": None,
                "is_own": True,
            },
            {
                "platform": "instagram",
                "account_id": "9",
                "account_name": "Rival",
                "handle": None,
                "is_own": False,
            },
        ],
        catalog=[
            {
                "objective": "awareness",
                "metric": "impressions",
                "unit": "count",
                "description_en": "Times content was shown",
                "description_id": "Kali konten tampil",
            },
        ],
        scorecard=[
            {
                "objective": "awareness",
                "metric": "impressions",
                "scope": "instagram:1",
                "period": "2026-09",
                "period_start": SEPTEMBER,
                "period_end": date(2026, 9, 30),
                "currency": None,
                "actual": impressions[1],
                "target": 2000,
                "direction": "at_least",
                "attainment": impressions[1] / 2000,
                "status": "missed",
            },
        ],
        objectives={"awareness": ObjectiveRows(total + by_platform, detail)},
    )


def test_text_from_rows_is_escaped_everywhere() -> None:
    data = awareness((1000, 1500), name=HOSTILE)
    funnel = {
        "platform": "meta",
        "campaign": HOSTILE,
        "first_date": AUGUST,
        "last_date": SEPTEMBER,
        "currency": "IDR",
        "spend": 5000.0,
        "impressions": 900,
        "reach": 800,
        "engagements": 50,
        "clicks": 20,
        "sessions": 10,
        "leads": 2,
        "conversions": None,
        "engagements_step_rate": 0.0625,
        "clicks_step_rate": 0.4,
        "sessions_step_rate": 0.5,
        "leads_step_rate": 0.2,
        "conversions_step_rate": None,
    }
    page = render(
        replace(data, funnel=[funnel]),
        period="month",
        lang="en",
        generated_at=AT,
    )
    assert HOSTILE not in page and "<script" not in page and "<img" not in page
    escaped = "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;&#34;&gt;&lt;img src=x"
    # by the templates: masthead, scorecard scope, detail row, funnel caption, funnel table
    assert page.count(escaped) == 5
    # by the SVG builder (html.escape): the funnel chart's aria-label and title
    assert page.count(escaped.replace("&#34;", "&quot;")) == 2
    assert CSP in page  # the policy is written as is, not entity-escaped
    assert not re.search(r"<(script|link|iframe|img)\b", page)


def test_no_rows_give_a_no_data_panel_in_every_section() -> None:
    page = render(ReportData(period="week"), period="week", lang="en", generated_at=AT)
    for objective in OBJECTIVES:
        assert '<div class="nodata" role="note"><strong>No data yet</strong>' in section(
            page, objective
        )
    assert "<svg" not in page
    assert '<p class="period">' not in page and '<p class="accounts">' not in page
    assert page.count("No targets for this objective") == 6  # the overview and five sections
    assert page.startswith('<!DOCTYPE html>\n<html lang="en">') and page.endswith("</html>\n")
    assert '<p class="generated">Generated 2026-10-08 01:30 UTC' in page


def test_one_objective_with_rows_and_the_others_without() -> None:
    page = render(awareness((1000, 1500)), period="month", lang="en", generated_at=AT)
    mine = section(page, "awareness")
    assert "September 2026 compared with August 2026" in mine
    assert re.search(
        r'<div class="card" data-metric="impressions"><div class="card-label" '
        r'title="Times content was shown">Impressions</div><div class="card-value">1,500</div>'
        r'<div class="card-change good" title="[^"]*"><span aria-hidden="true">\u25b2</span> '
        r"\+50\.0%</div>",
        mine,
    )
    assert mine.count('<svg class="chart line-chart"') == 1  # impressions; the others have no rows
    assert '<td class="t">Instagram · Rival <span class="tag">competitor</span></td>' in mine
    assert '<span class="badge status-missed">missed</span>' in mine
    assert "<td>75%</td>" in mine  # attainment
    for objective in OBJECTIVES[1:]:
        assert 'class="nodata"' in section(page, objective), objective
        assert "<svg" not in section(page, objective), objective
    overview = page[page.index('<section class="overview') : page.index("<main")]
    assert '<svg class="chart status-strip"' in overview
    assert '<li><span class="badge status-missed">missed</span> 1</li>' in overview
    assert 'href="#objective-awareness">Brand awareness</a> <span class="badge' in page


def test_indonesian_labels_and_numbers() -> None:
    page = render(awareness((1000, 1500)), period="month", lang="id", generated_at=AT)
    assert '<html lang="id">' in page
    assert ">Kesadaran merek</h2>" in page
    assert '<p class="other-lang" lang="en">Brand awareness</p>' in page
    assert "September 2026 dibandingkan Agustus 2026" in page
    assert '<div class="card-value">1.500</div>' in page
    assert 'title="Kali konten tampil"' in page
    assert '<span class="badge status-missed">tidak tercapai</span>' in page
    assert "t/a" in section(page, "awareness")  # video views: no value, never 0


def test_a_facebook_page_without_online_hours_says_meta_retired_them() -> None:
    """No empty heatmap: the Page's panel says since when Meta no longer gives followers online."""
    accounts = [
        {"platform": p, "account_id": i, "account_name": n, "handle": None, "is_own": True}
        for p, i, n in (("facebook", "1", "Wisata FB"), ("instagram", "2", "Wisata IG"))
    ]
    hour = {"platform": "instagram", "account_id": "2", "day_of_week": 6, "hour": 20}
    activity = [{**hour, "snapshots": 1, "online_followers": 50.0, "share_of_week": 1.0}]
    data = ReportData(period="month", accounts=accounts, activity=activity)
    for lang, text in (
        ("en", "Not available from Meta since 15 Nov 2025"),
        ("id", "Tidak tersedia dari Meta sejak 15 Nov 2025"),
    ):
        insights = section(render(data, period="month", lang=lang, generated_at=AT), "insights")
        assert insights.count('<svg class="chart heatmap"') == 1  # Instagram's hours
        assert insights.count('<div class="card">') == 1  # Instagram's peak time
        retired = re.search(
            r'<div class="retired" role="note"><strong>(.*?)</strong><p>(.*?)</p>', insights
        )
        assert retired is not None
        assert "Wisata FB" in retired.group(1) and retired.group(2).startswith(text)
    # hours of a Page (old exports, old API pulls) are shown as ever, without the panel
    page_hours = [{**r, "platform": "facebook", "account_id": "1"} for r in activity]
    shown = render(
        ReportData(period="month", accounts=accounts[:1], activity=page_hours),
        period="month",
        lang="en",
        generated_at=AT,
    )
    assert 'class="retired"' not in shown and shown.count('<svg class="chart heatmap"') == 1


def test_the_same_rows_give_the_same_page() -> None:
    data = awareness((1000, 1500))
    first = render(data, period="month", lang="en", generated_at=AT)
    assert render(data, period="month", lang="en", generated_at=AT) == first


def test_bad_requests() -> None:
    data = ReportData(period="month")
    with pytest.raises(InputError, match="--lang 'fr' is not one of en, id"):
        render(data, period="month", lang="fr", generated_at=AT)
    with pytest.raises(InputError, match="--period 'quarter' is not one of day, week, month"):
        render(data, period="quarter", lang="en", generated_at=AT)
    with pytest.raises(
        ValueError, match="rows read for period 'month' cannot render period 'week'"
    ):
        render(data, period="week", lang="en", generated_at=AT)
