"""Layouts met in public real exports the project had not seen (GA4, Google Ads, X, LinkedIn).

Every test builds an INLINE synthetic file in the layout of a public export (header and preamble
written exactly as the platform writes them, made-up rows); the public file each stands for is
named in the test's docstring. Expected figures are literal numbers of the inline rows.
"""

from datetime import date

import pytest

from tests.conftest import normalize_counted
from transforms.context import Account, IngestContext, Normalized
from transforms.errors import InputError

INGESTED = date(2026, 12, 7)


def _normalize(
    text: str | bytes, account: Account | None = None, period: tuple[date, date] | None = None
) -> Normalized:
    data = text.encode() if isinstance(text, str) else text
    ctx = IngestContext(
        source_name="export.csv",
        as_of=date(2026, 12, 6),
        account=account,
        period=period,
        ingested_on=INGESTED,
    )
    return normalize_counted(data, ctx)


WEB = Account("web", "properties/1")

# --- GA4 in Spanish -----------------------------------------------------------------------------

_ES_PREAMBLE = (
    "# ----------------------------------------\n"
    "# Exportar informe en formato CSV\n"
    "# Cuenta: cuenta\n"
    "# Propiedad: EjemploGen\n"
    "# ----------------------------------------\n"
    "#  \n"
    "# Fecha de inicio: 20230424\n"
    "# Fecha de finalización: 20230521\n"
)


def test_ga4_spanish_reports_snapshot_is_recognised_and_skipped() -> None:
    """williamm6891/Actividad_1 data-export.csv: a Spanish Reports snapshot (`Día N,Usuarios`)."""
    text = (
        _ES_PREAMBLE + "Día N,Usuarios\n0000,0\n0001,16\n0002,1\n\n"
        "# Fecha de inicio: 20230424\n# Fecha de finalización: 20230521\n"
        "Grupo de canales predeterminado de la sesión,Sesiones\nDirect,27\nOrganic Search,1\n"
    )
    result = _normalize(text, WEB)
    assert (result.format, result.rows_read, result.rows_skipped) == ("ga4_report", 5, 5)
    assert "by 'Día N' states no session source" in result.notes[0]
    assert "'Grupo de canales predeterminado de la sesión,Sesiones'" in result.notes[1]


def test_ga4_spanish_traffic_acquisition_loads_with_the_spanish_preamble_range() -> None:
    """The Spanish names of the traffic columns; the range comes from `Fecha de inicio` lines."""
    text = (
        _ES_PREAMBLE + "Origen / medio de la sesión,Sesiones,Sesiones con interacción,"
        "Tasa de interacción,Eventos clave,Ingresos totales,Usuarios totales\n"
        "instagram.com / referral,40,25,0.625,2,0,31\n"
        "(direct) / (none),10,4,0.4,0,12.5,9\n"
    )
    result = _normalize(text)
    period = result.tables["web_traffic_period"]
    assert (result.format, result.rows_loaded) == ("ga4_traffic", 2)
    assert period.select(
        "property_id", "date_start", "date_end", "source", "platform", "sessions",
        "engaged_sessions", "conversions", "revenue", "users",
    ).rows() == [
        ("EjemploGen", date(2023, 4, 24), date(2023, 5, 21), "instagram.com", "instagram",
         40, 25, 2.0, 0.0, 31),
        ("EjemploGen", date(2023, 4, 24), date(2023, 5, 21), "(direct)", None,
         10, 4, 0.0, 12.5, 9),
    ]  # fmt: skip


def test_ga4_spanish_user_acquisition_says_first_user() -> None:
    text = _ES_PREAMBLE + "Primer grupo de canales predeterminado del usuario,Usuarios nuevos\n"
    result = _normalize(text + "Direct,16\nOrganic Search,1\n", WEB)
    assert (result.format, result.rows_skipped) == ("ga4_report", 2)
    assert "first-user dimensions attribute users" in result.notes[0]


# --- GA4 reports without a source, English ------------------------------------------------------

