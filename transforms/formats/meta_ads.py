"""Meta Ads Manager exports (Facebook, Instagram ads): English, Indonesian, Spanish, Portuguese.

One row per campaign, ad set or ad with `Reporting starts` / `Reporting ends`; with the `Day`
breakdown (`Hari`, `Día`, `Dia`) every row is one date (`core.ad_daily`), and so is a range of one
day. Otherwise the row aggregates its range (`core.ad_period`). The spend header names the
currency: `Amount spent (INR)`, `Jumlah yang dibelanjakan (IDR)`, `Importe gastado (COP)`,
`Valor usado (BRL)`.

Numbers: Ads Manager writes them unlocalised (`25515.87302`, no grouping) whatever the interface
language (a real Indonesian header row, INDONESIAN_UI.md E1), but a file that went through a
spreadsheet of that locale has `1.250.000,00`. So the convention is read from the file's own
measure cells (see `_number_locale`), not from the header language: a cell only one convention
can write (`1474.71`, `42,90`, `1.234.567`) decides; when none does, the header language's own.
Spanish and Portuguese (Brazil) headers are the ones public parsers of real exports key on
(`Inicio del informe`, `Nombre de la campaña`; `Início dos relatórios`, `Nome da campanha`,
`Identificação da campanha`); they join the English aliases (the header language only picks
number conventions, which the cells decide here). The summary row Ads Manager adds on request
(no campaign, ad set or ad; spend = the other rows' total) is skipped and noted, never summed.

Mapping (see `ads` for account, ids, currency and dates): spend = Amount spent; impressions,
reach; clicks = Clicks (all); link_clicks = Link clicks; video_views = 3-second video plays
(`Video plays at 100%` are completions, not views, and are not stored); leads = Leads;
conversions = Purchases; conversion_value = Purchases conversion value; result_type = Result type.
`Results` count whatever the row's result type is, so they feed a canonical column only by type,
and only where the export lacks that column: lead types (`Leads`, `On-Facebook leads`,
`Website leads`, `Prospek`, form submissions such as `form_submit`) → leads; purchase, conversion
and app-install types → conversions; `Link clicks` → link_clicks. Results of other types
(`Messaging conversations started`, `Reach`, ...) stay in `results` with their `result_type`
only. Rates and costs per result (CTR, CPC, cost per result, frequency) are
derived by the metric layer and not stored; link clicks are not recovered as spend / CPC because
both are rounded, so the quotient is an estimate, not a count.
"""

from dataclasses import replace

import polars as pl

from transforms.canonical.typed import DECIMAL, date_field, parse_fields
from transforms.context import IngestContext, Normalized, ParsedInput
from transforms.format_spec import FormatSpec
from transforms.formats.ads import (
    MEASURES,
    finish,
    refuse_breakdowns,
    skip_summaries,
    with_currencies,
)
from transforms.values.numbers import Locale

_LEAD = r"lead|prospek|form[ _]?submi|formulir|clientes potenciales"
_CONVERSION = (
    r"purchase|pembelian|conversion|konversi|install|pemasangan"
    r"|compra|conversi[oó]n|convers[aã]o|convers[oõ]es|instala"
)
_LINK_CLICKS = r"^(link clicks|klik tautan|clics en el enlace|cliques no link)$"
_DATE = date_field("%Y-%m-%d", "%Y/%m/%d")


def _from_results(frame: pl.DataFrame) -> pl.DataFrame:
    """Feed leads, conversions or link clicks from `Results` by result type (see the docstring)."""
    if not {"results", "result_type"} <= set(frame.columns):
        return frame
    kind = pl.col("result_type").str.to_lowercase()
    lead = kind.str.contains(_LEAD)
    by_type = {
        "leads": (lead, pl.Float64),
        "conversions": (~lead & kind.str.contains(_CONVERSION), pl.Float64),
        "link_clicks": (kind.str.contains(_LINK_CLICKS), pl.Int64),
    }
    derived = frame.select(
        [
            pl.when(matches).then(pl.col("results").cast(dtype)).alias(name)
            for name, (matches, dtype) in by_type.items()
            if name not in frame.columns
        ]
    )
    # A column no row's result type feeds is not provided by this export: leave it out.
    return frame.hstack([column for column in derived if column.null_count() < column.len()])


