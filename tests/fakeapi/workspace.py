"""A workspace whose Meta, YouTube, GA4 and Meta ads sources point at one fake API on 127.0.0.1."""

import secrets
from pathlib import Path

from tests.fakeapi import google as google_fake
from tests.fakeapi import meta_ads as ads_fake
from tests.fakeapi import meta_graph as meta_fake
from tests.fakeapi.server import FakeApi

GOOGLE_TOKEN = "GOOGLE-" + secrets.token_hex(12)  # one OAuth token may serve both Google APIs
TOKENS = {
    "META_TOKEN": "META-" + secrets.token_hex(12),
    "YOUTUBE_TOKEN": GOOGLE_TOKEN,
    "GA4_TOKEN": GOOGLE_TOKEN,
    "META_ADS_TOKEN": "ADS-" + secrets.token_hex(12),
}
CONFIG = """
[workspace]
name = "API test"
timezone = "Asia/Jakarta"
as_of = "2026-11-23"

[[accounts]]
platform = "facebook"
account_id = "104857600000001"
name = "Wisata Nusantara"

[[accounts]]
platform = "instagram"
account_id = "17841400000000001"
name = "Wisata Nusantara"

[[accounts]]
platform = "youtube"
account_id = "UCk9fW2vNqXr7bTz3LmPa4Hd"
name = "Wisata Nusantara"

[[accounts]]
platform = "web"
account_id = "properties/345678901"
name = "wisatanusantara.go.id"

[[sources]]
kind = "meta_graph"
name = "meta"
token_env = "META_TOKEN"
base_url = "{base}/v24.0"
pages = ["104857600000001"]
instagram_accounts = ["17841400000000001"]
start_date = "2026-11-16"

[[sources]]
kind = "youtube_analytics"
name = "youtube"
token_env = "YOUTUBE_TOKEN"
base_url = "{base}"
data_base_url = "{base}"
channels = ["UCk9fW2vNqXr7bTz3LmPa4Hd"]
start_date = "2026-10-01"

[[sources]]
kind = "ga4"
name = "ga4"
token_env = "GA4_TOKEN"
base_url = "{base}"
properties = ["345678901"]
start_date = "2026-10-01"

[[accounts]]
platform = "meta"
account_id = "act_482913570264815"
name = "Wisata Nusantara - Iklan"
currency = "IDR"

[[sources]]
kind = "meta_ads"
name = "meta_ads"
token_env = "META_ADS_TOKEN"
base_url = "{base}/ads/v24.0"
ad_accounts = ["482913570264815"]
start_date = "2026-10-25"
poll_seconds = 0.01
"""


def install_all(fake: FakeApi) -> None:
    """Serve the Meta, Meta ads and Google worlds, each accepting only its own token."""
    meta_fake.install(fake, meta_fake.MetaWorld(token=TOKENS["META_TOKEN"]))
    ads_fake.install(fake, ads_fake.AdsWorld(token=TOKENS["META_ADS_TOKEN"]))
    google_fake.install(fake, google_fake.GoogleWorld(token=GOOGLE_TOKEN))


def write_config(tmp_path: Path, base_url: str) -> Path:
    """A kunci.toml whose four API sources point at the fake server."""
    config = tmp_path / "kunci.toml"
    config.write_text(CONFIG.replace("{base}", base_url), encoding="utf-8")
    return config