_EN_PREAMBLE = (
    "# ----------------------------------------\n"
    "# Report CSV Export\n"
    "# Account: Acct\n"
    "# Property: example - GA4\n"
    "# ----------------------------------------\n"
    "# \n"
    "# All Users\n"
    "# Start date: 20230708\n"
    "# End date: 20240304\n"
)


def test_ga4_report_by_date_alone_is_skipped_with_the_reason() -> None:
    """marko7bub/Bubniak_Thesis data-export.csv: `Date,Event count,Total users,…` (no source)."""
    text = (
        _EN_PREAMBLE + "Date,Event count,Total users,Event count per user,"
        "Average session duration,New users,Returning users\n"
        "20231010,11338,2831,4.28,61.45,2539,309\n20231009,7555,1964,4.2,66.7,1718,218\n"
    )
    result = _normalize(text, WEB)
    assert (result.format, result.rows_read, result.rows_skipped) == ("ga4_report", 2, 2)
    assert "by 'Date' states no session source" in result.notes[0]


def test_ga4_snapshot_whose_first_card_is_engagement_time_is_skipped() -> None:
    """azheng456/GA-test data-export.csv: the first card is `Nth day,Average engagement time`."""
    text = (
        _EN_PREAMBLE + "Nth day,Average engagement time\n0000,11984.7\n0001,57603.25\n\n"
        "# Start date: 20230708\n# End date: 20240304\nNth day,Views\n0000,169\n0001,1\n"
    )
    result = _normalize(text, WEB)
    assert (result.format, result.rows_read, result.rows_skipped) == ("ga4_report", 4, 4)


def test_a_dated_table_without_the_ga4_preamble_is_not_claimed_as_ga4() -> None:
    """`Date` + `Total users` without GA4's `#` lines is no known export, said as such."""
    with pytest.raises(InputError, match=r"^a table by .Date. without the GA4 .#. preamble"):
        _normalize("Date,Total users,Event count\n20231010,5,9\n", WEB)


def test_ga4_spreadsheet_padded_preamble_and_typed_notes_under_the_table() -> None:
    """riav13/-Data-Visualization-Traffic-Acquistion-… data-export.csv: re-saved in a spreadsheet,
    every `#` line carries the header's width of empty cells, and lines typed under the table
    hold no metric: the range is still read, and those lines are quarantined, not loaded."""
    pad = ",,,"
    text = (
        "\n".join(
            line + pad
            for line in (
                "# ----------------------------------------",
                "# Report CSV Export",
                "# Property: Site - GA4",
                "# ----------------------------------------",
                "# Start date: 20230625",
                "# End date: 20230702",
            )
        )
        + "\nSession default channel group,Users,Sessions,Engaged sessions\n"
        "Organic Search,309,482,323\nOrganic Social,17,25,15\n"
        + pad
        + "\nEngagement rates compare ,,,\n6/25-7/2,,,\n"
    )
    result = _normalize(text, WEB)
    period = result.tables["web_traffic_period"]
    assert (result.rows_read, result.rows_loaded, result.rows_quarantined) == (5, 2, 2)
    assert period.select("date_start", "date_end", "medium", "sessions").rows() == [
        (date(2023, 6, 25), date(2023, 7, 2), "Organic Search", 482),
        (date(2023, 6, 25), date(2023, 7, 2), "Organic Social", 25),
    ]
    assert set(result.quarantine["reason"]) == {"no metric values: not a row of the GA4 table"}


# --- X legacy exports in Japanese ---------------------------------------------------------------


def _snowflake(when: str) -> str:
    """A tweet id created at `when` (UTC), as Twitter's ids encode their creation instant."""
    from datetime import UTC, datetime

    instant = datetime.strptime(when, "%Y-%m-%d %H:%M").replace(tzinfo=UTC)
    return str((int(instant.timestamp() * 1000) - 1288834974657) << 22)


