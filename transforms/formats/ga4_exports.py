"""Google Analytics 4 report and exploration CSV exports of traffic by session source / medium.

GA4 writes a `#` preamble (report name, account, property, `Start date: 20260701`, `End date: ...`)
above the header. With a `Date` column (or an exploration's `Nth day`, counted from the start date)
the rows are daily (`core.web_traffic_daily`); without one the rows aggregate the date range and go
to `core.web_traffic_period`, never split into days. The range is the preamble's; `--period` only
stands in where the file states none (else every row is quarantined, asking for `--period`).
The property is the `kunci.toml` source's web account when given, else the preamble's property name.

Mapping (decided once, see the DECISIONLOG): `Sessions`, `Engaged sessions`; conversions = `Key
events` (before 2024: `Conversions`); leads = the key-event column of the lead event, `Key events
(generate_lead)`; revenue = `Total revenue`; users = `Total users` (else `Active users` / `Users`);
pageviews = `Views`. GA4 gives no bounce count (its bounce rate is `1 - engaged / sessions`, which
the metric layer computes), so `bounces` stays NULL.

Exploration exports put a totals line under the header (`,Grand total,…`, or a row whose
dimensions are empty): such rows are skipped and counted. An exploration with more dimensions than
the table's grain (country, device) lists a source several times: those rows are summed per
source / medium / campaign, and `users`, which cannot be added up, is then NULL for the whole load.
The helpers for that are shared with the Universal Analytics exports.

Other session-scoped dimensions (decided once, see the DECISIONLOG): the default Traffic
acquisition view is by `Session primary channel group (Default Channel Group)` (before 2024
`Session default channel group`), and a report may be by `Session source platform` (`Google Ads`,
`Manual`). GA4 derives the channel group from source and medium, so such a row has no source:
source is `(not set)` and the channel group (or source platform) takes the medium's place, as GA4
names it (`Organic Social`, `Direct`; never a GA4 medium, which is lower case). A channel group
names no social platform, so platform is NULL: these sessions count in the property's totals but
in no platform's traffic metrics (noted; export by `Session source / medium` for those). Where the
report has the source too, the channel group is one more dimension, summed away.

Reports that carry no session source (`ga4_report`) are recognised and their rows skipped with the
reason, never loaded: Pages and screens (views by page), Events (counts by event name), Landing
page, first-user dimensions (User acquisition: `First user source / medium` attributes users to
their first visit's source, not the session's, so its sessions are not sessions by source), Tech,
Demographics, explorations by user or app instance, and the Reports snapshot (stacked cards of
`Nth day` series, channel groups, countries, pages, events; the cards below the first are counted
and named by `transforms.normalize`). Objectives need sessions per social platform, which none of
them states.

Interface languages (issue 14): GA4 writes plain numbers in every language, so the names of
other languages sit beside the English ones (number locale `en`). Spanish is seen in a real
Reports snapshot (`# Fecha de inicio:`, `Día N`, `Grupo de canales predeterminado de la sesión`,
`Sesiones`, `Usuarios`); Spanish `Sesiones con interacción`, German `Sitzungen mit
Interaktionen`, French `Sessions avec engagement` as public parsers of such exports write them;
Portuguese and the remaining names as GA4's UI names the dimensions and metrics. Any other table
of a file under GA4's `#` preamble (by platform, city, operating system: `ANY_REPORT`) is a GA4
report without a session source: skipped with the reason, never refused as unknown; one by
source but without `Sessions` / `Engaged sessions` is refused naming them. A report by `Date`
alone, or whose first card is by `Nth day` with any metric, is skipped likewise. Hourly rows
(`Date + hour (YYYYMMDDHH)`) are summed into their day. Preamble lines padded with empty cells
by a spreadsheet are read as their text; a row with no metric value at all (a note typed under
the table) is quarantined, never loaded as traffic.
"""

import re
from dataclasses import replace
from datetime import date, datetime

import polars as pl

