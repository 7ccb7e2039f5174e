"""YouTube Studio exports in other interface languages, and single-metric Totals by their shape.

Headers as Studio writes them: Indonesian from E12/E13 of shared/realdata/INDONESIAN_UI.md
(`Data tabel.csv`), Portuguese (Brazil) from GianMartins/Youtube (`Dados da tabela.csv`,
`Total.csv`) and German from raphaeloe/Youtube (`Tabellendaten.csv`, `Gesamtwerte.csv`). The
numbers in each case are made up; the expected figures are worked out by hand in each test.
"""

from datetime import date

import pytest

from tests.conftest import counts, normalize_counted, reasons
from transforms.context import Account, IngestContext, Normalized
from transforms.detect import detect
from transforms.errors import InputError
from transforms.format_spec import FormatSpec
from transforms.formats import FORMATS

AS_OF = date(2026, 8, 5)
CHANNEL = Account("youtube", "UCchannel")
ID_HEADER = (
    "Konten,Judul video,Waktu publikasi video,Durasi,Penayangan,Waktu tonton (jam),Subscriber,"
    "Tayangan,Rasio klik-tayang dari tayangan (%)\n"
)


def _normalize(text: str, source_name: str = "Data tabel.csv") -> Normalized:
    ctx = IngestContext(source_name=source_name, as_of=AS_OF, account=CHANNEL)
    return normalize_counted(text.encode("utf-8"), ctx)


def _accounting(result: Normalized) -> tuple[str, int, int, int, int]:
    return (result.format, *counts(result))


def _snapshots(result: Normalized) -> list[tuple[object, ...]]:
    return (
        result.tables["post_metrics"]
        .select("post_id", "video_views", "watch_time_seconds", "impressions")
        .rows()
    )


# --- Indonesian Table data: headers, dates, and the numbers' convention decided per file ------


def test_indonesian_table_data_with_plain_numbers() -> None:
    text = ID_HEADER + (
        "Total,,,,2534,40.25,3,51000,4.1\n"
        'L8ek-kPnDV4,Satu,"Mei 12, 2024",61,1234,30.5,2,41000,4.5\n'
        "-HHGH-TTqYM,Dua,12 Agu 2024,42,1300,9.75,1,10000,3.2\n"
    )
    result = _normalize(text)

    assert _accounting(result) == ("youtube_studio_table_content", 3, 2, 0, 1)
    # `Tayangan` is impressions; views are `Penayangan`
    assert _snapshots(result) == [
        ("L8ek-kPnDV4", 1234, 30.5 * 3600, 41000),
        ("-HHGH-TTqYM", 1300, 9.75 * 3600, 10000),
    ]
    assert result.tables["post"].select("published_date").to_series().to_list() == [
        date(2024, 5, 12),
        date(2024, 8, 12),
    ]
    assert not any("numbers read" in note for note in result.notes)
    assert result.notes[-1] == (
        "not used (Kunci has no column for them): 'Subscriber', "
        "'Rasio klik-tayang dari tayangan (%)', 'Durasi'"
    )


def test_indonesian_grouped_counts_are_read_as_thousands() -> None:
    text = ID_HEADER + (
        'Total,,,,12.346.912,"1.250,5",3,"9.000","4,1"\n'
        'L8ek-kPnDV4,Satu,12 Mei 2024,61,1.234,"243,5",2,8.000,"4,5"\n'
        '-HHGH-TTqYM,Dua,1 Desember 2024,42,12.345.678,"1.007",1,1.000,"3,2"\n'
    )
    result = _normalize(text)

    assert _accounting(result) == ("youtube_studio_table_content", 3, 2, 0, 1)
    assert _snapshots(result) == [
        ("L8ek-kPnDV4", 1234, 243.5 * 3600, 8000),
        ("-HHGH-TTqYM", 12345678, 1007.0 * 3600, 1000),
    ]
    assert result.tables["post"].select("published_date").to_series().to_list() == [
        date(2024, 5, 12),
        date(2024, 12, 1),
    ]
    assert any(note.startswith("numbers read with Indonesian separators") for note in result.notes)


def test_indonesian_decimal_commas_decide_a_file_of_small_counts() -> None:
    text = ID_HEADER + 'L8ek-kPnDV4,Satu,12 Mei 2024,61,999,"12,5",2,800,"4,5"\n'
    result = _normalize(text)

    assert _snapshots(result) == [("L8ek-kPnDV4", 999, 12.5 * 3600, 800)]


