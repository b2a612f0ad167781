"""Stable identities: a ``match`` stopped part-way and run again gives exactly what one clean run
gives (no child changes its id, no decided record goes back to review); a new delivery never moves
a linked record; differing sexes never link automatically, even with the same given name."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest
from django.conf import settings

from ecm.core.actors import SYSTEM_MATCHER
from ecm.linkage.models import MatchRun, ReviewItem, StagedRecord
from ecm.linkage.tests.feedfiles import row, write_csv
from ecm.linkage.tests.helpers import stage, synthetic_rows, untrained_model

pytest.importorskip("splink")
from ecm.linkage.matching.engine import match_run  # noqa: E402

ROOT = Path(settings.BASE_DIR)

CRASHING_MATCH = """
import django
django.setup()
from ecm.core.actors import SYSTEM_MATCHER
from ecm.linkage.matching.engine import match_run
from ecm.linkage.models import MatchModel

class Crash(Exception):
    pass

chunks = []

def progress(message):
    if message.startswith("created"):
        chunks.append(message)
        if len(chunks) == 3:
            raise Crash("stopped after three chunks of new children: " + message)

match_run(actor=SYSTEM_MATCHER, model=MatchModel.objects.first(), progress=progress, chunk_size=15)
"""

SAVE_MODEL = """
import django
django.setup()
from ecm.linkage.tests.helpers import untrained_model
untrained_model()
"""


def _env(db: Path) -> dict[str, str]:
    return {**os.environ, "DATABASE_URL": f"sqlite:///{db}", "DJANGO_SETTINGS_MODULE": "config.settings"}


def _manage(db: Path, *args: str) -> None:
    done = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=_env(db), capture_output=True, timeout=300
    )
    assert done.returncode == 0, done.stderr.decode()


def _python(db: Path, code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=_env(db), capture_output=True, timeout=300)


def _query(db: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(db) as con:
        return con.execute(sql).fetchall()


def _links(db: Path) -> dict[int, str]:
    return dict(_query(db, "SELECT id, child_id FROM linkage_stagedrecord WHERE child_id IS NOT NULL"))


def _partition(db: Path) -> set[frozenset[int]]:
    groups: dict[str, set[int]] = defaultdict(set)
    for record, child in _links(db).items():
        groups[child].add(record)
    return {frozenset(g) for g in groups.values()}


def _review(db: Path) -> set[tuple[int, int]]:
    return set(_query(db, "SELECT record_id, candidate_id FROM linkage_reviewitem"))


@pytest.mark.django_db(transaction=True)
def test_a_match_that_crashes_part_way_and_is_run_again_equals_one_clean_run(tmp_path):
    rows = synthetic_rows(160, seed=11)
    fresh = tmp_path / "fresh.sqlite3"
    _manage(fresh, "migrate", "--noinput", "-v0")
    by_source: dict[str, list[dict]] = defaultdict(list)
    for values in rows:
        by_source[values["source"]].append({k: v for k, v in values.items() if k not in ("source", "truth")})
    for source, source_rows in sorted(by_source.items()):
        path = write_csv(tmp_path / f"{source}.csv", source_rows)
        _manage(fresh, "import_feed", "--source", source, str(path), "--no-progress")
    assert _python(fresh, SAVE_MODEL).returncode == 0
    clean, crashed = tmp_path / "clean.sqlite3", tmp_path / "crashed.sqlite3"
    shutil.copy(fresh, clean)
    shutil.copy(fresh, crashed)

    _manage(clean, "match")
    failed = _python(crashed, CRASHING_MATCH)
    assert failed.returncode != 0 and b"stopped after three chunks" in failed.stderr
    before = _links(crashed)
    assert 0 < len(before) < len(_links(clean))
    assert _query(crashed, "SELECT COUNT(*) FROM linkage_matchrun WHERE finished_at IS NULL") == [(1,)]

    _manage(crashed, "match")
    after = _links(crashed)
    assert {r: after[r] for r in before} == before  # no child made before the crash changed its id
    assert _partition(crashed) == _partition(clean)
    assert _review(crashed) == _review(clean)
    assert not set(before) & {r for r, _c in _review(crashed)}  # nothing decided went to review
    assert _query(crashed, "SELECT COUNT(*) FROM linkage_matchrun WHERE finished_at IS NULL") == [(0,)]
    count = "SELECT COUNT(*) FROM index_child"
    assert _query(crashed, count) == _query(clean, count)


@pytest.mark.django_db
def test_a_new_delivery_never_moves_a_linked_record_nor_requeues_one(tmp_path):
    rows = synthetic_rows(150, seed=3)
    first = [r for r in rows if r["source"] in ("birth_notifications", "gp_registrations")]
    later = [r for r in rows if r["source"] not in ("birth_notifications", "gp_registrations")]
    stage(tmp_path, first, name="first")
    model = untrained_model()
    match_run(actor=SYSTEM_MATCHER, model=model)
    linked = dict(StagedRecord.objects.exclude(child=None).values_list("pk", "child_id"))
    queued = set(ReviewItem.objects.values_list("pk", "record_id", "candidate_id", "status"))
    assert linked
    stage(tmp_path, later, name="later")
    match_run(actor=SYSTEM_MATCHER, model=model)
    now = dict(StagedRecord.objects.filter(pk__in=linked).values_list("pk", "child_id"))
    assert now == linked
    assert not ReviewItem.objects.filter(record_id__in=linked).exclude(pk__in=[q[0] for q in queued]).exists()
    assert queued <= set(ReviewItem.objects.values_list("pk", "record_id", "candidate_id", "status"))
    assert MatchRun.objects.filter(finished_at__isnull=True).count() == 0
    again = match_run(actor=SYSTEM_MATCHER, model=model)
    assert (again.new_children, again.model_linked, again.review) == (0, 0, 0)


@pytest.mark.django_db
def test_a_pair_with_the_same_given_name_and_different_sexes_never_links_automatically(tmp_path):
    common = {
        "given_name": "Jo",
        "family_name": "Okafor",
        "date_of_birth": "2019-05-04",
        "address_line_1": "12 Mill Lane",
        "postcode": "LS1 4AP",
        "parent_1_name": "Grace Okafor",
    }
    rows = [
        row(source="birth_notifications", source_record_id="B1", sex="F", **common),
        row(source="birth_notifications", source_record_id="B2", sex="M", **common),
        row(source="school_census", source_record_id="S1", sex="F", **common),
    ]
    stage(tmp_path, rows)
    match_run(actor=SYSTEM_MATCHER, model=untrained_model())
    sexes_per_child = defaultdict(set)
    for record in StagedRecord.objects.exclude(child=None):
        sexes_per_child[record.child_id].add(record.sex)
    assert all(len(s) == 1 for s in sexes_per_child.values())
    boy = StagedRecord.objects.get(source_record_id="B2")
    assert boy.child_id is None and boy.in_review
    assert ReviewItem.objects.filter(record=boy).exists()


@pytest.mark.django_db
def test_names_keyed_the_wrong_way_round_still_link(tmp_path):
    common = {"date_of_birth": "2021-07-14", "address_line_1": "14 Parfitt Crescent", "postcode": "LS7 3DY", "sex": "M"}
    rows = [
        row(source="gp_registrations", source_record_id="G1", given_name="Robert", family_name="Tiller", **common),
        row(source="local_systems", source_record_id="L1", given_name="Tillr", family_name="Robert", **common),
        row(source="school_census", source_record_id="S1", given_name="Ruth", family_name="Tiller", **common),
    ]
    stage(tmp_path, rows)
    match_run(actor=SYSTEM_MATCHER, model=untrained_model())
    child_of = dict(StagedRecord.objects.values_list("source_record_id", "child_id"))
    assert child_of["G1"] is not None and child_of["L1"] == child_of["G1"]
    assert child_of["S1"] != child_of["G1"]  # his twin sister stays apart