from transforms.canonical.accounts import hinted_account
from transforms.canonical.platforms import platform_from_source
from transforms.canonical.schemas import WEB_TRAFFIC_DAILY, WEB_TRAFFIC_PERIOD
from transforms.canonical.typed import (
    COUNT,
    DECIMAL,
    assemble,
    conform,
    date_field,
    parse_fields,
    require,
    skip_rows,
    split_quarantine,
)
from transforms.context import RAW, IngestContext, Normalized, ParsedInput
from transforms.errors import InputError
from transforms.format_spec import FormatSpec
from transforms.formats.skipped import skip_every_row
from transforms.headers import normalize_header

NOT_SET = "(not set)"
DIMENSIONS = (
    "date",
    "nth_day",
    "source_medium",
    "source",
    "medium",
    "campaign",
    "channel_group",
    "source_platform",
    "first_user",
    "dimension",
)
MEASURES = (
    "sessions",
    "engaged_sessions",
    "bounces",
    "conversions",
    "leads",
    "revenue",
    "users",
    "pageviews",
)
# An exploration's totals line, labelled in the interface's language (only English is seen in a
# real file; the others are GA4's UI words): a source so named is never a real one.
_TOTAL_LABELS = (
    "",
    "grand total",
    "totals",
    "total",
    "total general",
    "total geral",
    "total général",
    "gesamtsumme",
    "totale complessivo",
    "total keseluruhan",
)
# GA4's own names of dimensions that are no session source (`Date` or `Country` alone would
# claim other platforms' exports).
_OTHER_DIMENSIONS = (
    "Page path and screen class",
    "Page title and screen class",
    "Page path + query string and screen class",
    "Page title and screen name",
    "Page path + query string",
    "Landing page + query string",
    "Landing page",
    "Event name",
    "App-instance ID",
    "Effective user ID",
    "Stream name",
    "Country ID",
    "Item name",
    "Nth day",
    # Spanish (a real Reports snapshot: williamm6891/Actividad_1 data-export.csv, 2023).
    "Título de página y clase de pantalla",
    "Ruta de página y clase de pantalla",
    "Página de destino",
    "Página de destino + cadena de consulta",
    "Nombre del evento",
    "ID del país",
    "Nombre del artículo",
    "Día N",
    # Portuguese, German, French (GA4's UI names; German as public parser tests write them).
    "Título da página e classe de tela",
    "Caminho da página e classe da tela",
    "Nome do evento",
    "Seitenpfad und Bildschirmklasse",
    "Seitentitel und Bildschirmklasse",
    "Landingpage + Abfragestring",
    "Landingpage",
    "Ereignisname",
    "Chemin de la page et classe de l'écran",
    "Titre de la page et classe de l'écran",
    "Page de destination",
    "Nom de l'événement",
)
_FIRST_USER_DIMENSIONS = (
    "First user primary channel group (Default Channel Group)",
    "First user default channel group",
    "First user source / medium",
    "First user source",
    "First user medium",
    "First user campaign",
    "First user source platform",
    "First user primary channel group",
    # Spanish, as the real snapshot writes it; the others as GA4's UI names them.
    "Primer grupo de canales predeterminado del usuario",
    "Primer grupo de canales principal del usuario (grupo de canales predeterminado)",
    "Origen / medio del primer usuario",
    "Primeiro grupo de canais padrão do usuário",
    "Origem / mídia do primeiro usuário",
    "Erste Nutzerquelle / erstes Nutzermedium",
    "Source / support du premier utilisateur",
)
_RANGE_LINE = re.compile(r"^#\s*(\d{8})\s*-\s*(\d{8})\s*$")  # Universal Analytics: `# 20190101-…`


def _line(record: tuple[str, ...]) -> str:
    """A preamble record as its line, without the empty cells a spreadsheet pads it with.

    Re-saved in a spreadsheet, every `#` line gets the header's width of empty cells
    (`# Start date: 20230625,,,,,,,,,,`, riav13/-Data-Visualization-Traffic-Acquistion-… 2023).
    """
    cells = list(record)
    while cells and not cells[-1].strip():
        cells.pop()
    return ",".join(cells).strip()


