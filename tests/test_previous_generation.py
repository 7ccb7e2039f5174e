"""The generation kept by a publish becomes the next run's working copy, equal byte for byte.

Real runs on real DuckDB files, a real read-only session in another process, and files in every
state a killed run can leave the kept file in.
"""

import os
import random
import subprocess
import sys
from pathlib import Path
from typing import Any

import duckdb
import pytest

from flows.publish import previous_generation, working_file
from flows.run import pipeline


def _run(db: Path, sql: str, keep_previous: bool = True) -> None:
    """One writing run that executes `sql` and publishes."""
    with pipeline.working_database(db, keep_previous=keep_previous) as work:
        pipeline.with_working(work, lambda con: con.execute(sql))


def _inode(path: Path) -> int:
    return path.stat().st_ino


def test_a_run_starts_from_the_kept_generation_brought_up_to_date(tmp_path: Path) -> None:
    db = tmp_path / "kunci.duckdb"
    _run(db, "create table t as select range as n, 'x' || range as s from range(300000)")
    assert not previous_generation.previous_path(db).exists()  # nothing was replaced
    first = _inode(db)
    _run(db, "update t set s = 'y' where n % 1000 = 0")
    kept = previous_generation.previous_path(db)
    assert _inode(kept) == first  # the replaced file, not a copy of it
    published = db.read_bytes()

    work = working_file.prepare_working_copy(db)

    assert _inode(work) == first
    assert not kept.exists()
    assert work.read_bytes() == published
    working_file.discard(work)


def test_a_workspace_that_keeps_no_previous_file_removes_the_one_kept_before_and_copies(
    tmp_path: Path,
) -> None:
    """`[database] keep_previous = false`: disk over time.

    The kept file here has a second name (as a backup tool's hard link would give it), so the run
    cannot start from it and copies, and its publish must remove it.
    """
    db = tmp_path / "kunci.duckdb"
    kept = previous_generation.previous_path(db)
    _run(db, "create table t as select range as n from range(1000)")
    _run(db, "insert into t values (1000)")
    os.link(kept, tmp_path / "second-name")

    _run(db, "insert into t values (1001)", keep_previous=False)
    assert not kept.exists()
    assert _inode(db) != _inode(tmp_path / "second-name")  # copied, the kept file left alone
    _run(db, "insert into t values (1002)", keep_previous=False)
    assert not kept.exists()

    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("select count(*), max(n) from t").fetchone() == (1003, 1002)
    con.close()


def test_runs_from_kept_generations_publish_the_rows_their_statements_make(tmp_path: Path) -> None:
    db = tmp_path / "kunci.duckdb"
    statements = [
        "create table t as select range as n from range(200000)",
        "insert into t select range + 200000 from range(50000)",
        "delete from t where n % 7 = 0",
        "update t set n = n * 2 where n < 1000",
    ]
    for sql in statements:
        _run(db, sql)
    con = duckdb.connect(str(db), read_only=True)
    found = con.execute("select count(*), sum(n) from t").fetchone()
    con.close()
    kept = [n for n in range(250000) if n % 7]
    assert found == (len(kept), sum(n * 2 if n < 1000 else n for n in kept))