_JA_TWEET_HEADER = (
    '"ツイートID","ツイートの固定リンク","ツイート本文","時間","インプレッション","エンゲージメント",'
    '"エンゲージメント率","リツイート","返信","いいね","ユーザープロフィールクリック","URLクリック数",'
    '"ハッシュタグクリック","詳細クリック","固定リンクのクリック数","アプリ表示","アプリインストール",'
    '"フォローしている","ツイートをメール送信","ダイアル式電話","メディアの再生数",'
    '"メディアのエンゲージメント数","プロモのインプレッション","プロモのエンゲージメント",'
    '"プロモのエンゲージメント率","プロモのリツイート","プロモの返信","プロモのいいね",'
    '"プロモのユーザープロフィールクリック","プロモのURLクリック数","プロモのハッシュタグクリック",'
    '"プロモの詳細クリック","プロモの固定リンクのクリック数","プロモのアプリ表示",'
    '"プロモのアプリインストール","プロモのフォローしている","プロモのツイートをメール送信",'
    '"プロモのダイアル式電話","プロモのメディアの再生数","プロモのメディアのエンゲージメント数"\n'
)


def test_x_legacy_tweet_activity_in_japanese() -> None:
    """`tweet_activity_metrics_<handle>_<start>_<end>_ja.csv`: Japanese headers, `プロモの…`."""
    first, second = _snowflake("2020-01-07 03:00"), _snowflake("2020-01-08 12:30")
    organic = '"100","7","0.07","1","2","3","1","0","0","1","0","0","0","0","0","0","0","0"'
    dashes = ",".join(['"-"'] * 18)
    text = (
        _JA_TWEET_HEADER
        + f'"{first}","https://twitter.com/acct/status/{first}","こんにちは",'
        + '"2020-01-07 03:00 +0000",'
        + organic
        + ","
        + dashes
        + "\n"
        + f'"{second}","https://twitter.com/acct/status/{second}","宣伝",'
        + '"2020-01-08 12:30 +0000",'
        + organic
        + ',"50","4","0.08","0","0","2","0","1","0","0","0","0","0","0","0","0","0","0"\n'
    )
    result = _normalize(text, Account("x", "acct", handle="acct"))
    metrics = result.tables["post_metrics"].sort("post_id")
    assert (result.format, result.rows_loaded) == ("x_tweet_activity", 2)
    by_id = {row["post_id"]: row for row in metrics.iter_rows(named=True)}
    assert (by_id[first]["impressions"], by_id[first]["reactions"]) == (100, 3)
    assert (by_id[second]["impressions"], by_id[second]["reactions"]) == (150, 5)
    assert (by_id[second]["link_clicks"], by_id[second]["shares"]) == (1, 1)
    posts = result.tables["post"]
    assert set(posts["published_date"].to_list()) == {date(2020, 1, 7), date(2020, 1, 8)}


def test_x_legacy_daily_activity_in_japanese_keeps_tweets_published_in_english() -> None:
    """`daily_tweet_activity_metrics_…_ja.csv`: `日付` beside the English `Tweets published`."""
    header = (
        '"日付","Tweets published","インプレッション","エンゲージメント","エンゲージメント率",'
        '"リツイート","返信","いいね","ユーザープロフィールクリック","URLクリック数",'
        '"ハッシュタグクリック","詳細クリック","固定リンクのクリック数","アプリ表示",'
        '"アプリインストール","フォローしている","ツイートをメール送信","ダイアル式電話",'
        '"メディアの再生数","メディアのエンゲージメント数","プロモのインプレッション"\n'
    )
    rows = (
        '"2020-01-07","2","300","12","0.04","1","2","5","3","1","0","0","0","0","0","2","0","0",'
        '"0","0","-"\n'
        '"2020-01-08","0","80","1","0.0125","0","0","1","0","0","0","0","0","0","0","0","0","0",'
        '"0","0","20"\n'
    )
    result = _normalize(header + rows, Account("x", "acct"))
    daily = result.tables["account_daily"].sort("date")
    assert (result.format, result.rows_loaded) == ("x_daily_tweet_activity", 2)
    assert daily.select("date", "posts_published", "impressions", "followers_gained").rows() == [
        (date(2020, 1, 7), 2, 300, 2),
        (date(2020, 1, 8), 0, 100, 0),
    ]


