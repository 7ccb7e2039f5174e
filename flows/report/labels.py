"""English and Indonesian words of the report: objectives, metrics, platforms and the page's text.

Objective names are the contract names of DESIGN.md; metric descriptions (tooltips) come from
`metrics.catalog`, which holds them in both languages; the short metric names shown as headings are
here, in the wording of the source framework where it names the metric (angka amplifikasi, skor
jumlah komentar, jumlah perbincangan).
"""

from dataclasses import dataclass

LANGS = ("en", "id")

OBJECTIVE_NAMES = {
    "awareness": ("Brand awareness", "Kesadaran merek"),
    "traffic": ("Website traffic", "Kunjungan situs"),
    "community": (
        "Build and manage community engagement",
        "Membangun & mengelola keikutsertaan komunitas",
    ),
    "conversion": ("Conversions / sales", "Konversi / penjualan"),
    "insights": ("Consumer / market insights", "Wawasan pasar"),
    "leads": ("Prospects / leads, being first", "Prospek"),
}

METRIC_NAMES = {
    "impressions": ("Impressions", "Impresi"),
    "video_views": ("Video views", "Tayangan video"),
    "followers_total": ("Followers", "Pengikut"),
    "net_follower_growth": ("Net follower growth", "Pertumbuhan pengikut bersih"),
    "audience_growth_rate": ("Audience growth rate", "Angka perkembangan khalayak"),
    "mentions": ("Mentions", "Sebutan merek"),
    "share_of_voice": ("Share of voice", "Pangsa suara (share of voice)"),
    "link_clicks": ("Link clicks", "Klik tautan"),
    "post_impressions": ("Post impressions", "Impresi postingan"),
    "ctr": ("CTR", "CTR"),
    "sessions": ("Social sessions", "Kunjungan dari media sosial"),
    "bounce_rate": ("Bounce rate", "Bounce rate"),
    "website_clicks": ("Website clicks", "Klik situs di profil"),
    "profile_visits": ("Profile visits", "Kunjungan profil"),
    "engagements": ("Engagements", "Keikutsertaan"),
    "engagement_rate": ("Engagement rate", "Jumlah keikutsertaan (engagement rate)"),
    "amplification_rate": ("Amplification rate", "Angka amplifikasi"),
    "conversations": ("Conversations", "Jumlah perbincangan"),
    "comment_score": ("Comment score", "Skor jumlah komentar"),
    "clicks_per_post": ("Clicks per post", "Jumlah pengklik per konten"),
    "posts": ("Posts", "Postingan"),
    "spend": ("Spend", "Biaya iklan"),
    "clicks": ("Clicks", "Klik"),
    "conversions": ("Conversions", "Konversi"),
    "cpc": ("CPC", "CPC (biaya per klik)"),
    "cpm": ("CPM", "CPM (biaya per seribu tayangan)"),
    "conversion_rate": ("Conversion rate", "Tingkat konversi"),
    "cost_per_conversion": ("Cost per conversion", "Biaya per konversi"),
    "roas": ("ROAS", "ROAS"),
    "leads": ("Leads", "Prospek"),
    "ad_leads": ("Ad leads", "Prospek iklan"),
    "web_leads": ("Web leads", "Prospek situs"),
    "cost_per_lead": ("Cost per lead", "Biaya per prospek"),
    "lead_rate": ("Lead rate", "Tingkat prospek"),
    "reach": ("Reach", "Jangkauan"),
    "online_followers": ("Followers online", "Pengikut aktif"),
    "content_engagement_rate": ("Engagement rate", "Engagement rate"),
    "share_of_engagements": ("Share of engagements", "Porsi keikutsertaan"),
    "content_posts": ("Posts", "Postingan"),
    "content_engagements": ("Engagements", "Keikutsertaan"),
    "funnel_spend": ("Spend", "Biaya iklan"),
    "funnel_impressions": ("Impressions", "Impresi"),
    "funnel_reach": ("Reach", "Jangkauan"),
    "funnel_engagements": ("Engagements", "Keikutsertaan"),
    "funnel_clicks": ("Ad clicks", "Klik iklan"),
    "funnel_sessions": ("Web sessions", "Kunjungan situs"),
    "funnel_leads": ("Leads", "Prospek"),
    "funnel_conversions": ("Conversions", "Konversi"),
}

