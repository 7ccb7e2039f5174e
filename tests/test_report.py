"""The objective report: each section, figures equal to the tables, EN/ID, offline, escaped, stable.

The demo workspace is loaded and built once per session (conftest's `demo_database`); expected
figures are read from the metric tables with independent SQL and formatted here, so a test fails
when the page shows anything but the tables' values.
"""

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import pytest

from flows.build import models
from flows.load import store
from flows.report import fmt, render_report, write_report
from flows.report.periods import window
from tests.conftest import REPO, demo_database
from transforms.errors import InputError

OBJECTIVES = ("awareness", "traffic", "community", "conversion", "insights", "leads")
AT = datetime(2026, 10, 8, 1, 30, tzinfo=UTC)
SEPTEMBER, AUGUST = date(2026, 9, 1), date(2026, 8, 1)
GENERATED = re.compile(r'^<p class="generated">.*</p>$', re.MULTILINE)


@pytest.fixture(scope="module")
def con() -> Iterator[duckdb.DuckDBPyConnection]:
    connection = duckdb.connect(str(demo_database()), read_only=True)
    yield connection
    connection.close()


@pytest.fixture(scope="module")
def page(con: duckdb.DuckDBPyConnection) -> str:
    return render_report(con, period="month", lang="en", generated_at=AT)


@pytest.fixture(scope="module")
def halaman(con: duckdb.DuckDBPyConnection) -> str:
    return render_report(con, period="month", lang="id", generated_at=AT)


def section(page: str, objective: str) -> str:
    start = page.index(f'<section id="objective-{objective}"')
    return page[start : page.index("</section>", start)]


def card(html: str, metric: str) -> tuple[str, str]:
    """The value and change shown on a headline card."""
    found = re.search(
        rf'<div class="card" data-metric="{metric}">.*?<div class="card-value[^"]*">(.*?)</div>'
        r'<div class="card-change[^"]*"[^>]*><span aria-hidden="true">.</span> (.*?)</div>',
        html,
    )
    assert found, f"no card for {metric}"
    return found.group(1), found.group(2)


def one(con: duckdb.DuckDBPyConnection, sql: str) -> float:
    row = con.execute(sql).fetchone()
    assert row is not None
    return float(row[0])


def en(value: float, decimals: int = 0) -> str:
    return f"{value:,.{decimals}f}"


def id_(value: float, decimals: int = 0) -> str:
    return en(value, decimals).replace(",", "_").replace(".", ",").replace("_", ".")


def test_every_objective_has_its_section_with_charts(page: str) -> None:
    positions = [page.index(f'<section id="objective-{o}"') for o in OBJECTIVES]
    assert positions == sorted(positions)
    for objective in OBJECTIVES:
        assert page.count(f'id="objective-{objective}"') == 1
        assert '<svg class="chart' in section(page, objective), objective
        assert 'class="nodata"' not in section(page, objective), objective
    assert "September 2026 compared with August 2026" in page
    assert "Data through 30 Sep 2026" in page


def test_headline_totals_are_the_tables_sums(page: str, con: duckdb.DuckDBPyConnection) -> None:
    now, then = (
        one(
            con,
            "select sum(impressions) from metrics.awareness_monthly "
            f"where is_own and month_start = '{month}'",
        )
        for month in (SEPTEMBER, AUGUST)
    )
    assert now == 1_069_566
    assert card(section(page, "awareness"), "impressions") == (
        en(now),
        f"\u2212{(then - now) / then * 100:.1f}%",
    )
    spend = one(
        con, f"select sum(spend) from metrics.conversion_monthly where month_start = '{SEPTEMBER}'"
    )
    assert card(section(page, "conversion"), "spend")[0] == f"IDR {en(spend)}"


def test_headline_rates_equal_the_models_all_scope(
    page: str, con: duckdb.DuckDBPyConnection
) -> None:
    """A total rate is the model's own `all` scope value: the formula is not written again."""
    for objective, view, metric in (
        ("community", "int_account_metrics", "engagement_rate"),
        ("awareness", "int_account_metrics", "share_of_voice"),
        ("traffic", "int_traffic_metrics", "bounce_rate"),
        ("leads", "int_leads_metrics", "lead_rate"),
    ):
        rate = one(
            con,
            f"select {metric} from model.{view} where level = 'all' and grain = 'month' "
            f"and period_start = '{SEPTEMBER}'",
        )
        decimals = 1 if rate >= 0.01 else 2
        assert card(section(page, objective), metric)[0] == f"{rate * 100:.{decimals}f}%", metric
    roas = one(
        con,
        "select roas from model.int_conversion_metrics where level = 'all' and grain = 'month' "
        f"and period_start = '{SEPTEMBER}'",
    )
    assert card(section(page, "conversion"), "roas")[0] == f"{roas:.2f}\u00d7"