def test_ga4_any_other_table_under_the_preamble_is_skipped_with_the_reason() -> None:
    """harshhala-ranii/DataAnalytics data-export.csv (tech cards: `Platform,Users`, ...) and
    rustom/website-analytics data-export.csv (a blank line, then `City,Users`)."""
    text = (
        _EN_PREAMBLE + '\nPlatform,Users\n"[""Web""]",451\n\n#  \n# Start date: 20231015\n'
        "# End date: 20231111\nOperating system,Users\nAndroid,298\niOS,111\n"
    )
    result = _normalize(text, WEB)
    assert (result.format, result.rows_read, result.rows_skipped) == ("ga4_report", 3, 3)
    assert "by 'Platform' states no session source" in result.notes[0]
    assert "'Operating system,Users'" in result.notes[1]


def test_ga4_other_table_without_the_preamble_is_not_claimed() -> None:
    """The catch-all is tried only under GA4's `#` lines: elsewhere `Platform,Users` is unknown."""
    with pytest.raises(InputError, match=r"^unknown format"):
        _normalize("Platform,Users\nWeb,451\n", WEB)


def test_ga4_hourly_rows_by_date_and_hour_are_summed_into_days() -> None:
    """chirayu32/Website-Analysis data-export.csv: `Date + hour (YYYYMMDDHH)` (`2024041623`)."""
    text = (
        "# ----------------------------------------,,,\n"
        "Session primary channel group (Default channel group),Date + hour (YYYYMMDDHH),Users,"
        "Sessions,Engaged sessions\n"
        "Direct,2024041623,237,300,144\nOrganic Social,2024041719,208,267,132\n"
        "Direct,2024041622,158,192,94\n"
    )
    result = _normalize(text, WEB)
    daily = result.tables["web_traffic_daily"].sort("date", "medium")
    assert (result.format, result.rows_loaded) == ("ga4_traffic", 3)
    assert daily.select("date", "medium", "sessions", "engaged_sessions", "users").rows() == [
        (date(2024, 4, 16), "Direct", 492, 238, None),
        (date(2024, 4, 17), "Organic Social", 267, 132, None),
    ]


# --- Social listening: Meltwater -----------------------------------------------------------------

_MELTWATER_HEADER = str.split(
    "Date,Headline,URL,Opening Text,Hit Sentence,Source,Influencer,Country,Subregion,Language,"
    "Reach,Desktop Reach,Mobile Reach,Twitter Social Echo,Facebook Social Echo,Reddit Social Echo,"
    "National Viewership,Engagement,AVE,Sentiment,Key Phrases,Input Name,Keywords,"
    "Twitter Authority,Tweet Id,Twitter Id,Twitter Client,Twitter Screen Name,User Profile Url,"
    "Twitter Bio,Twitter Followers,Twitter Following,Alternate Date Format,Time,State,City,"
    "Document Tags",
    ",",
)


