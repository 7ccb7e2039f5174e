"""The demo workspace: its configuration, every export file, and writing them to a folder."""

import random
import sys
from collections.abc import Sequence
from pathlib import Path

from demo import ads, facebook, instagram, linkedin, mentions, tiktok, web, x, youtube
from demo.common import DEFAULT_SEED

KUNCI_TOML = """\
# Demo workspace: a fictional Indonesian tourism office and one competitor.
[workspace]
name = "Dinas Pariwisata Nusantara (demo)"
timezone = "Asia/Jakarta"
as_of = "2026-10-08"          # the demo's "today": snapshot date for exports whose name gives none

[[accounts]]
platform = "instagram"
account_id = "17841400000000001"
handle = "wisata.nusantara"
name = "Wisata Nusantara"
currency = "IDR"
brand = "Wisata Nusantara"

[[accounts]]
platform = "x"
account_id = "wisatanusantara"
handle = "wisatanusantara"
name = "Wisata Nusantara"
brand = "Wisata Nusantara"

[[accounts]]
platform = "web"
account_id = "properties/345678901"
name = "wisatanusantara.go.id - GA4"

[[accounts]]
platform = "instagram"
account_id = "17841400000000099"
handle = "pesona.negeri"
name = "Pesona Negeri"
is_own = false
brand = "Pesona Negeri"

[[accounts]]
platform = "facebook"
account_id = "104738291650432"
handle = "wisatanusantara.id"
name = "Wisata Nusantara"
timezone = "Asia/Jakarta"
currency = "IDR"
brand = "Wisata Nusantara"

[[accounts]]
platform = "tiktok"
account_id = "6975312468024681357"
handle = "wisatanusantara"
name = "Wisata Nusantara"
timezone = "Asia/Jakarta"
brand = "Wisata Nusantara"

[[accounts]]
platform = "youtube"
account_id = "UCk9fW2vNqXr7bTz3LmPa4Hd"
handle = "wisatanusantara"
name = "Wisata Nusantara"
timezone = "Asia/Jakarta"
brand = "Wisata Nusantara"

[[accounts]]
platform = "linkedin"
account_id = "81234567"
handle = "dinas-pariwisata-nusantara"
name = "Dinas Pariwisata Nusantara"
timezone = "Asia/Jakarta"
brand = "Wisata Nusantara"

# Ad accounts (platform = the ads platform: meta, google, tiktok). They carry no brand: a brand
# would attach social mentions to them as if they were a social account.
[[accounts]]
platform = "meta"
account_id = "act_482913570264815"
name = "Wisata Nusantara - Iklan"
timezone = "Asia/Jakarta"
currency = "IDR"

[[accounts]]
platform = "google"
account_id = "482-915-3706"
name = "Dinas Pariwisata Nusantara"
timezone = "Asia/Jakarta"
currency = "IDR"

[[accounts]]
platform = "tiktok"
account_id = "7294615830274619394"
name = "Wisata Nusantara Ads"
timezone = "Asia/Jakarta"
currency = "IDR"

[[sources]]
kind = "exports"
path = "inbox/instagram/content"

[[sources]]
kind = "exports"
path = "inbox/instagram/insights"
account = "instagram:17841400000000001"

[[sources]]
kind = "exports"
path = "inbox/facebook/content"

[[sources]]
kind = "exports"
path = "inbox/facebook/insights"
account = "facebook:104738291650432"

[[sources]]
kind = "exports"
path = "inbox/x"
account = "x:wisatanusantara"

[[sources]]
kind = "exports"
path = "inbox/tiktok"
account = "tiktok:6975312468024681357"

[[sources]]
kind = "exports"
path = "inbox/youtube"
account = "youtube:UCk9fW2vNqXr7bTz3LmPa4Hd"

[[sources]]
kind = "exports"
path = "inbox/linkedin"
account = "linkedin:81234567"

[[sources]]
kind = "exports"
path = "inbox/ads/meta"
account = "meta:act_482913570264815"

[[sources]]
kind = "exports"
path = "inbox/ads/google"
account = "google:482-915-3706"

[[sources]]
kind = "exports"
path = "inbox/ads/tiktok"
account = "tiktok:7294615830274619394"

[[sources]]
kind = "exports"
path = "inbox/web"
account = "web:properties/345678901"

[[sources]]
kind = "exports"
path = "inbox/mentions"

# Scorecard targets (metrics.scorecard). metric: a column of the objective's daily table (see
# `kunci metrics`); scope: all, a platform, or platform:account_id (ad account for conversion);
# period: YYYY-MM, YYYY-Qn or YYYY; target: rates as fractions, money in the scope's currency;
# direction: higher or lower (which is better).
[[targets]]
objective = "awareness"
metric = "impressions"
scope = "all"
period = "2026-Q3"
target = 3000000
direction = "higher"

[[targets]]
objective = "awareness"
metric = "share_of_voice"
scope = "instagram"
period = "2026-09"
target = 0.6
direction = "higher"

[[targets]]
objective = "community"
metric = "engagement_rate"
scope = "instagram"
period = "2026-09"
target = 0.08
direction = "higher"

[[targets]]
objective = "community"
metric = "audience_growth_rate"
scope = "instagram:17841400000000001"
period = "2026-09"
target = 0.05
direction = "higher"

[[targets]]
objective = "traffic"
metric = "sessions"
scope = "all"
period = "2026-Q3"
target = 60000
direction = "higher"

[[targets]]
objective = "traffic"
metric = "bounce_rate"
scope = "instagram"
period = "2026-09"
target = 0.4
direction = "lower"

[[targets]]
objective = "conversion"
metric = "cpc"
scope = "meta"
period = "2026-Q3"
target = 1500
direction = "lower"

[[targets]]
objective = "conversion"
metric = "roas"
scope = "google"
period = "2026-Q3"
target = 3.0
direction = "higher"

[[targets]]
objective = "leads"
metric = "leads"
scope = "all"
period = "2026-Q3"
target = 3000
direction = "higher"

[[targets]]
objective = "leads"
metric = "cost_per_lead"
scope = "meta"
period = "2026-Q3"
target = 25000
direction = "lower"
"""

