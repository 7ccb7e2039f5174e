"""Header cells: folded for matching against the formats' aliases, made unique for the frame."""


def normalize_header(cell: str) -> str:
    """Fold a header cell for matching: no BOM, no surrounding space, lower case, single spaces."""
    return " ".join(cell.replace("\ufeff", "").replace("\u00a0", " ").split()).lower()


def dedupe_header(header: list[str]) -> list[str]:
    """Make duplicate column names unique (`Name`, `Name (2)`) so no column is silently dropped."""
    cleaned = [name.replace("\ufeff", "").strip() for name in header]
    used: set[str] = set()
    last_suffix: dict[str, int] = {}  # so that thousands of blank names stay linear, not quadratic
    out = []
    for name in cleaned:
        candidate, suffix = name, last_suffix.get(name, 1)
        while candidate in used:
            suffix += 1
            candidate = f"{name} ({suffix})"
        last_suffix[name] = suffix
        used.add(candidate)
        out.append(candidate)
    return out