def test_an_undecidable_file_is_read_as_studio_writes_numbers_and_says_so() -> None:
    text = ID_HEADER + "L8ek-kPnDV4,Satu,12 Mei 2024,61,999,243.645,2,800,4.500\n"
    result = _normalize(text)

    assert _snapshots(result) == [("L8ek-kPnDV4", 999, 243.645 * 3600, 800)]
    assert any(
        note.startswith("numbers read as Studio writes them in every interface language seen")
        for note in result.notes
    )


def test_a_file_mixing_conventions_quarantines_what_studio_would_not_write() -> None:
    text = ID_HEADER + (
        "L8ek-kPnDV4,Satu,12 Mei 2024,61,1.234,12.5,2,800,4.5\n"
        "-HHGH-TTqYM,Dua,12 Mei 2024,61,999,2.25,2,800,4.5\n"
    )
    result = _normalize(text)

    assert _accounting(result) == ("youtube_studio_table_content", 2, 1, 1, 0)
    assert reasons(result) == [(2, "column 'Penayangan': '1.234' is not a whole number")]
    assert any("the file mixes conventions" in note for note in result.notes)


def test_indonesian_chart_data_fills_post_daily() -> None:
    text = (
        "Tanggal,Konten,Judul video,Waktu publikasi video,Durasi,Penayangan\n"
        "2024-05-11,L8ek-kPnDV4,Satu,12 Mei 2024,61,0\n"
        "2024-05-12,L8ek-kPnDV4,Satu,12 Mei 2024,61,1.520\n"
        "2024-05-13,L8ek-kPnDV4,Satu,12 Mei 2024,61,\n"
    )
    result = _normalize(text, "Data diagram.csv")

    assert _accounting(result) == ("youtube_studio_chart", 3, 2, 0, 1)
    assert result.tables["post_daily"].select("date", "video_views").rows() == [
        (date(2024, 5, 12), 1520),
        (date(2024, 5, 13), None),
    ]


@pytest.mark.parametrize(
    ("text", "column", "expected"),
    [
        ("Tanggal,Penayangan\n2024-05-12,1.520\n2024-05-13,7\n", "video_views", [1520, 7]),
        ("Tanggal,Tayangan\n2024-05-12,20\n2024-05-13,\n", "impressions", [20, None]),
        (
            "Tanggal,Subscriber yang diperoleh\n2024-05-12,3\n2024-05-13,0\n",
            "followers_gained",
            [3, 0],
        ),
    ],
)
def test_indonesian_totals_fill_account_daily(
    text: str, column: str, expected: list[int | None]
) -> None:
    result = _normalize(text, "Total.csv")

    assert result.format == "youtube_studio_daily"
    daily = result.tables["account_daily"]
    assert daily.select("date").to_series().to_list() == [date(2024, 5, 12), date(2024, 5, 13)]
    assert daily.get_column(column).to_list() == expected


def test_indonesian_totals_of_new_viewers_are_recognised_and_skipped() -> None:
    result = _normalize("Tanggal,Penonton baru\n2024-05-12,3\n2024-05-13,0\n", "Total.csv")

    assert _accounting(result) == ("youtube_studio_daily", 2, 0, 0, 2)
    assert result.notes == (
        "2 rows skipped: the export's metrics ('Penonton baru') have no column in "
        "core.account_daily",
    )


# --- Portuguese (Brazil) and German: Studio writes plain numbers and English dates ------------


def test_portuguese_table_data_and_totals() -> None:
    table = (
        "Conteúdo,Título do vídeo,Horário de publicação do vídeo,Visualizações,"
        "Tempo de exibição (horas),Inscritos,Receita estimada (USD),Impressões,"
        "Taxa de cliques de impressões (%)\n"
        "Total,,,1238839,112990.6649,9112,1828.784,9564752,11.42\n"
        'MB8ilXEUvRs,Um,"Mar 25, 2023",758264,56634.0561,6426,914.456,4925189,10.04\n'
        'oB1rpOQCr0Y,Dois,"Jun 15, 2023",480575,56356.6088,2686,914.328,4639563,7.1\n'
    )
    result = _normalize(table, "Dados da tabela.csv")

    assert _accounting(result) == ("youtube_studio_table_content", 3, 2, 0, 1)
    assert _snapshots(result) == [
        ("MB8ilXEUvRs", 758264, 56634.0561 * 3600, 4925189),
        ("oB1rpOQCr0Y", 480575, 56356.6088 * 3600, 4639563),
    ]
    totals = _normalize("Data,Visualizações\n2023-01-01,116\n2023-01-02,11\n", "Total.csv")
    assert totals.tables["account_daily"].get_column("video_views").to_list() == [116, 11]


