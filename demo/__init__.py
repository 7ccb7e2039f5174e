"""Deterministic generator of the bundled demo workspace (`data/demo`).

Kunci must run out of the box (`kunci run nightly` with no configuration), and its tests need inputs
nobody has to download. The demo is a fictional Indonesian tourism office, "Dinas Pariwisata
Nusantara" (brand "Wisata Nusantara"), with one competitor brand ("Pesona Negeri") for share of
voice, over 90 days (2026-07-03 .. 2026-09-30), exported the way the platforms export. One module
per platform family writes its files, so every export format family Kunci reads is exercised:

- `instagram`: Meta Business Suite content exports (Indonesian and English) and insight charts;
- `facebook`: the Meta Business Suite Facebook content export (UTF-16) and a Page Insights
  page-level export (daily page metrics, likes by gender and age, country and city);
- `x`: X account analytics content (monthly) and overview (daily) exports;
- `tiktok`: TikTok Studio downloads, July-August as CSVs and September as one XLSX workbook
  (overview, content, follower history, activity by hour, gender, territories);
- `youtube`: YouTube Studio Table data, Chart data and Totals, by video, by date and by audience;
- `linkedin`: the LinkedIn Page visitors, content and followers workbooks (XLSX);
- `ads`: Meta Ads Manager (Indonesian, by day; English, by campaign), Google Ads campaign
  reports (by day; for August) and a TikTok Ads report, all in IDR;
- `web`: a GA4 traffic-acquisition exploration with a Date column and lead key events, and a
  report without a Date column; paid sessions come from the ads' link clicks;
- `mentions`: a social-listening export covering both brands.

Every number is drawn from one `random.Random` per file family, seeded from the workspace seed, so
the same seed always yields the same bytes (workbooks carry fixed timestamps; the committed files
are checked against a regeneration) and changing one family does not reshuffle the others.
The numbers are consistent across files where the platforms' own numbers are: reach never exceeds
views, a later snapshot never shows less, an account's daily totals include the posts of that day,
clicks never exceed impressions nor leads clicks, engaged sessions never exceed sessions, and
everything rises around Independence Day (17 August), the campaign of the period
(`kemerdekaan_2026`, 10-24 August, on every ads platform and in the site's UTM campaigns).

Run `python -m demo [TARGET]` to regenerate (default: the repository's `data/demo`).
"""

from demo.common import CAMPAIGN, DEFAULT_SEED, END, INDEPENDENCE_DAY, START
from demo.workspace import (
    KUNCI_TOML,
    default_target,
    demo_files,
    main,
    write_demo_workspace,
)

__all__ = [
    "CAMPAIGN",
    "DEFAULT_SEED",
    "END",
    "INDEPENDENCE_DAY",
    "KUNCI_TOML",
    "START",
    "default_target",
    "demo_files",
    "main",
    "write_demo_workspace",
]