def preamble_value(parsed: ParsedInput, label: str) -> str | None:
    """The value of a `# Label: value` preamble line, if the export has one."""
    pattern = re.compile(rf"^#\s*{label}\s*:\s*(.+)$", re.IGNORECASE)
    for record in parsed.preamble:
        match = pattern.match(_line(record))
        if match:
            return match.group(1).strip()
    return None


def _range_line(parsed: ParsedInput) -> tuple[str, str] | None:
    for record in parsed.preamble:
        match = _RANGE_LINE.match(_line(record))
        if match:
            return match.group(1), match.group(2)
    return None


# The preamble's labels in each interface language GA4 writes them in: English; Spanish as a real
# export writes them (`# Fecha de inicio: 20230424`, `# Fecha de finalización: …`, `# Propiedad:`,
# williamm6891/Actividad_1 data-export.csv); French as public parser tests write them (`# Date de
# début : 20260701`); Portuguese as a real dashboard download writes them (`# Data de início:`,
# `# Data de término:`, MysticMom1125/EnzoVargas_DataScience data-export.csv); German as GA4's UI
# names the fields.
_START_LABELS = ("Start date", "Fecha de inicio", "Date de début", "Data de início", "Startdatum")
_END_LABELS = ("End date", "Fecha de finalización", "Date de fin", "Data de término", "Enddatum")
_PROPERTY_LABELS = ("Property", "Propiedad", "Propriété", "Propriedade")


def _labelled(parsed: ParsedInput, labels: tuple[str, ...]) -> str | None:
    return next((v for label in labels if (v := preamble_value(parsed, label)) is not None), None)


def preamble_period(parsed: ParsedInput) -> tuple[date, date] | None:
    """The preamble's range: GA4 `Start date`/`End date` lines, or UA's `# 20190101-20190131`."""
    start = _labelled(parsed, _START_LABELS)
    end = _labelled(parsed, _END_LABELS)
    if start is None or end is None:
        start, end = _range_line(parsed) or (None, None)
    if start is None or end is None:
        return None
    try:
        return (
            datetime.strptime(start, "%Y%m%d").date(),
            datetime.strptime(end, "%Y%m%d").date(),
        )
    except ValueError as exc:
        raise InputError(f"the export's preamble has an unreadable date range: {exc}") from None


def property_id(parsed: ParsedInput, ctx: IngestContext, product: str) -> str:
    """The web property: the source's `web:` account, else the preamble's `# Property:` line."""
    if ctx.account is not None and ctx.account.platform == "web":
        return ctx.account.account_id
    name = _labelled(parsed, _PROPERTY_LABELS)
    if name is None:
        try:  # the workspace's only web property (the load's notes say so)
            return hinted_account(ctx, "web").account_id
        except InputError:
            raise InputError(
                f"{product} export names no property: pass --account web:<property id>"
            ) from None
    return name


def without_totals(parsed: ParsedInput) -> tuple[ParsedInput, int]:
    """Drop total lines: every dimension cell empty or a total label (`Grand total`, `Totals`)."""
    present = [name for name in DIMENSIONS if name in parsed.frame.columns]
    if not present:
        return parsed, 0
    folded = [pl.col(name).str.strip_chars().str.to_lowercase().fill_null("") for name in present]
    frame, skipped = skip_rows(
        parsed.frame, pl.all_horizontal([cell.is_in(_TOTAL_LABELS) for cell in folded])
    )
    return replace(parsed, frame=frame), skipped


def _dimensions(frame: pl.DataFrame, absent: str) -> pl.DataFrame:
    if "source_medium" in frame.columns:
        parts = pl.col("source_medium").str.split_exact(" / ", 1)
        frame = frame.with_columns(
            parts.struct.field("field_0").alias("source"),
            parts.struct.field("field_1").alias("medium"),
        )
    return frame.with_columns(
        [
            pl.col(name).str.strip_chars().fill_null(absent).replace("", absent).alias(name)
            if name in frame.columns
            else pl.lit(absent).alias(name)
            for name in ("source", "medium", "campaign")
        ]
    )