@pytest.mark.parametrize(
    "state",
    ["same", "longer", "shorter", "bytes changed", "garbage", "empty"],
)
def test_any_kept_file_becomes_the_published_file_byte_for_byte(
    tmp_path: Path, state: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    rng = random.Random(state)
    published = tmp_path / "kunci.duckdb"
    content = rng.randbytes(9 * 1024 * 1024 + 12345)  # two parts of 128 KB chunks, a short tail
    published.write_bytes(content)
    changed = bytearray(content)
    for offset in (5, 4 * 1024 * 1024 + 300000, len(content) - 3):
        changed[offset] ^= 0xFF
    kept_content = {
        "same": content,
        "longer": content + rng.randbytes(700000),
        "shorter": content[:3000000],
        "bytes changed": bytes(changed),
        "garbage": rng.randbytes(len(content)),
        "empty": b"",
    }[state]
    previous_generation.previous_path(published).write_bytes(kept_content)
    writes: list[int] = []
    pwrite = os.pwrite

    def counted(descriptor: int, data: bytes, offset: int) -> int:
        writes.append(len(data))
        return pwrite(descriptor, data, offset)

    monkeypatch.setattr(os, "pwrite", counted)

    target = tmp_path / "work"
    assert previous_generation.bring_up_to_date(published, target)

    assert target.read_bytes() == content
    if state == "same":
        assert writes == []
    if state == "bytes changed":  # the three 128 KB ranges holding them, the last one short
        assert sorted(writes) == sorted([128 * 1024, 128 * 1024, len(content) % (128 * 1024)])


def test_an_analyst_reading_the_kept_file_keeps_it_and_the_run_copies(tmp_path: Path) -> None:
    db = tmp_path / "kunci.duckdb"
    _run(db, "create table t as select 1 as generation")
    reader = subprocess.Popen(  # an analyst's session, opened on generation 1
        [
            sys.executable,
            "-c",
            "import duckdb, sys; con = duckdb.connect(sys.argv[1], read_only=True);"
            "print('open', flush=True); sys.stdin.readline();"
            "print(con.execute('select generation from t').fetchone()[0], flush=True)",
            str(db),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert reader.stdout is not None and reader.stdin is not None
    assert reader.stdout.readline() == "open\n"
    _run(db, "update t set generation = 2")  # generation 1 is now the kept file, still open
    kept = previous_generation.previous_path(db)
    before = kept.read_bytes()

    _run(db, "update t set generation = 3")  # must not write the analyst's file

    reader.stdin.write("\n")
    reader.stdin.flush()
    assert reader.stdout.readline() == "1\n"
    assert reader.wait(timeout=30) == 0
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("select generation from t").fetchone() == (3,)
    con.close()
    assert previous_generation.previous_path(db).read_bytes() != before  # generation 2 now


@pytest.mark.parametrize("link", [os.link, os.symlink])
def test_a_kept_file_that_is_also_the_published_file_is_never_written(
    tmp_path: Path, link: Any
) -> None:
    db = tmp_path / "kunci.duckdb"
    _run(db, "create table t as select 1 as n")
    link(db, previous_generation.previous_path(db))  # a hard link: a run killed in `publish`

    assert not previous_generation.bring_up_to_date(db, tmp_path / "work")

    work = working_file.prepare_working_copy(db)
    assert _inode(work) != _inode(db)
    working_file.discard(work)


def test_a_kept_file_this_process_has_open_is_left_alone(tmp_path: Path) -> None:
    db = tmp_path / "kunci.duckdb"
    _run(db, "create table t as select 1 as n")
    _run(db, "update t set n = 2")
    kept = previous_generation.previous_path(db)
    con = duckdb.connect(str(kept), read_only=True)  # its POSIX lock must survive
    try:
        assert not previous_generation.bring_up_to_date(db, tmp_path / "work")
        assert con.execute("select n from t").fetchone() == (1,)
    finally:
        con.close()
    assert previous_generation.bring_up_to_date(db, tmp_path / "work")


def test_a_shorter_kept_file_is_extended_even_where_the_published_bytes_repeat(
    tmp_path: Path,
) -> None:
    chunk = random.Random(1).randbytes(4 * 1024 * 1024)  # one read of the comparison
    published = tmp_path / "kunci.duckdb"
    published.write_bytes(chunk + chunk[:300000])  # the second read repeats the first
    previous_generation.previous_path(published).write_bytes(chunk)

    assert previous_generation.bring_up_to_date(published, tmp_path / "work")

    assert (tmp_path / "work").read_bytes() == published.read_bytes()


def _evicted(path: Path) -> bool:
    """Drop `path` from the page cache; whether it is gone (tmpfs, say, keeps it)."""
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
        os.posix_fadvise(descriptor, 0, 0, os.POSIX_FADV_DONTNEED)
        try:
            os.preadv(descriptor, [bytearray(4096)], 0, os.RWF_NOWAIT)
        except BlockingIOError:
            return True
        return False
    finally:
        os.close(descriptor)


def test_a_kept_file_out_of_memory_is_overwritten_without_being_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    content = random.Random(2).randbytes(6 * 1024 * 1024)
    published = tmp_path / "kunci.duckdb"
    published.write_bytes(content)
    kept = previous_generation.previous_path(published)
    kept.write_bytes(content[:5000000] + bytes(1024) + content[5001024:])
    if not _evicted(kept):
        pytest.skip(f"the page cache of {tmp_path} cannot be dropped (tmpfs?)")
    written_at: list[int] = []
    pwrite = os.pwrite

    def counted(descriptor: int, data: bytes, offset: int) -> int:
        written_at.append(offset)
        return pwrite(descriptor, data, offset)

    monkeypatch.setattr(os, "pwrite", counted)

    assert previous_generation.bring_up_to_date(published, tmp_path / "work")

    assert (tmp_path / "work").read_bytes() == content
    # the first 128 KB are equal, but were not in memory: written rather than read (the
    # kernel may read ahead what follows, which is then compared; the file's second half is
    # compared at the same time, so its writes may come first)
    assert 0 in written_at
