"""What a connector can pull: named streams, each over one id list of its source."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Stream:
    """One kind of request series of a connector.

    `ids_key` names the source's id list the stream runs over (`pages`, `instagram_accounts`,
    `channels`, `properties`). A `windowed` stream is pulled per date window and keeps incremental
    state; one that is not (lifetime demographics, online followers) is pulled once per run.
    """

    name: str
    ids_key: str
    windowed: bool = True
