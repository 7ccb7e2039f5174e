"""What a connector can pull: named streams, each over one id list of its source."""

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Stream:
    """One kind of request series of a connector.

    `ids_key` names the source's id list the stream runs over (`pages`, `instagram_accounts`,
    `channels`, `properties`). A `windowed` stream is pulled per date window and keeps incremental
    state; one that is not (lifetime demographics, online followers) is pulled once per run. A
    `refresh` stream lists posts by publish date and, in a run's latest window, also reads again
    the lifetime insights of the posts of its `Refresh` (see `flows.api.runner.plan_source`).
    `history_limit_days` is how far back the API serves the stream at all (TikTok's account
    metrics: 60 days); the runner starts no window before it and notes where it started.
    """

    name: str
    ids_key: str
    windowed: bool = True
    refresh: bool = False
    history_limit_days: int | None = None


@dataclass(frozen=True)
class RefreshPost:
    """A post the working database holds for an account, young enough to be read again.

    `permalink` carries a Facebook Reel's video id (`/reel/<video id>`), whose `video_insights`
    a Reel's refresh reads (a Reel has no post `/insights`).
    """

    post_id: str
    published_date: date
    content_type: str | None = None
    permalink: str | None = None


@dataclass(frozen=True)
class Refresh:
    """What a post stream re-reads beside its window: posts published from `since` on.

    `posts` come from `core.post`; the connector adds the posts its own listing gives from `since`
    on, and leaves out those whose insights the window's pull reads anyway.
    """

    since: date
    posts: tuple[RefreshPost, ...] = ()
