"""The raw zone: every input kept byte for byte, content-addressed by its SHA-256.

Backfills and rebuilds replay from here, so a copy is written once and never modified; writing the
same bytes twice is a no-op.
"""

import hashlib
from pathlib import Path


def sha256_of(data: bytes) -> str:
    """Hex SHA-256 of the input bytes."""
    return hashlib.sha256(data).hexdigest()


def land(root: Path, data: bytes, digest: str, suffix: str) -> Path:
    """Store `data` atomically under `<root>/<aa>/<digest><suffix>`; return the relative path."""
    relative = Path(digest[:2]) / f"{digest}{suffix.lower()}"
    target = root / relative
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(f".{target.name}.partial")
        partial.write_bytes(data)
        partial.replace(target)
    return relative