_NUMERIC_FIELDS = (*MEASURES, "results")
_UNLOCALISED = r"^-?\d+\.(\d{1,2}|\d{4,})$|^-?\d{1,3}(,\d{3})+\.\d+$|^-?\d{1,3}(,\d{3}){2,}$"
"""Only `.`-decimal numbers write these: `1474.71`, `25515.87302`, `1,234.5`, `1,234,567`."""
_LOCALISED = r"^-?\d+,(\d{1,2}|\d{4,})$|^-?\d{1,3}(\.\d{3})+,\d+$|^-?\d{1,3}(\.\d{3}){2,}$"
"""Only `,`-decimal numbers write these: `42,90`, `1.250.000,00`, `1.234.567`. A lone `1.234` or
`1,234` is either, so it decides nothing."""


def _number_locale(parsed: ParsedInput) -> Locale:
    """The number convention of this file's measure cells (see the module docstring)."""
    fields = [name for name in _NUMERIC_FIELDS if name in parsed.frame.columns]
    if not fields:
        return parsed.locale
    cells = parsed.frame.select(
        pl.concat_list([pl.col(name).str.strip_chars() for name in fields]).alias("cell")
    ).explode("cell")["cell"]
    localised = bool(cells.str.contains(_LOCALISED).any())
    unlocalised = bool(cells.str.contains(_UNLOCALISED).any())
    if localised == unlocalised:
        return parsed.locale
    return "id" if localised else "en"


_IDENTITY = ("campaign_id", "campaign_name", "ad_set_id", "ad_set_name", "ad_id", "ad_name")
_SUMMARY_ROW_NOTE = (
    "1 summary row skipped (Ads Manager's 'Include summary row': no campaign, ad set or ad, "
    "the total of the other rows)"
)


def _skip_summary_row(frame: pl.DataFrame) -> tuple[pl.DataFrame, int]:
    """Skip the one row naming no campaign, ad set or ad whose spend totals the other rows'.

    Ads Manager writes it first (or last) when the summary row is included; summing it would
    double the spend. A nameless row that is not such a total stays, and is quarantined later
    for its missing names.
    """
    names = [name for name in _IDENTITY if name in frame.columns]
    if not names or "spend" not in frame.columns:
        return frame, 0
    nameless = pl.all_horizontal(
        [pl.col(name).fill_null("").str.strip_chars() == "" for name in names]
    )
    mask = frame.select(nameless).to_series()
    if mask.sum() != 1 or frame.height < 2:
        return frame, 0
    total = frame.filter(mask)["spend"][0]
    rest = frame.filter(~mask)["spend"].sum()
    if total is None or abs(total - rest) > 0.01 * frame.height:
        return frame, 0
    return frame.filter(~mask), 1


def normalize_ads(parsed: ParsedInput, ctx: IngestContext) -> Normalized:
    """Map Ads Manager rows to daily or reporting-range ad facts."""
    refuse_breakdowns(parsed)
    parsed = replace(parsed, locale=_number_locale(parsed))
    frame = parse_fields(
        parsed,
        {
            **MEASURES,
            "results": DECIMAL,
            "date": _DATE,
            "date_start": _DATE,
            "date_end": _DATE,
        },
    )
    frame, summaries = skip_summaries(frame)
    frame, summary_row = _skip_summary_row(frame)
    return finish(
        parsed,
        ctx,
        _from_results(frame),
        format_name="meta_ads_manager",
        platform="meta",
        missing_dates=f"no date: '{parsed.headers['date_start']}' or "
        f"'{parsed.headers['date_end']}' is empty",
        skipped=summaries + summary_row,
        notes=(_SUMMARY_ROW_NOTE,) if summary_row else (),
    )


_SPANISH: dict[str, tuple[str, ...]] = {
    "campaign_id": ("Identificador de la campaña",),
    "campaign_name": ("Nombre de la campaña",),
    "ad_set_name": ("Nombre del conjunto de anuncios",),
    "ad_name": ("Nombre del anuncio",),
    "results": ("Resultados",),
    "currency": ("Divisa",),
    "date": ("Día",),
    "date_start": ("Inicio del informe",),
    "date_end": ("Fin del informe",),
    "spend": with_currencies("Importe gastado"),
    "impressions": ("Impresiones",),
    "reach": ("Alcance",),
    "clicks": ("Clics (todos)",),
    "link_clicks": ("Clics en el enlace",),
    "conversions": ("Compras",),
    "breakdown": ("Edad", "Sexo", "Plataforma", "Ubicación", "País", "Región"),
}
"""Spanish interface (Latin America: `Importe gastado (COP)`, `(PEN)`, `(USD)`)."""