# Where one column means something narrower in one objective's table.
OBJECTIVE_METRIC_NAMES = {
    ("leads", "sessions"): ("Campaign sessions", "Kunjungan kampanye"),
    ("conversion", "clicks"): ("Ad clicks", "Klik iklan"),
    ("leads", "clicks"): ("Ad clicks", "Klik iklan"),
    ("conversion", "ctr"): ("Ad CTR", "CTR iklan"),
}

PLATFORMS = {
    "facebook": "Facebook",
    "instagram": "Instagram",
    "x": "X",
    "tiktok": "TikTok",
    "youtube": "YouTube",
    "linkedin": "LinkedIn",
    "meta": "Meta",
    "google": "Google",
    "web": "Web",
}

CONTENT_TYPES = {
    "photo": ("Photo", "Foto"),
    "video": ("Video", "Video"),
    "reel": ("Reel", "Reel"),
    "short": ("Short", "Short"),
    "story": ("Story", "Story"),
    "carousel": ("Carousel", "Carousel"),
    "text": ("Text", "Teks"),
    "link": ("Link", "Tautan"),
    "live": ("Live", "Siaran langsung"),
    "other": ("Other", "Lainnya"),
}

GENDERS = {
    "female": ("Female", "Perempuan"),
    "male": ("Male", "Laki-laki"),
    "unknown": ("Unknown", "Tidak diketahui"),
    "other": ("Other", "Lainnya"),
    "user-specified": ("User-specified", "Ditentukan pengguna"),
}

DAYS = {
    "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
    "id": ("Sen", "Sel", "Rab", "Kam", "Jum", "Sab", "Min"),
}