def _period(parsed: ParsedInput, ctx: IngestContext) -> tuple[tuple[date, date] | None, str]:
    stated = preamble_period(parsed)
    if stated is not None:
        ignored = ctx.period is not None and ctx.period != stated
        return stated, (
            "date range from the export's preamble" + ("; --period ignored" if ignored else "")
        )
    if ctx.period is not None:
        return ctx.period, "date range from --period"
    return None, "the export states no date range and no --period was given"


def _sum(name: str) -> pl.Expr:
    """A sum that stays NULL when every input is NULL (a metric not provided is never 0)."""
    return pl.when(pl.col(name).is_not_null().any()).then(pl.col(name).sum()).alias(name)


def to_grain(kept: pl.DataFrame, key: list[str]) -> tuple[pl.DataFrame, str | None]:
    """Sum the rows of each natural key (a report split by page, country or device).

    Users are not additive (one user visits several pages), so they survive only when no two rows
    share a key; otherwise they are NULL for every key and the returned note says why.
    """
    measures = [name for name in MEASURES if name in kept.columns]
    grouped = kept.group_by(key, maintain_order=True).agg(
        pl.col("platform").first(), *[_sum(name) for name in measures], pl.len().alias("_rows")
    )
    if grouped.is_empty() or grouped["_rows"].max() == 1:
        return grouped, None
    note = f"{kept.height} rows summed into {grouped.height} rows of the table's grain"
    if "users" in grouped.columns:
        grouped = grouped.with_columns(pl.lit(None, pl.Int64).alias("users"))
        note += "; users left NULL (not additive across the export's other dimensions)"
    return grouped, note


def web_traffic(
    format_name: str,
    parsed: ParsedInput,
    ctx: IngestContext,
    frame: pl.DataFrame,
    absent: str,
    skipped: int,
) -> Normalized:
    """Map typed traffic rows to daily or period web-traffic facts at the table's grain.

    `frame` has the measures parsed; `absent` is the value of a source, medium or campaign the
    export does not give; `skipped` counts the rows already skipped (totals).
    """
    product = "GA4" if format_name.startswith("ga4") else "Universal Analytics"
    frame = _dimensions(frame, absent).with_columns(
        pl.lit(property_id(parsed, ctx, product)).alias("property_id"),
        platform_from_source("source"),
    )
    period, note = _period(parsed, ctx)
    notes = [note]
    if "nth_day" in frame.columns:
        start = period[0] if period else None
        frame = require(
            frame, pl.lit(start is not None), "'Nth day' needs the start date: pass --period"
        )
        frame = frame.with_columns(
            (pl.lit(start or date.min) + pl.duration(days=pl.col("nth_day")))
            .cast(pl.Date)
            .alias("date")
        )
    if "date" in frame.columns:
        frame = require(frame, pl.col("date").is_not_null(), "no date")
        key, table = ["property_id", "date", "source", "medium", "campaign"], WEB_TRAFFIC_DAILY
        notes = notes if "nth_day" in frame.columns else []
    else:
        if period is None:
            frame = require(
                frame, pl.lit(False), "aggregate export without a date range: pass --period"
            )
        start, end = period or (date.min, date.min)
        frame = frame.with_columns(pl.lit(start).alias("date_start"), pl.lit(end).alias("date_end"))
        key = ["property_id", "date_start", "date_end", "source", "medium", "campaign"]
        table = WEB_TRAFFIC_PERIOD
    kept, quarantine = split_quarantine(frame)
    rows, summed = to_grain(kept, key)
    if skipped:
        notes.append(f"{skipped} total rows skipped")
    return assemble(
        format_name,
        "web",
        parsed,
        kept,
        quarantine,
        {table.name: conform(rows, table.columns)},
        skipped=skipped,
        notes=tuple(notes + ([summed] if summed else [])),
    )


_SESSION_GROUPS = ("channel_group", "source_platform")
_FIRST_USER_FOLDED = {name.casefold() for name in _FIRST_USER_DIMENSIONS}


def skip_report(parsed: ParsedInput, format_name: str, why: str) -> Normalized:
    """A recognised report none of whose rows Kunci can load: all rows skipped, `why` noted."""
    parsed, totals = without_totals(parsed)
    rows = parsed.frame.height
    notes = (f"{why}: {rows} rows skipped",) + ((f"{totals} total rows skipped",) if totals else ())
    return skip_every_row(format_name, "web", parsed, notes, also_skipped=totals)