_SOCIAL = (
    instagram.files,
    facebook.files,
    x.files,
    tiktok.files,
    youtube.files,
    linkedin.files,
    mentions.files,
)


def demo_files(seed: int = DEFAULT_SEED) -> dict[str, bytes]:
    """Every file of the demo workspace, by path relative to the workspace folder.

    Each file family draws from its own generators seeded from `seed` and the family name, so the
    result depends on nothing but the seed, and changing one family does not reshuffle another.
    The web traffic follows the ads (their link clicks land on the site), so ads come first.
    """

    def family(name: str) -> random.Random:
        return random.Random(f"{seed}:{name}")

    found: dict[str, bytes] = {"kunci.toml": KUNCI_TOML.encode()}
    for files in _SOCIAL:
        found.update(files(family))
    ad_files, deliveries = ads.files(family)
    found.update(ad_files)
    found.update(web.files(family, ads.paid_clicks(deliveries)))
    return found


def write_demo_workspace(target: Path, seed: int = DEFAULT_SEED) -> list[Path]:
    """Write the demo workspace under `target` and return the written paths.

    Files are written byte for byte (CRLF where the platform uses it). Files already in `target`
    that the generator does not produce are left alone.
    """
    written: list[Path] = []
    for relative, data in demo_files(seed).items():
        path = target / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        written.append(path)
    return written


def default_target() -> Path:
    """Return the repository's bundled demo folder, `data/demo`."""
    return Path(__file__).resolve().parents[1] / "data" / "demo"


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: `python -m demo [TARGET]` regenerates the demo workspace."""
    args = list(sys.argv[1:] if argv is None else argv)
    target = Path(args[0]) if args else default_target()
    for path in write_demo_workspace(target):
        print(path)
    return 0