_PORTUGUESE: dict[str, tuple[str, ...]] = {
    "campaign_id": ("Identificação da campanha",),
    "campaign_name": ("Nome da campanha",),
    "ad_set_id": ("Identificação do conjunto de anúncios",),
    "ad_set_name": ("Nome do conjunto de anúncios",),
    "ad_name": ("Nome do anúncio",),
    "result_type": ("Tipo de resultado",),
    "results": ("Resultados",),
    "currency": ("Moeda",),
    "date": ("Dia",),
    "date_start": ("Início dos relatórios",),
    "date_end": ("Término dos relatórios", "Encerramento dos relatórios"),
    "spend": with_currencies("Valor usado"),
    "impressions": ("Impressões",),
    "reach": ("Alcance",),
    "clicks": ("Cliques (todos)",),
    "link_clicks": ("Cliques no link",),
    "conversions": ("Compras",),
    "conversion_value": ("Valor de conversão da compra",),
    "breakdown": ("Idade", "Gênero", "Plataforma", "Posicionamento", "País", "Região"),
}
"""Portuguese (Brazil) interface: `Valor usado (BRL)`."""

_ENGLISH: dict[str, tuple[str, ...]] = {
    "account_id": ("Account ID",),
    "campaign_id": ("Campaign ID",),
    "campaign_name": ("Campaign name",),
    "ad_set_id": ("Ad set ID",),
    "ad_set_name": ("Ad set name",),
    "ad_id": ("Ad ID",),
    "ad_name": ("Ad name", "Ads"),
    "objective": ("Objective",),
    "result_type": ("Result type",),
    "results": ("Results",),
    "currency": ("Currency",),
    "date": ("Day",),
    "date_start": ("Reporting starts",),
    "date_end": ("Reporting ends",),
    "spend": with_currencies("Amount spent"),
    "impressions": ("Impressions",),
    "reach": ("Reach",),
    "clicks": ("Clicks (all)",),
    "link_clicks": ("Link clicks",),
    "video_views": ("3-second video plays",),
    "leads": ("Leads",),
    "conversions": ("Purchases",),
    "conversion_value": ("Purchases conversion value", "Purchase conversion value"),
    "breakdown": (
        "Age",
        "Gender",
        "Platform",
        "Placement",
        "Device platform",
        "Impression device",
        "Region",
        "Country",
        "DMA region",
        "Time of day (ad account time zone)",
        "Time of day (viewer's time zone)",
        "Week",
        "Month",
    ),
}


def _joined(*languages: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
    """Each field's aliases in every language given, in order, without repeats."""
    names = dict.fromkeys(name for language in languages for name in language)
    return {
        name: tuple(dict.fromkeys(a for language in languages for a in language.get(name, ())))
        for name in names
    }


ADS_MANAGER = FormatSpec(
    name="meta_ads_manager",
    platform="meta",
    title="Meta Ads Manager export (campaigns, ad sets or ads, with Reporting starts/ends)",
    columns={
        "en": _joined(_ENGLISH, _SPANISH, _PORTUGUESE),
        "id": {
            "account_id": ("ID akun",),
            "campaign_id": ("ID kampanye",),
            "campaign_name": ("Nama kampanye",),
            "ad_set_id": ("ID set iklan",),
            "ad_set_name": ("Nama set iklan",),
            "ad_id": ("ID iklan",),
            "ad_name": ("Nama iklan", "Iklan"),
            "objective": ("Tujuan",),
            "result_type": ("Jenis hasil",),
            "results": ("Hasil",),
            "currency": ("Mata uang",),
            "date": ("Hari",),
            "date_start": ("Awal pelaporan",),
            "date_end": ("Akhir pelaporan",),
            "spend": with_currencies("Jumlah yang dibelanjakan"),
            "impressions": ("Impresi",),
            "reach": ("Jangkauan",),
            "clicks": ("Klik (semua)",),
            "link_clicks": ("Klik tautan",),
            "leads": ("Prospek",),
            "conversions": ("Pembelian",),
            "conversion_value": ("Nilai konversi pembelian",),
            "breakdown": (
                "Usia",
                "Jenis kelamin",
                "Platform",
                "Penempatan",
                "Wilayah",
                "Negara",
                "Minggu",
                "Bulan",
            ),
        },
    },
    required=("spend", "date_start", "date_end"),
    normalize=normalize_ads,
)