def no_source_reason(parsed: ParsedInput, product: str) -> str:
    """Why a report without a session source cannot be loaded, in the report's own terms."""
    dimension = (
        parsed.headers.get("dimension")
        or parsed.headers.get("nth_day")
        or parsed.headers.get("date")
        or "its rows"
    )
    title = next(
        (
            " ".join(record).lstrip("# ").strip()
            for record in parsed.preamble[1:3]
            if record and record[0].startswith("#") and "-" * 8 not in record[0]
        ),
        "",
    )
    named = f"{product} report '{title}'" if title else f"{product} report"
    if dimension.casefold() in _FIRST_USER_FOLDED:
        return (
            f"{named} by '{dimension}': first-user dimensions attribute users to the source of "
            "their first visit, not sessions to theirs; web traffic is by session source "
            "(export Traffic acquisition by 'Session source / medium')"
        )
    return (
        f"{named} by '{dimension}' states no session source / medium, which the traffic "
        "objectives need (sessions per social platform)"
    )


def normalize_traffic(parsed: ParsedInput, ctx: IngestContext) -> Normalized:
    """Map GA4 traffic rows to daily or period web-traffic facts, with the platform derived.

    A report by channel group or source platform (no source) is loaded with the group in the
    medium's place; a report with neither, or by first-user dimensions, is skipped.
    """
    if parsed.headers.get("first_user"):
        return skip_report(parsed, "ga4_report", no_source_reason(_with_first_user(parsed), "GA4"))
    notes: tuple[str, ...] = ()
    if not {"source_medium", "source", "medium"} & parsed.headers.keys():
        group = next((name for name in _SESSION_GROUPS if name in parsed.headers), None)
        if group is None:
            return skip_report(parsed, "ga4_report", no_source_reason(parsed, "GA4"))
        parsed = replace(parsed, frame=parsed.frame.rename({group: "medium"}))
        notes = (
            f"rows by '{parsed.headers[group]}' have no session source: source is '{NOT_SET}', "
            "the group is in the medium's place, and no social platform is derived (export by "
            "'Session source / medium' for traffic per platform)",
        )
    if "date_hour" in parsed.frame.columns and "date" not in parsed.frame.columns:
        # `Date + hour (YYYYMMDDHH)`: hourly rows, summed into the day (the table's grain).
        parsed = replace(
            parsed,
            frame=parsed.frame.with_columns(pl.col("date_hour").str.slice(0, 8).alias("date")),
            headers={**parsed.headers, "date": parsed.headers["date_hour"]},
        )
    parsed, totals = without_totals(parsed)
    frame = parse_fields(
        parsed,
        {
            "date": date_field("%Y%m%d", "%Y-%m-%d"),
            "nth_day": COUNT,
            "sessions": COUNT,
            "engaged_sessions": COUNT,
            "conversions": DECIMAL,
            "leads": DECIMAL,
            "revenue": DECIMAL,
            "users": COUNT,
            "pageviews": COUNT,
        },
    )
    # GA4 writes every metric of a row (0, never blank): a row with none is no GA4 row (notes
    # typed under the table in a spreadsheet, riav13/… data-export.csv), never a traffic row.
    measures = [name for name in MEASURES if name in frame.columns]
    frame = require(
        frame,
        pl.any_horizontal(pl.col(name).is_not_null() for name in measures),
        "no metric values: not a row of the GA4 table",
    )
    result = web_traffic("ga4_traffic", parsed, ctx, frame, NOT_SET, totals)
    return replace(result, notes=result.notes + notes)


def _with_first_user(parsed: ParsedInput) -> ParsedInput:
    headers = dict(parsed.headers)
    headers.setdefault("dimension", headers["first_user"])
    return replace(parsed, headers=headers)


