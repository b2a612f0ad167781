"""An import killed with SIGKILL part-way leaves whole batches only, and a re-run equals a clean run.

The import runs in a real subprocess (``manage.py import_feed``) against its own SQLite
file, so that the kill is a real one; the result is compared with a clean import of the
same file into a copy of the same fresh database.
"""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings

from ecm.linkage.tests.feedfiles import many_rows, write_csv

ROOT = Path(settings.BASE_DIR)


def _run(db: Path, *args: str, wait: bool = True) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{db}", "DJANGO_SETTINGS_MODULE": "config.settings"}
    process = subprocess.Popen(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    if wait:
        out, err = process.communicate(timeout=400)
        assert process.returncode == 0, err.decode()
        process.output = out.decode()  # type: ignore[attr-defined]
    return process


def _query(db: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(db) as con:
        return con.execute(sql).fetchall()


def _result(db: Path) -> tuple[list[tuple], list[tuple], list[tuple]]:
    staged = _query(
        db,
        "SELECT line_number, source_record_id, given_name, family_name, date_of_birth, postcode, nhs_number, warnings "
        "FROM linkage_stagedrecord ORDER BY line_number",
    )
    quarantined = _query(db, "SELECT line_number, reason FROM linkage_quarantinedrow ORDER BY line_number")
    delivery = _query(
        db,
        "SELECT status, rows_read, rows_staged, rows_quarantined, values_set_aside, file_sha256 "
        "FROM linkage_feeddelivery",
    )
    return staged, quarantined, delivery


def _wait_for_batches(db: Path, at_least: int, timeout: float = 60) -> int:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            done = _query(db, "SELECT COUNT(*) FROM linkage_importbatch")[0][0]
        except sqlite3.OperationalError:
            done = 0
        if done >= at_least:
            return done
        time.sleep(0.05)
    raise AssertionError("the import never committed a batch")


def test_import_killed_mid_way_resumes_to_the_same_result_as_a_clean_run(tmp_path):
    feed = write_csv(tmp_path / "census.csv", many_rows(600))
    fresh = tmp_path / "fresh.sqlite3"
    _run(fresh, "migrate", "--noinput", "-v0")
    crashed, clean = tmp_path / "crashed.sqlite3", tmp_path / "clean.sqlite3"
    for target in (crashed, clean):
        shutil.copy(fresh, target)

    args = ["import_feed", "--source", "school_census", str(feed), "--batch-size", "25", "--no-progress"]
    clean_run = _run(clean, *args, wait=False)  # in parallel, to keep the suite fast
    process = _run(crashed, *args, "--pause", "0.15", wait=False)
    try:
        _wait_for_batches(crashed, 3)
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL
    batches = _query(crashed, "SELECT COUNT(*) FROM linkage_importbatch")[0][0]
    staged, quarantined, delivery = _result(crashed)
    assert 0 < batches < 24 and delivery[0][0] == "in_progress"
    assert len(staged) + len(quarantined) == 25 * batches  # whole batches only

    # The process is gone: the next command marks the delivery stopped, and its rows are not matched.
    listing = _run(crashed, "feed_delivery")
    assert "Stopped part-way" in listing.output  # type: ignore[attr-defined]
    assert _query(crashed, "SELECT status FROM linkage_feeddelivery") == [("stopped",)]
    _run(crashed, "match")
    assert _query(crashed, "SELECT COUNT(*) FROM linkage_stagedrecord WHERE child_id IS NOT NULL") == [(0,)]
    assert _query(crashed, "SELECT COUNT(*) FROM index_child") == [(0,)]

    delivery_id = _query(crashed, "SELECT id FROM linkage_feeddelivery")[0][0]
    _run(crashed, "feed_delivery", "--resume", str(delivery_id))
    _, err = clean_run.communicate(timeout=400)
    assert clean_run.returncode == 0, err.decode()
    assert _result(crashed) == _result(clean)
    staged, quarantined, delivery = _result(crashed)
    assert len(staged) + len(quarantined) == 600 and len({s[1] for s in staged}) == len(staged)
    assert delivery[0][:4] == ("complete", 600, 588, 12)
    ranges = _query(crashed, "SELECT first_line, last_line FROM linkage_importbatch ORDER BY first_line")
    assert ranges[0][0] == 2 and ranges[-1][1] == 601
    assert all(b[0] == a[1] + 1 for a, b in zip(ranges, ranges[1:], strict=False))