def test_meltwater_reach_is_the_audience_of_news_and_tweets_alike() -> None:
    """Meltwater's header as public readers of its exports list it (UTF-16 TSV download):
    `Reach` is filled for every source, `Twitter Followers` for tweets only."""
    tweet = dict.fromkeys(_MELTWATER_HEADER, "") | {
        "Date": "30-Sep-2026 08:00PM",
        "URL": "https://twitter.com/a/status/1",
        "Hit Sentence": "Brand X is great",
        "Source": "Twitter",
        "Influencer": "@a",
        "Reach": "1200",
        "Sentiment": "Positive",
        "Input Name": "Brand X",
        "Twitter Followers": "1200",
    }
    news = dict.fromkeys(_MELTWATER_HEADER, "") | {
        "Date": "01-Oct-2026 09:15AM",
        "URL": "https://news.example/x",
        "Hit Sentence": "Brand X launched",
        "Source": "News",
        "Influencer": "Reporter",
        "Reach": "50000",
        "Sentiment": "Neutral",
        "Input Name": "Brand X",
    }
    lines = ["\t".join(_MELTWATER_HEADER)] + [
        "\t".join(row[name] for name in _MELTWATER_HEADER) for row in (tweet, news)
    ]
    data = b"\xff\xfe" + ("\n".join(lines) + "\n").encode("utf-16-le")
    result = _normalize(data)
    mentions = result.tables["mention"].sort("date")
    assert (result.format, result.rows_loaded) == ("listening_mentions", 2)
    assert mentions.select("date", "author", "author_followers", "sentiment").rows() == [
        (date(2026, 9, 30), "@a", 1200, "positive"),
        (date(2026, 10, 1), "Reporter", 50000, "neutral"),
    ]


def test_ga4_indonesian_traffic_reads_numbers_as_ga4_writes_them() -> None:
    """GA4 writes plain numbers in every interface language (`25.75` in the Spanish snapshot):
    an Indonesian export's revenue `12.5` is twelve and a half, never quarantined or misread."""
    text = (
        "# ----------------------------------------\n# Akuisisi traffic\n# Properti: situs\n"
        "# ----------------------------------------\n# Start date: 20260901\n"
        "# End date: 20260930\n"
        "Sumber / media sesi,Sesi,Sesi dengan interaksi,Peristiwa utama,Total pendapatan\n"
        "instagram.com / referral,1200,800,2.5,12.5\n"
    )
    result = _normalize(text, WEB)
    period = result.tables["web_traffic_period"]
    assert (result.rows_loaded, result.rows_quarantined) == (1, 0)
    assert period.select(
        "platform", "sessions", "engaged_sessions", "conversions", "revenue"
    ).rows() == [("instagram", 1200, 800, 2.5, 12.5)]


# --- X content export -----------------------------------------------------------------------------


def test_x_content_snapshot_date_from_a_compact_file_name() -> None:
    """ds1/post-pilot tests/account_analytics_content_20241114_20250212.csv: the late-2024
    download names its range without dashes; the counts are as of its end day."""
    text = (
        "Post id,Date,Post text,Link,Impressions,Likes,Engagements,Bookmarks,Share,New follows,"
        "Replies,Reposts,Profile visits,Detail expands,Url clicks,Hashtag clicks,Permalink clicks\n"
        '1888596657253810355,Sun Feb 09 2025,"Bargain!",'
        "https://x.com/acct/status/1888596657253810355,52,1,3,0,0,0,0,1,0,1,0,0,0\n"
    )
    ctx = IngestContext(
        source_name="account_analytics_content_20241114_20250212.csv",
        as_of=date(2026, 12, 6),
        ingested_on=INGESTED,
    )
    result = normalize_counted(text.encode(), ctx)
    metrics = result.tables["post_metrics"]
    assert metrics.select("as_of_date", "impressions", "shares").rows() == [
        (date(2025, 2, 12), 52, 1)
    ]
    assert result.tables["post"]["published_date"].to_list() == [date(2025, 2, 9)]


def test_ga4_portuguese_dashboard_download_is_skipped_with_the_reason() -> None:
    """MysticMom1125/EnzoVargas_DataScience data-export.csv: `# Relatório do painel`, empty
    cards, `# Data de início:` lines, `Caminho da página e classe da tela,Envolvimento do
    usuário,…` as the first table with rows."""
    text = (
        "# ----------------------------------------\n# Relatório do painel\n"
        "# ----------------------------------------\n# Usuários ativos\n\n\n"
        "# Engajamento diário do usuário\n# Data de início: 20200606\n"
        "# Data de término: 20200703\n"
        "Caminho da página e classe da tela,Envolvimento do usuário,Tempo médio de engajamento\n"
        "main_menu,0.74,51.7\ngame_board,0.14,18.9\n\n"
        "# Público-alvo\n# Data de início: 20200606\n# Data de término: 20200703\n"
        "ID do país,Sessões,% total\nUS,27790,1\n"
    )
    result = _normalize(text, WEB)
    assert (result.format, result.rows_read, result.rows_skipped) == ("ga4_report", 3, 3)
    assert "by 'Caminho da página e classe da tela' states no session source" in result.notes[0]