def normalize_report(parsed: ParsedInput, ctx: IngestContext) -> Normalized:
    """Recognise a GA4 report without a session source and skip its rows, saying why."""
    if not parsed.preamble:
        by = next(
            (parsed.headers[n] for n in ("dimension", "nth_day", "date") if n in parsed.headers), ""
        )
        raise InputError(
            f"a table by '{by}' without the GA4 '#' preamble "
            "(report name, property, start and end date): not a known export"
        )
    return skip_report(parsed, "ga4_report", no_source_reason(parsed, "GA4"))


# Indonesian names (`Sumber / media sesi`, `Sesi dengan interaksi`). GA4 writes plain numbers in
# every interface language (`25.75` in a Spanish snapshot), so they are read with the English
# number style: a decimal revenue is never taken for thousands.
_INDONESIAN_TRAFFIC: dict[str, tuple[str, ...]] = {
    "date": ("Tanggal",),
    "nth_day": ("Hari ke-n",),
    "source_medium": ("Sumber / media sesi",),
    "source": ("Sumber sesi",),
    "medium": ("Media sesi",),
    "campaign": ("Kampanye sesi",),
    "channel_group": (
        "Grup channel utama sesi (Grup Channel Default)",
        "Grup channel default sesi",
    ),
    "sessions": ("Sesi",),
    "engaged_sessions": ("Sesi dengan interaksi",),
    "conversions": ("Peristiwa utama", "Konversi"),
    "leads": ("Peristiwa utama (generate_lead)", "Konversi (generate_lead)"),
    "revenue": ("Total pendapatan",),
    "users": ("Total pengguna", "Pengguna aktif", "Pengguna"),
    "pageviews": ("Tampilan",),
}