def test_german_table_data_with_its_gesamt_row() -> None:
    text = (
        "Video,Videotitel,Veröffentlichungszeitpunkt des Videos,Aufrufe,"
        "Wiedergabezeit (Stunden),Abonnenten,Impressionen,Klickrate der Impressionen (%)\n"
        "Gesamt,,,101756,2080.3925,222,927150,6.27\n"
        '50KfgObDrEI,Eins,"Aug 19, 2011",91116,1949.0412,204,867597,6.74\n'
        'o_djbjZV7BU,Zwei,"Apr 6, 2011",10640,131.3513,18,59553,11.09\n'
    )
    result = _normalize(text, "Tabellendaten.csv")

    assert _accounting(result) == ("youtube_studio_table_content", 3, 2, 0, 1)
    assert _snapshots(result) == [
        ("50KfgObDrEI", 91116, 1949.0412 * 3600, 867597),
        ("o_djbjZV7BU", 10640, 131.3513 * 3600, 59553),
    ]
    totals = _normalize("Datum,Aufrufe\n2020-01-01,1607\n2020-01-02,1773\n", "Gesamtwerte.csv")
    assert totals.tables["account_daily"].get_column("video_views").to_list() == [1607, 1773]


# --- Totals of one metric other platforms also have: recognised by the exact shape ------------


def test_totals_of_impressions_alone_fill_account_daily() -> None:
    result = _normalize("Date,Impressions\n2026-04-07,120\n2026-04-08,\n", "Totals.csv")

    assert _accounting(result) == ("youtube_studio_daily", 2, 2, 0, 0)
    assert result.tables["account_daily"].select("date", "impressions").rows() == [
        (date(2026, 4, 7), 120),
        (date(2026, 4, 8), None),
    ]


@pytest.mark.parametrize("metric", ["New viewers", "Returning viewers", "Likes", "Shares"])
def test_totals_of_one_shared_unstored_metric_are_skipped_as_youtube(metric: str) -> None:
    result = _normalize(f"Date,{metric}\n2026-04-07,5\n2026-04-08,0\n", "Totals.csv")

    assert _accounting(result) == ("youtube_studio_daily", 2, 0, 0, 2)
    assert result.notes == (
        f"2 rows skipped: the export's metrics ('{metric}') have no column in core.account_daily",
    )


def test_chart_data_of_new_viewers_is_skipped_as_youtube() -> None:
    text = (
        "Date,Content,Video title,Video publish time,Duration,New viewers\n"
        '2026-04-07,L8ek-kPnDV4,One,"Apr 1, 2026",42,5\n'
    )
    result = _normalize(text, "Chart data.csv")

    assert _accounting(result) == ("youtube_studio_chart", 1, 0, 0, 1)
    assert "'New viewers'" in result.notes[0]


@pytest.mark.parametrize(
    "header",
    [
        ["Date", "Total Viewers", "New Viewers", "Returning Viewers"],  # TikTok Studio Viewers
        ["Date", "Impressions", "Likes", "Engagements"],  # an X overview missing columns
        ["Date", "New viewers", "Likes"],
    ],
)
def test_a_wider_export_of_the_shared_metrics_is_not_taken_for_studio(header: list[str]) -> None:
    studio = [spec for spec in FORMATS if spec.platform == "youtube"]

    with pytest.raises(InputError, match=r"^unknown format: "):
        detect([header], studio)


def test_a_wider_export_of_the_shared_metrics_is_refused_when_nothing_else_reads_it() -> None:
    with pytest.raises(InputError, match=r"^unknown format: "):
        _normalize("Date,New viewers,Likes\n2026-04-07,5,1\n", "Totals.csv")


def test_max_columns_counts_only_named_header_cells() -> None:
    spec = FormatSpec(
        name="pair",
        platform="test",
        title="Date and one value",
        columns={"en": {"date": ("Date",), "value": ("Value",)}},
        required=("date", "value"),
        normalize=lambda parsed, ctx: pytest.fail("not called"),
        max_columns=2,
    )

    assert detect([["Date", "Value", "", " "]], [spec]).spec is spec
    with pytest.raises(InputError, match=r"^unknown format: no known export"):
        detect([["Date", "Value", "Other"]], [spec])