TEXT = {
    "title": ("Objective report", "Laporan per tujuan"),
    "subtitle": (
        "Is our social media succeeding? One section per objective.",
        "Apakah media sosial kita berhasil? Satu bagian per tujuan.",
    ),
    "comparing": ("{current} compared with {previous}", "{current} dibandingkan {previous}"),
    "partial": (
        "{current} so far (the data does not yet cover a whole period)",
        "{current} sejauh ini (data belum mencakup satu periode penuh)",
    ),
    "through": ("Data through {date}", "Data sampai {date}"),
    "grain": ("Periods: {grain}", "Periode: {grain}"),
    "grain_day": ("days", "harian"),
    "grain_week": ("ISO weeks (Monday start)", "pekan ISO (mulai Senin)"),
    "grain_month": ("calendar months", "bulan kalender"),
    "own_accounts": ("Own accounts", "Akun sendiri"),
    "contents": ("Objectives", "Tujuan"),
    "scorecard": ("Scorecard", "Kartu skor"),
    "scorecard_overview": ("Targets at a glance", "Sekilas target"),
    "no_targets": (
        "No targets for this objective: add [[targets]] to kunci.toml.",
        "Belum ada target untuk tujuan ini: tambahkan [[targets]] di kunci.toml.",
    ),
    "met": ("met", "tercapai"),
    "at_risk": ("at risk", "berisiko"),
    "missed": ("missed", "tidak tercapai"),
    "no_data": ("no data", "tanpa data"),
    "metric": ("Metric", "Metrik"),
    "scope": ("Scope", "Cakupan"),
    "period": ("Period", "Periode"),
    "actual": ("Actual", "Realisasi"),
    "target": ("Target", "Target"),
    "attainment": ("Attainment", "Capaian"),
    "status": ("Status", "Status"),
    "all_scope": ("All own accounts", "Semua akun sendiri"),
    "headline": ("Headline figures, all own accounts", "Angka utama, semua akun sendiri"),
    "previously": ("{value} in {period}", "{value} pada {period}"),
    "trends": ("Trends", "Tren"),
    "by_platform": ("{metric} by platform", "{metric} per platform"),
    "partial_note": (
        "The last period is incomplete (data through {date}).",
        "Periode terakhir belum lengkap (data sampai {date}).",
    ),
    "breakdown": ("Detail, {period}", "Rincian, {period}"),
    "account": ("Account", "Akun"),
    "platform": ("Platform", "Platform"),
    "campaign": ("Campaign", "Kampanye"),
    "currency": ("Currency", "Mata uang"),
    "competitor": ("competitor", "pesaing"),
    "range": ("Range", "Rentang"),
    "period_exports": (
        "Aggregated exports (whole ranges, never split into periods)",
        "Ekspor agregat (rentang utuh, tidak dipecah per periode)",
    ),
    "no_data_title": ("No data yet", "Belum ada data"),
    "no_data_period": (
        "No rows for {period} in this objective's tables.",
        "Tidak ada baris untuk {period} di tabel tujuan ini.",
    ),
    "demographics": ("Audience demographics", "Demografi khalayak"),
    "gender": ("Gender", "Gender"),
    "age": ("Age", "Usia"),
    "country": ("Country (top {n})", "Negara ({n} teratas)"),
    "as_of": ("{measure}, as of {date}", "{measure}, per {date}"),
    "measure_followers": ("followers", "pengikut"),
    "measure_views": ("viewers", "penonton"),
    "measure_reach": ("people reached", "orang terjangkau"),
    "measure_visitors": ("visitors", "pengunjung"),
    "access_time": ("Access time: followers online", "Waktu akses: pengikut aktif"),
    "heatmap_note": (
        "Average followers online by weekday and hour (account's timezone); darker is more.",
        "Rata-rata pengikut aktif per hari dan jam (zona waktu akun); makin gelap makin banyak.",
    ),
    "activity_retired": (
        "Not available from Meta since {date}: Meta retired the Page's followers-online metric "
        "(page_fans_online) for every API version, and nothing replaces it.",
        "Tidak tersedia dari Meta sejak {date}: Meta menghentikan metrik pengikut aktif Halaman "
        "(page_fans_online) untuk semua versi API, dan tidak ada penggantinya.",
    ),
    "fewer": ("fewer", "sedikit"),
    "more": ("more", "banyak"),
    "peak": ("Peak: {when}, {value} online", "Puncak: {when}, {value} aktif"),
    "content": ("Content-type preference, {month}", "Preferensi jenis konten, {month}"),
    "content_type": ("Content type", "Jenis konten"),
    "unspecified": ("unspecified", "tidak disebut"),
    "best_content": ("Best content type", "Jenis konten terbaik"),
    "peak_time": ("Peak access time", "Waktu akses puncak"),
    "funnel": ("Campaign funnel", "Corong kampanye"),
    "funnel_note": (
        "Reach to conversions over each campaign's whole life; step rates from the funnel table.",
        "Dari jangkauan sampai konversi sepanjang umur kampanye; rasio tahap dari tabel corong.",
    ),
    "funnel_table": ("Every campaign", "Semua kampanye"),
    "step_rate": ("{rate} of the previous step", "{rate} dari tahap sebelumnya"),
    "spend_impressions": (
        "{spend} spent, {impressions} impressions, {first} – {last}",
        "{spend} dibelanjakan, {impressions} impresi, {first} – {last}",
    ),
    "generated": (
        "Generated {at} from the published metric tables.",
        "Dibuat {at} dari tabel metrik yang dipublikasikan.",
    ),
    "source": (
        "Figures come from the metric tables in schema metrics; definitions: docs/metrics.md.",
        "Angka berasal dari tabel metrik di skema metrics; definisi: docs/metrics.md.",
    ),
    "change_title": ("Change against {period}", "Perubahan dibanding {period}"),
}