def _with_indonesian(aliases: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
    return {name: names + _INDONESIAN_TRAFFIC.get(name, ()) for name, names in aliases.items()}


TRAFFIC = FormatSpec(
    name="ga4_traffic",
    platform="web",
    title="Google Analytics 4 traffic acquisition export (session source / medium)",
    columns={
        # Number locale `en` (GA4 writes plain numbers whatever the interface language): English,
        # then Spanish, Portuguese, German and French names of the same columns, and Indonesian.
        "en": _with_indonesian(
            {
                "date": ("Date", "Fecha", "Data", "Datum"),
                "date_hour": ("Date + hour (YYYYMMDDHH)",),
                "nth_day": ("Nth day", "Día N"),
                "source_medium": (
                    "Session source / medium",
                    "Origen / medio de la sesión",
                    "Origem / mídia da sessão",
                    "Sitzungsquelle / -medium",
                    "Source / support de la session",
                ),
                "source": (
                    "Session source",
                    "Origen de la sesión",
                    "Origem da sessão",
                    "Sitzungsquelle",
                    "Source de la session",
                ),
                "medium": (
                    "Session medium",
                    "Medio de la sesión",
                    "Mídia da sessão",
                    "Sitzungsmedium",
                    "Support de la session",
                ),
                "campaign": (
                    "Session campaign",
                    "Session campaign name",
                    "Campaña de la sesión",
                    "Campanha da sessão",
                    "Sitzungskampagne",
                    "Campagne de la session",
                ),
                "channel_group": (
                    "Session primary channel group (Default Channel Group)",
                    "Session default channel group",
                    "Session primary channel group",
                    "Session default channel grouping",
                    "Grupo de canales principal de la sesión (grupo de canales predeterminado)",
                    "Grupo de canales predeterminado de la sesión",
                    "Grupo principal de canais da sessão (Grupo de canais padrão)",
                    "Grupo padrão de canais da sessão",
                    "Sitzung – primäre Channelgruppe (Standard-Channelgruppe)",
                    "Standard-Channelgruppe der Sitzung",
                    "Groupe de canaux principal de la session (Groupe de canaux par défaut)",
                    "Groupe de canaux par défaut de la session",
                ),
                "source_platform": ("Session source platform", "Plataforma de origen de la sesión"),
                "first_user": _FIRST_USER_DIMENSIONS,
                "dimension": _OTHER_DIMENSIONS,
                "sessions": ("Sessions", "Sesiones", "Sessões", "Sitzungen"),
                "engaged_sessions": (
                    "Engaged sessions",
                    "Sesiones con interacción",
                    "Sessões engajadas",
                    "Sitzungen mit Interaktionen",
                    "Sessions avec engagement",
                ),
                "conversions": (
                    "Key events",
                    "Conversions",
                    "Eventos clave",
                    "Conversiones",
                    "Eventos principais",
                    "Conversões",
                    "Schlüsselereignisse",
                    "Événements clés",
                ),
                "leads": (
                    "Key events (generate_lead)",
                    "Conversions (generate_lead)",
                    "generate_lead",
                ),
                "revenue": (
                    "Total revenue",
                    "Ingresos totales",
                    "Total de ingresos",
                    "Receita total",
                    "Gesamtumsatz",
                    "Revenu total",
                ),
                "users": (
                    "Total users",
                    "Active users",
                    "Users",
                    "Usuarios totales",
                    "Usuarios activos",
                    "Usuarios",
                    "Total de usuários",
                    "Usuários ativos",
                    "Usuários",
                    "Nutzer insgesamt",
                    "Aktive Nutzer",
                    "Nutzer",
                    "Nombre total d'utilisateurs",
                    "Utilisateurs actifs",
                    "Utilisateurs",
                ),
                "pageviews": ("Views", "Vistas", "Visualizações", "Aufrufe", "Vues"),
            }
        ),
    },
    required=("sessions", "engaged_sessions"),
    normalize=normalize_traffic,
)

_REPORT_METRICS = (
    "Views",
    "Active users",
    "New users",
    "Total users",
    "Event count",
    "Key events",
    "Conversions",
    "Sessions",
    "Engaged sessions",
    "Users",
    "Total revenue",
    "Purchase revenue",
    "Items purchased",
    "30 days",
    # Spanish (the real snapshot), Portuguese, German, French.
    "Vistas",
    "Usuarios",
    "Usuarios activos",
    "Usuarios nuevos",
    "Usuarios totales",
    "Número de eventos",
    "Eventos clave",
    "Conversiones",
    "Sesiones",
    "Total de ingresos",
    "Ingresos totales",
    "Artículos comprados",
    "30 días",
    "Visualizações",
    "Usuários",
    "Usuários ativos",
    "Novos usuários",
    "Contagem de eventos",
    "Sessões",
    "Aufrufe",
    "Nutzer",
    "Aktive Nutzer",
    "Neue Nutzer",
    "Ereignisanzahl",
    "Sitzungen",
    "Vues",
    "Utilisateurs",
    "Utilisateurs actifs",
    "Nouveaux utilisateurs",
    "Nombre d'événements",
)
# Metric names Universal Analytics never wrote, so a GA4 report outranks the UA format.
_GA4_ONLY_METRICS = (
    "Active users",
    "Event count",
    "Key events",
    "Views per active user",
    "Average engagement time per active user",
    "Engagement rate",
    "Total users",
    "Views",
    "30 days",
    "Items purchased",
    "Usuarios activos",
    "Número de eventos",
    "Vistas",
    "30 días",
)
# A report by date alone (`Date,Event count,Total users,…`, marko7bub/Bubniak_Thesis
# data-export.csv, 2023) is known by a metric no other platform's export has: never `Views`,
# `Users` or `Engagement rate`, which YouTube, LinkedIn and X exports by date also have.
_DATED_REPORT_METRICS = (
    "Event count",
    "Total users",
    "Active users",
    "New users",
    "Key events",
    "Average engagement time",
    "Average engagement time per active user",
    "Event count per user",
    "Usuarios activos",
    "Usuarios nuevos",
    "Usuarios totales",
    "Número de eventos",
    "Eventos clave",
    "Usuários ativos",
    "Aktive Nutzer",
    "Utilisateurs actifs",
)

REPORT = FormatSpec(
    name="ga4_report",
    platform="web",
    title="Google Analytics 4 report without a session source (pages, events, landing pages, "
    "user acquisition, explorations, Reports snapshot: rows skipped)",
    columns={
        "en": {
            "dimension": (*_OTHER_DIMENSIONS[:2], *_FIRST_USER_DIMENSIONS, *_OTHER_DIMENSIONS[2:]),
            "metric": _REPORT_METRICS,
            "ga4_metric": _GA4_ONLY_METRICS,
        },
    },
    required=("dimension", "metric"),
    normalize=normalize_report,
)

DATED_REPORT = FormatSpec(
    name="ga4_report_by_date",
    platform="web",
    title="Google Analytics 4 report by date without a session source (rows skipped)",
    columns={
        "en": {
            "date": ("Date", "Fecha", "Data", "Datum"),
            "ga4_metric": _DATED_REPORT_METRICS,
            "metric": _REPORT_METRICS,
        },
    },
    required=("date", "ga4_metric"),
    normalize=normalize_report,
)

# `Nth day` is GA4's own dimension (explorations and the Reports snapshot's cards), so a table by
# it is a GA4 report whatever metric its first card shows (`Average engagement time`,
# azheng456/GA-test data-export.csv, 2023); with sessions it is traffic (`TRAFFIC` matches more).
NTH_DAY_REPORT = FormatSpec(
    name="ga4_report_by_nth_day",
    platform="web",
    title="Google Analytics 4 report by 'Nth day' without a session source (rows skipped)",
    columns={"en": {"nth_day": ("Nth day", "Día N", "Hari ke-n"), "metric": _REPORT_METRICS}},
    required=("nth_day",),
    normalize=normalize_report,
)

_ANY_METRICS = tuple(
    dict.fromkeys(
        (
            *_REPORT_METRICS,
            *_GA4_ONLY_METRICS,
            *_DATED_REPORT_METRICS,
            "Engaged sessions",
            "Sesiones con interacción",
            "Engagement rate",
            "Bounce rate",
            "Average engagement time",
            "Tiempo de interacción medio",
            "Crash-free users",
            "Average session duration",
            "User engagement",
            # Portuguese, as a real dashboard download writes them (MysticMom1125/… 2020).
            "Envolvimento do usuário",
            "Tempo médio de engajamento",
            "Usuários sem falhas",
        )
    )
)
_TRAFFIC_ALIASES = TRAFFIC.columns["en"]


def normalize_any_report(parsed: ParsedInput, ctx: IngestContext) -> Normalized:
    """Skip, saying why, a table under GA4's `#` preamble that no other GA4 format recognises.

    The preamble makes it a GA4 export (a report by platform, operating system, city, ...); a
    table with a session source but without the sessions Kunci needs is refused, naming them.
    """
    columns = parsed.frame.get_column(RAW).struct.fields
    if "source_like" in parsed.headers:
        present = {normalize_header(column) for column in columns}
        missing = [
            f"'{_TRAFFIC_ALIASES[name][0]}'"
            for name in TRAFFIC.required
            if not present & {normalize_header(alias) for alias in _TRAFFIC_ALIASES[name]}
        ]
        raise InputError(
            f"GA4 report by '{parsed.headers['source_like']}' lacks {' and '.join(missing)}: "
            "add them to the report before exporting"
        )
    headers = {"dimension": columns[0], **parsed.headers} if columns else parsed.headers
    return normalize_report(replace(parsed, headers=headers), ctx)


# Any table of a file whose `#` preamble is GA4's (tried only on such files): a report by a
# dimension no other GA4 format lists (`Platform,Users`, harshhala-ranii/DataAnalytics
# data-export.csv, 2023; `City,Users`, rustom/website-analytics data-export.csv) is GA4's all the
# same, recognised and skipped with the reason, never refused as unknown.
ANY_REPORT = FormatSpec(
    name="ga4_report_other",
    platform="web",
    title="Google Analytics 4 report by any other dimension (only under GA4's '#' preamble; "
    "rows skipped)",
    columns={
        "en": {
            "source_like": (
                *_TRAFFIC_ALIASES["source_medium"],
                *_TRAFFIC_ALIASES["source"],
                *_TRAFFIC_ALIASES["medium"],
                *_TRAFFIC_ALIASES["channel_group"],
                *_TRAFFIC_ALIASES["source_platform"],
            ),
            "metric": _ANY_METRICS,
        }
    },
    required=("metric",),
    normalize=normalize_any_report,
    needs_preamble=True,
)