def percent(rate: float) -> str:
    decimals = 1 if rate >= 0.01 else 2 if rate >= 0.001 else 3
    return f"{rate * 100:.{decimals}f}%"


# Rates whose numerator and denominator come from different rows when public columns are summed
# (posts without reach, link clicks or shares; GA4 and Universal Analytics web rows; ad rows without
# conversions; campaigns without leads): a card shows the model's value only if it reads its scope.
PAIRED = (
    ("community", "int_account_metrics", "engagement_rate"),
    ("community", "int_account_metrics", "amplification_rate"),
    ("traffic", "int_traffic_metrics", "ctr"),
    ("traffic", "int_traffic_metrics", "bounce_rate"),
    ("conversion", "int_conversion_metrics", "conversion_rate"),
    ("leads", "int_leads_metrics", "lead_rate"),
)


# Summing the tables' columns would show 10.7%, 0.05%, 1.79x (month); 12.9%, 0.11%, 2.01x (week);
# 7.8%, 0.02%, 1.75x (day).
@pytest.mark.parametrize(
    ("grain", "start", "shown"),
    [
        ("month", SEPTEMBER, ("7.5%", "0.65%", "4.09\u00d7")),
        ("week", date(2026, 9, 21), ("8.1%", "0.92%", "4.86\u00d7")),
        ("day", date(2026, 9, 30), ("7.6%", "0.32%", "3.73\u00d7")),
    ],
)
def test_headline_rates_of_every_grain_are_the_models_all_scope(
    con: duckdb.DuckDBPyConnection, grain: str, start: date, shown: tuple[str, str, str]
) -> None:
    html = render_report(con, period=grain, lang="en", generated_at=AT)
    for objective, view, metric in PAIRED:
        rate = one(
            con,
            f"select {metric} from model.{view} where level = 'all' and grain = '{grain}' "
            f"and period_start = '{start}'",
        )
        assert card(section(html, objective), metric)[0] == percent(rate), (grain, metric)
    assert (
        card(section(html, "community"), "engagement_rate")[0],
        card(section(html, "traffic"), "ctr")[0],
        card(section(html, "conversion"), "roas")[0],
    ) == shown


def test_a_missing_value_is_na_never_zero(page: str, con: duckdb.DuckDBPyConnection) -> None:
    ad_leads = one(
        con,
        f"select sum(ad_leads) from metrics.leads_monthly where month_start = '{SEPTEMBER}'",
    )
    assert ad_leads == 0  # no ad leads in September: cost per lead is NULL, not IDR 0
    assert card(section(page, "leads"), "cost_per_lead") == ("n/a", "n/a")
    assert card(section(page, "traffic"), "website_clicks") == ("n/a", "n/a")


def test_detail_and_scorecard_rows_are_the_tables_rows(
    page: str, con: duckdb.DuckDBPyConnection
) -> None:
    awareness = section(page, "awareness")
    impressions, followers = con.execute(
        "select impressions, followers_total from metrics.awareness_monthly "
        f"where platform = 'instagram' and is_own and month_start = '{SEPTEMBER}'"
    ).fetchone() or (0, 0)
    row = re.search(r"<tr><td class=\"t\">Instagram · Wisata Nusantara</td>(.*?)</tr>", awareness)
    assert row is not None
    cells = re.findall(r"<td>(.*?)</td>", row.group(1))
    assert cells[0] == en(impressions) and cells[2] == en(followers)
    assert "Pesona Negeri" in awareness and '<span class="tag">competitor</span>' in awareness
    score = re.search(
        r"Share of voice</span></td><td class=\"t\">Instagram</td>"
        r"<td class=\"t\">September 2026</td><td>(.*?)</td><td>(.*?)</td><td>(.*?)</td>"
        r"<td><span class=\"badge status-(\w+)\">",
        awareness,
    )
    actual, target, attainment = con.execute(
        "select actual, target, attainment from metrics.scorecard "
        "where metric = 'share_of_voice' and scope = 'instagram'"
    ).fetchone() or (0, 0, 0)
    assert score is not None
    assert score.groups() == (
        f"{actual * 100:.1f}%",
        f"{target * 100:.1f}%",
        f"{attainment * 100:.0f}%",
        "at_risk",
    )