# --- Google Ads in Spanish ----------------------------------------------------------------------

_ES_GADS_HEADER = (
    "Estado de la campaña,Campaña,Presupuesto,Tipo de presupuesto,Tipo de campaña,"
    "Código de moneda,{cost},Impr.,CTR,CPC medio,Clics,Conversiones,{cost}/conv.\n"
)


def test_google_ads_spanish_comma_decimal_report() -> None:
    """A public reader of real es-PE downloads: `Informe de campaña`, the range in Spanish words,
    `Coste`, `Clics`, `Total: Cuenta`; numbers `8651,95` and `1.247`."""
    text = (
        'Informe de campaña\n"1 de julio de 2026 - 20 de septiembre de 2026"\n'
        + _ES_GADS_HEADER.format(cost="Coste")
        + 'Habilitada,Tierra,"50,00",Diario,Búsqueda,PEN,"8651,95",1.247,"10,34%","6,71",129,'
        '"12,00","721,00"\n'
        'Habilitada,Marca,"20,00",Diario,Búsqueda,PEN,"100,05",300,"5,00%","6,67",15,"0,00",'
        '"0,00"\n'
        'Total: Cuenta,,,,,PEN,"9752,00",1.547,"9,31%","6,71",144,"12,00","729,33"\n'
    )
    result = _normalize(text, Account("google", "123-456-7890"))
    period = result.tables["ad_period"].sort("spend")
    assert (result.rows_loaded, result.rows_skipped) == (2, 1)
    assert period.select(
        "date_start", "date_end", "currency", "spend", "impressions", "clicks", "conversions"
    ).rows() == [
        (date(2026, 7, 1), date(2026, 9, 20), "PEN", 100.05, 300, 15, 0.0),
        (date(2026, 7, 1), date(2026, 9, 20), "PEN", 8651.95, 1247, 129, 12.0),
    ]
    # The account total differs from the rows by 1000 of cost: said, with its Spanish label.
    assert any("'Total: Cuenta' row differs" in note for note in result.notes)


def test_google_ads_spanish_point_decimal_report() -> None:
    """The same layout from a point-decimal region (Mexico: `Costo`, `8,651.95`, `"1,247"`)."""
    text = (
        'Informe de campaña\n"1 de julio de 2026 - 20 de septiembre de 2026"\n'
        + _ES_GADS_HEADER.format(cost="Costo")
        + 'Habilitada,Tierra,50.00,Diario,Búsqueda,MXN,"8,651.95","1,247",10.34%,6.71,129,12.00,'
        "721.00\n"
    )
    result = _normalize(text, Account("google", "123-456-7890"))
    period = result.tables["ad_period"]
    assert period.select("currency", "spend", "impressions", "clicks").rows() == [
        ("MXN", 8651.95, 1247, 129)
    ]


def test_ga4_spanish_exploration_totals_line_is_skipped_not_loaded() -> None:
    """An exploration's totals line labelled in Spanish (`Total general`) is never a source."""
    text = (
        "# ----------------------------------------\n# Exploración libre\n# Propiedad: p\n"
        "# ----------------------------------------\n# 20230515-20230521\n"
        "Origen / medio de la sesión,Sesiones,Sesiones con interacción\n"
        "Total general,15,9\ninstagram.com / referral,10,6\ngoogle / organic,5,3\n"
    )
    result = _normalize(text, WEB)
    period = result.tables["web_traffic_period"]
    assert (result.rows_loaded, result.rows_skipped) == (2, 1)
    assert int(period["sessions"].sum()) == 15