NO_DATA_HINTS = {
    "awareness": (
        "Load account and post exports of the social platforms and mentions from social listening.",
        "Muat ekspor akun dan postingan platform sosial, serta sebutan dari social listening.",
    ),
    "traffic": (
        "Load GA4 or Universal Analytics reports and post exports with link clicks.",
        "Muat laporan GA4 atau Universal Analytics dan ekspor postingan dengan klik tautan.",
    ),
    "community": ("Load post exports of own accounts.", "Muat ekspor postingan akun sendiri."),
    "conversion": (
        "Load Meta, Google or TikTok ads manager exports.",
        "Muat ekspor ads manager Meta, Google atau TikTok.",
    ),
    "insights": (
        "Load audience, follower-activity and post exports.",
        "Muat ekspor khalayak, aktivitas pengikut dan postingan.",
    ),
    "leads": (
        "Load ads exports with leads and GA4 reports with utm campaigns.",
        "Muat ekspor iklan dengan prospek dan laporan GA4 dengan utm campaign.",
    ),
}

# Metrics where a fall is good news (coloured green) and where a change is neither good nor bad.
LOWER_IS_BETTER = frozenset({"bounce_rate", "cpc", "cpm", "cost_per_conversion", "cost_per_lead"})
NEUTRAL = frozenset({"spend", "posts"})


@dataclass(frozen=True)
class Labels:
    """The words of one report language."""

    lang: str

    def _pick(self, pair: tuple[str, str]) -> str:
        return pair[LANGS.index(self.lang)]

    def text(self, key: str, **values: str) -> str:
        """A sentence of the page, with its placeholders filled."""
        return self._pick(TEXT[key]).format(**values)

    def objective(self, objective: str) -> str:
        """The objective's name."""
        return self._pick(OBJECTIVE_NAMES[objective])

    def other_objective(self, objective: str) -> str:
        """The objective's name in the other language (shown small, under the heading)."""
        return OBJECTIVE_NAMES[objective][1 - LANGS.index(self.lang)]

    def hint(self, objective: str) -> str:
        """What to load to fill the objective's tables."""
        return self._pick(NO_DATA_HINTS[objective])

    def metric(self, metric: str, objective: str | None = None) -> str:
        """A metric's short name; its column name, readable, where none is given here."""
        pair = OBJECTIVE_METRIC_NAMES.get((objective or "", metric)) or METRIC_NAMES.get(metric)
        if pair is None:
            return metric.replace("_", " ").capitalize()
        return self._pick(pair)

    def platform(self, code: str | None) -> str:
        """A platform's name."""
        if code is None:
            return self.text("all_scope")
        return PLATFORMS.get(code, code)

    def content_type(self, code: str | None) -> str:
        """A content type's name ('unspecified' where the export does not say)."""
        if code is None:
            return self.text("unspecified")
        pair = CONTENT_TYPES.get(code)
        return self._pick(pair) if pair else code

    def bucket(self, dimension: str, bucket: str) -> str:
        """An audience bucket as the platform names it; genders in the report's language."""
        if dimension == "gender":
            pair = GENDERS.get(bucket.lower())
            return self._pick(pair) if pair else bucket
        if dimension == "age":
            return bucket.removesuffix(" years")
        return bucket

    def day(self, iso_weekday: int) -> str:
        """Short weekday name; 1 = Monday."""
        return DAYS[self.lang][iso_weekday - 1]

    def clock(self, iso_weekday: int, hour: int) -> str:
        """Weekday and hour as people write them: 'Sat 20:00', Indonesian 'Sab 20.00'."""
        mark = ":" if self.lang == "en" else "."
        return f"{self.day(iso_weekday)} {hour:02d}{mark}00"

    def status(self, status: str) -> str:
        """A scorecard status."""
        return self.text(status) if status in TEXT else status

    def measure(self, measure: str) -> str:
        """What an audience breakdown counts."""
        key = f"measure_{measure}"
        return self.text(key) if key in TEXT else measure.replace("_", " ")