def test_insights_show_demographics_heatmap_and_content(
    page: str, con: duckdb.DuckDBPyConnection
) -> None:
    insights = section(page, "insights")
    peak = con.execute(
        "select day_of_week, hour, online_followers from metrics.insights_activity "
        "order by online_followers desc limit 1"
    ).fetchone()
    assert peak == (6, 20, 5518.5)
    assert "Peak: Sat 20:00, 5,518.5 online" in insights
    assert insights.count('<svg class="chart heatmap"') == 1
    assert insights.count('<rect x="') >= 7 * 24
    female = one(
        con,
        "select share from metrics.insights_audience where platform = 'facebook' "
        "and dimension = 'gender' and bucket = 'female' and as_of_date = '2026-09-30'",
    )
    assert f"{female * 100:.1f}% · 24,288" in insights
    assert "Content-type preference, September 2026" in insights
    best = con.execute(
        "select content_type, engagement_rate from metrics.insights_content where is_own "
        "and platform = 'instagram' and month = '2026-09-01' order by engagement_rate desc limit 1"
    ).fetchone()
    assert best is not None and best[0] == "photo"
    assert (
        'Best content type · Instagram · Wisata Nusantara</div><div class="card-value small">'
        f"Photo · {best[1] * 100:.1f}%</div>"
    ) in insights


def test_leads_show_the_campaign_funnel(page: str) -> None:
    leads = section(page, "leads")
    assert leads.count('<svg class="chart funnel"') == 6
    assert "Meta · kemerdekaan_2026" in leads
    assert "75.4% of the previous step" in leads  # sessions_step_rate of the table
    assert "IDR 26,867,466 spent, 1,154,613 impressions, 10 Aug 2026 – 24 Aug 2026" in leads


def test_indonesian_labels_and_number_format(halaman: str, con: duckdb.DuckDBPyConnection) -> None:
    assert '<html lang="id">' in halaman
    assert ">Kesadaran merek</h2>" in halaman and ">Wawasan pasar</h2>" in halaman
    assert "September 2026 dibandingkan Agustus 2026" in halaman
    assert card(section(halaman, "awareness"), "impressions")[0] == id_(1_069_566)
    assert card(section(halaman, "awareness"), "share_of_voice")[1].endswith(" poin")
    spend = one(
        con, f"select sum(spend) from metrics.conversion_monthly where month_start = '{SEPTEMBER}'"
    )
    assert card(section(halaman, "conversion"), "spend")[0] == f"IDR {id_(spend)}"
    assert card(section(halaman, "leads"), "cost_per_lead")[0] == "t/a"
    assert "Puncak: Sab 20.00, 5.518,5 aktif" in halaman
    assert "Brand awareness" in halaman  # the other language's name, small under the heading
    assert "compared with" not in halaman


def test_number_formats() -> None:
    assert fmt.number(1234.5, "en", 1) == "1,234.5"
    assert fmt.number(1234.5, "id", 1) == "1.234,5"
    assert fmt.number(-2.04, "en", 1) == "\u22122.0"
    assert fmt.money(16743968.96, "IDR", "id") == "IDR 16.743.969"
    assert fmt.money(0.456, "USD", "en") == "USD 0.46"
    assert fmt.percent(0.000263, "en") == "0.026%"
    assert fmt.change_percent(5, 0, "en") is None
    assert fmt.change_points(0.0848, 0.0843, "id") == "+0,1 poin"
    assert fmt.compact(1_260_000, "id") == "1,3 jt"
    assert fmt.compact(2.5, "en") == "2.5"
    assert fmt.count(None, "id") == "t/a"


def test_the_headline_is_the_latest_complete_period() -> None:
    assert window(date(2026, 7, 3), date(2026, 9, 30), "month").current == SEPTEMBER
    october = window(date(2026, 7, 3), date(2026, 10, 8), "month")
    assert (october.current, october.previous, october.complete) == (SEPTEMBER, AUGUST, True)
    partial = window(date(2026, 9, 3), date(2026, 9, 20), "month")
    assert (partial.current, partial.complete) == (SEPTEMBER, False)
    week = window(date(2026, 7, 3), date(2026, 9, 30), "week")  # a Wednesday
    assert (week.current, week.previous) == (date(2026, 9, 21), date(2026, 9, 14))


