"""The raw zone: every input kept byte for byte, content-addressed by its SHA-256.

Backfills and rebuilds replay from here, so a copy is written once and never modified; writing the
same bytes twice is a no-op. The zone is a local folder or an object-storage URL (`flows.zones`);
because an object's name is its content's digest, one landed by a run that later failed is exactly
the object its rerun lands, so landing early never makes published state inconsistent.
"""

import hashlib
from pathlib import Path

from flows import zones


def sha256_of(data: bytes) -> str:
    """Hex SHA-256 of the input bytes."""
    return hashlib.sha256(data).hexdigest()


def land(zone: zones.Zone | Path, data: bytes, digest: str, suffix: str) -> str:
    """Store `data` whole under `<aa>/<digest><suffix>` of the zone; return that relative path."""
    target = zones.at(zone)
    relative = f"{digest[:2]}/{digest}{suffix.lower()}"
    if not target.exists(relative):
        target.write(relative, data)
    return relative


def to_normalize(zone: zones.Zone | Path, relative: str, data: bytes) -> bytes | Path:
    """What to normalize a landed input from: its landed file when the zone is a local folder.

    `transforms.normalize.normalize_file` reads a file and frees its bytes as soon as they are
    split, so a caller that drops its own copy keeps one input's memory at about three times its
    size (with the bytes held through the whole normalize step it is four). A zone at a URL would
    download the object again: there the bytes in hand are normalized.
    """
    target = zones.at(zone)
    return Path(target.url_of(relative)) if target.is_local else data
