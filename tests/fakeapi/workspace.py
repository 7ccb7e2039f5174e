"""A workspace whose seven API sources (Meta, Meta ads, YouTube, GA4, TikTok, LinkedIn, X) point
at one fake API on 127.0.0.1: six social platforms and a website, configured through APIs alone."""

import secrets
from datetime import UTC, datetime
from pathlib import Path

from tests.fakeapi import google as google_fake
from tests.fakeapi import linkedin_community as linkedin_fake
from tests.fakeapi import meta_ads as ads_fake
from tests.fakeapi import meta_graph as meta_fake
from tests.fakeapi import tiktok_business as tiktok_fake
from tests.fakeapi import x_api as x_fake
from tests.fakeapi.server import FakeApi

GOOGLE_TOKEN = "GOOGLE-" + secrets.token_hex(12)  # one OAuth token may serve both Google APIs
TOKENS = {
    "META_TOKEN": "META-" + secrets.token_hex(12),
    "YOUTUBE_TOKEN": GOOGLE_TOKEN,
    "GA4_TOKEN": GOOGLE_TOKEN,
    "META_ADS_TOKEN": "ADS-" + secrets.token_hex(12),
    "TIKTOK_TOKEN": "TT-act." + secrets.token_hex(12),
    "LINKEDIN_TOKEN": "LI-AQX" + secrets.token_hex(12),
    "X_TOKEN": "XUSER-" + secrets.token_hex(12),
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

[[accounts]]
platform = "tiktok"
account_id = "{tiktok}"
handle = "wisatanusantara"
name = "Wisata Nusantara"

[[sources]]
kind = "tiktok_business"
name = "tiktok"
token_env = "TIKTOK_TOKEN"
base_url = "{base}/open_api/v1.3"
business_ids = ["{tiktok}"]

[[accounts]]
platform = "linkedin"
account_id = "{linkedin}"
name = "Wisata Nusantara"

[[sources]]
kind = "linkedin_community"
name = "linkedin"
token_env = "LINKEDIN_TOKEN"
base_url = "{base}{linkedin_prefix}"
organizations = ["urn:li:organization:{linkedin}"]
start_date = "2026-10-01"

[[accounts]]
platform = "x"
account_id = "{x}"
handle = "wisatanusantara"
name = "Wisata Nusantara"

[[sources]]
kind = "x_api"
name = "x"
token_env = "X_TOKEN"
base_url = "{base}/2"
users = ["{x}"]
"""
X_NOW = datetime(2026, 11, 23, 12, tzinfo=UTC)  # the X posts around as_of, whatever the clock
IDS = {
    "{tiktok}": tiktok_fake.BUSINESS_ID,
    "{linkedin}": linkedin_fake.ORGANIZATION,
    "{linkedin_prefix}": linkedin_fake.PREFIX,
    "{x}": x_fake.USER_ID,
}


def install_all(fake: FakeApi) -> None:
    """Serve the Meta, Meta ads, Google, TikTok, LinkedIn and X worlds, each accepting only its
    own token."""
    meta_fake.install(fake, meta_fake.MetaWorld(token=TOKENS["META_TOKEN"]))
    ads_fake.install(fake, ads_fake.AdsWorld(token=TOKENS["META_ADS_TOKEN"]))
    google_fake.install(fake, google_fake.GoogleWorld(token=GOOGLE_TOKEN))
    tiktok_fake.install(fake, tiktok_fake.TikTokWorld(token=TOKENS["TIKTOK_TOKEN"]))
    linkedin_fake.install(fake, linkedin_fake.LinkedInWorld(token=TOKENS["LINKEDIN_TOKEN"]))
    x_fake.install(fake, x_fake.XWorld(token=TOKENS["X_TOKEN"], now=X_NOW))


def write_config(tmp_path: Path, base_url: str) -> Path:
    """A kunci.toml whose seven API sources point at the fake server."""
    text = CONFIG.replace("{base}", base_url)
    for placeholder, value in IDS.items():
        text = text.replace(placeholder, value)
    config = tmp_path / "kunci.toml"
    config.write_text(text, encoding="utf-8")
    return config