def test_weekly_and_daily_reports(con: duckdb.DuckDBPyConnection) -> None:
    weekly = render_report(con, period="week", lang="en", generated_at=AT)
    assert "Week of 21 Sep 2026 compared with Week of 14 Sep 2026" in weekly
    daily = render_report(con, period="day", lang="en", generated_at=AT)
    assert "30 Sep 2026 compared with 29 Sep 2026" in daily
    impressions = one(
        con,
        "select sum(impressions) from metrics.awareness_daily where is_own and date = '2026-09-30'",
    )
    assert card(section(daily, "awareness"), "impressions")[0] == en(impressions)


def test_the_page_loads_nothing_from_anywhere(page: str, halaman: str) -> None:
    for html in (page, halaman):
        assert "http:" not in html and "https:" not in html and "//" not in html
        assert not re.search(r"\bsrc\s*=|@import|url\(|<script|<link|<iframe|<img", html, re.I)
        assert set(re.findall(r'href="([^"]*)"', html)) == {f"#objective-{o}" for o in OBJECTIVES}
        assert "default-src 'none'" in html


def test_text_from_data_is_escaped(tmp_path: Path) -> None:
    payload = '<script>alert("x")</script>"><img src=x onerror=alert(1)>'
    db = tmp_path / "kunci.duckdb"
    shutil.copy(demo_database(), db)
    con = duckdb.connect(str(db))
    con.execute("update metrics.conversion_monthly set campaign_name = ?", [payload])
    con.execute("update metrics.leads_monthly set campaign = ?", [payload])
    con.execute("update metrics.funnel_campaign set campaign = ?", [payload])
    con.execute("update core.account set account_name = ? where platform = 'instagram'", [payload])
    con.close()
    html = write_report(db).read_text(encoding="utf-8")
    assert payload not in html and "<script" not in html and "<img" not in html
    escaped = "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;&#34;&gt;&lt;img src=x"
    assert html.count(escaped) > 20  # detail rows, funnel titles and tables, account names


@pytest.mark.parametrize("kind", ["blank file", "built without data"])
def test_an_empty_database_gives_no_data_panels(tmp_path: Path, kind: str) -> None:
    db = tmp_path / "kunci.duckdb"
    con = store.connect(db)
    if kind == "built without data":
        store.apply_schema(con)
        models.build_metrics(con)
    con.close()
    html = write_report(db, tmp_path / "out" / "r.html", lang="en").read_text(encoding="utf-8")
    for objective in OBJECTIVES:
        assert '<div class="nodata" role="note"><strong>No data yet</strong>' in section(
            html, objective
        )
    assert '<svg class="chart' not in html
    assert "No targets for this objective" in html


def test_same_tables_give_the_same_bytes(con: duckdb.DuckDBPyConnection, page: str) -> None:
    later = render_report(
        con, period="month", lang="en", generated_at=datetime(2027, 1, 1, tzinfo=UTC)
    )
    assert later != page
    assert GENERATED.sub("", later) == GENERATED.sub("", page)
    assert len(GENERATED.findall(page)) == 1
    # Another process with another hash seed orders nothing differently.
    script = (
        "import sys, duckdb; from flows.report import render_report; "
        "con = duckdb.connect(sys.argv[1], read_only=True); "
        "sys.stdout.write(render_report(con, period='month', lang='en'))"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    result = subprocess.run(
        [sys.executable, "-c", script, str(demo_database())],
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=True,
        cwd=REPO,
        env=env,
    )
    assert GENERATED.sub("", result.stdout) == GENERATED.sub("", page)


def test_write_report_defaults_next_to_the_database(tmp_path: Path) -> None:
    db = tmp_path / "kunci.duckdb"
    shutil.copy(demo_database(), db)
    out = write_report(db, period="week", lang="id")
    assert out == tmp_path / "report.html"
    assert out.read_text(encoding="utf-8").startswith('<!DOCTYPE html>\n<html lang="id">')
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kunci.duckdb", "report.html"]


def test_bad_requests_are_one_line_errors(tmp_path: Path, con: duckdb.DuckDBPyConnection) -> None:
    with pytest.raises(InputError, match="no published database yet"):
        write_report(tmp_path / "missing.duckdb")
    with pytest.raises(InputError, match="--period 'quarter' is not one of day, week, month"):
        render_report(con, period="quarter")
    with pytest.raises(InputError, match="--lang 'fr' is not one of en, id"):
        render_report(con, lang="fr")
