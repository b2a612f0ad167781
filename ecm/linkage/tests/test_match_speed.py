"""The match's plumbing for speed changes no decision: the training sample's pairs reused, the
bulk connection's cache, the decisions' lazily built group keys."""

from __future__ import annotations

import pytest
from django.db import connection, transaction

from ecm.core.actors import SYSTEM_MATCHER
from ecm.linkage.models import ReviewItem, StagedRecord
from ecm.linkage.tests.helpers import stage, synthetic_rows

pytest.importorskip("splink")
from ecm.linkage.matching import model as splink_model  # noqa: E402
from ecm.linkage.matching.engine import feature_table, learned_names, match_run  # noqa: E402
from ecm.linkage.matching.training import (  # noqa: E402
    estimate_thresholds,
    match_model_train_scoring,
    thresholds_of_sample,
)

pytestmark = pytest.mark.django_db


def _as_tuples(pairs: list) -> list[tuple]:
    return [tuple(pair.items()) for pair in pairs]


def test_the_training_samples_pairs_are_the_pairs_the_match_would_score(tmp_path):
    stage(tmp_path, synthetic_rows(80, seed=11))
    model, sample = match_model_train_scoring(actor=SYSTEM_MATCHER, upper=None, lower=None)
    assert sample is not None  # every record is in the sample: it is kept for the match
    table = feature_table().table
    # The lower threshold may be the floor the sample was scored down to (the review budget has room).
    assert sample.threshold <= model.lower_threshold
    reused = sample.pairs_for(table, model.settings, model.lower_threshold)
    scored = splink_model.predict(table, model.settings, threshold=model.lower_threshold)
    assert reused is not None and len(reused) == len(scored) > 0
    assert _as_tuples(reused) == _as_tuples(scored)
    # Cut higher, nothing is kept that scoring would drop.
    stricter = sample.pairs_for(table, model.settings, 0.5)
    assert stricter is not None and _as_tuples(stricter) == _as_tuples(
        splink_model.predict(table, model.settings, threshold=0.5)
    )
    assert len(sample.pairs) > len(stricter) > 0
    # The thresholds from the kept sample are the ones a second scoring gives.
    assert thresholds_of_sample(sample) == estimate_thresholds(table, model.settings)
    assert (model.upper_threshold, model.lower_threshold) == (
        thresholds_of_sample(sample).upper,  # type: ignore[union-attr]
        thresholds_of_sample(sample).lower,  # type: ignore[union-attr]
    )


def test_the_sample_is_not_reused_for_other_records_a_lower_threshold_or_another_model(tmp_path):
    stage(tmp_path, synthetic_rows(80, seed=11))
    model, sample = match_model_train_scoring(actor=SYSTEM_MATCHER, upper=None, lower=None)
    assert sample is not None
    table = feature_table().table
    assert sample.pairs_for(table, model.settings, sample.threshold / 2) is None
    other = {**model.settings, "probability_two_random_records_match": 0.5}
    assert sample.pairs_for(table, other, model.lower_threshold) is None
    fewer = table.slice(1)
    assert sample.pairs_for(fewer, model.settings, model.lower_threshold) is None
    sample.release()
    assert sample.pairs_for(table, model.settings, model.lower_threshold) is None


def test_thresholds_given_keep_no_sample(tmp_path):
    stage(tmp_path, synthetic_rows(40, seed=11))
    _model, sample = match_model_train_scoring(actor=SYSTEM_MATCHER, upper=0.99, lower=0.8)
    assert sample is None


def _outcome() -> tuple[set[frozenset[str]], set[tuple[str, str]], int]:
    """The records' partition into children, the review pairs and the records left alone (by source id)."""
    children: dict[object, set[str]] = {}
    for child_id, source_record_id in StagedRecord.objects.exclude(child=None).values_list(
        "child_id", "source_record_id"
    ):
        children.setdefault(child_id, set()).add(source_record_id)
    review = set(ReviewItem.objects.values_list("record__source_record_id", "candidate__source_record_id"))
    alone = StagedRecord.objects.filter(child=None, in_review=False).count()
    return {frozenset(ids) for ids in children.values()}, review, alone


def test_a_match_reusing_the_sample_decides_exactly_as_one_scoring_again(tmp_path):
    stage(tmp_path, synthetic_rows(120, seed=13))
    model, sample = match_model_train_scoring(actor=SYSTEM_MATCHER, upper=None, lower=None)
    assert sample is not None
    savepoint = transaction.savepoint()
    reusing = match_run(actor=SYSTEM_MATCHER, model=model, sample=sample)
    with_sample = _outcome()
    assert sample.pairs == [] and sample.table is None  # released once used
    transaction.savepoint_rollback(savepoint)
    assert StagedRecord.objects.exclude(child=None).count() == 0
    scoring = match_run(actor=SYSTEM_MATCHER, model=model)
    assert with_sample == _outcome()
    assert reusing == scoring and reusing.new_children > 0


def test_names_learned_once_for_training_and_the_match_decide_as_each_reading_its_own(tmp_path):
    """The ``match`` command reads the learned names once and gives them to training and to the match."""
    stage(tmp_path, synthetic_rows(120, seed=13))
    learned = learned_names()
    savepoint = transaction.savepoint()
    model, sample = match_model_train_scoring(actor=SYSTEM_MATCHER, upper=None, lower=None, learned=learned)
    once = match_run(actor=SYSTEM_MATCHER, model=model, sample=sample, learned=learned)
    read_once = _outcome()
    transaction.savepoint_rollback(savepoint)
    assert StagedRecord.objects.exclude(child=None).count() == 0
    own_model, own_sample = match_model_train_scoring(actor=SYSTEM_MATCHER, upper=None, lower=None)
    assert {**own_model.settings, "linker_uid": ""} == {**model.settings, "linker_uid": ""}  # a run's own name
    each = match_run(actor=SYSTEM_MATCHER, model=own_model, sample=own_sample)
    assert read_once == _outcome()
    assert once == each and once.new_children > 0


def test_a_bulk_commands_sqlite_connection_gets_a_large_page_cache():
    from ecm.index.bulk import BULK_SQLITE_CACHE_KIB, BULK_SQLITE_CHECKPOINT_PAGES, bulk_connection_prepare

    bulk_connection_prepare()
    if connection.vendor != "sqlite":
        return  # PostgreSQL's buffers are the server's: nothing to set
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        assert cursor.fetchone()[0] == -BULK_SQLITE_CACHE_KIB
        cursor.execute("PRAGMA wal_autocheckpoint")
        assert cursor.fetchone()[0] == BULK_SQLITE_CHECKPOINT_PAGES


def test_the_samples_table_stands_for_the_records_only_while_they_are_the_same_and_all_new(tmp_path):
    from ecm.linkage.matching.engine import sample_features

    stage(tmp_path, synthetic_rows(60, seed=17))
    _model, sample = match_model_train_scoring(actor=SYSTEM_MATCHER, upper=None, lower=None)
    assert sample is not None
    read = feature_table()
    found = sample_features(sample)
    assert found is not None
    assert found.table.equals(read.table) and found.new_ids == read.new_ids and found.child_of == read.child_of
    assert found.identifiers == read.identifiers
    # A record sent to review since: no longer the same records.
    StagedRecord.objects.filter(pk=read.new_ids[0]).update(in_review=True)
    assert sample_features(sample) is None


def test_a_first_load_building_its_indexes_at_the_end_decides_exactly_as_batch_by_batch(tmp_path, settings):
    stage(tmp_path, synthetic_rows(120, seed=13))
    model, _sample = match_model_train_scoring(actor=SYSTEM_MATCHER, upper=None, lower=None)
    savepoint = transaction.savepoint()
    settings.ECM_LINKAGE_FIRST_LOAD_MIN_CHILDREN = 1
    said: list[str] = []
    rebuilt = match_run(actor=SYSTEM_MATCHER, model=model, progress=said.append, chunk_size=15)
    at_the_end = _outcome()
    in_one = [m for m in said if "in one transaction" in m]
    assert len(in_one) == 1 if connection.vendor == "sqlite" else not in_one
    transaction.savepoint_rollback(savepoint)
    settings.ECM_LINKAGE_FIRST_LOAD_MIN_CHILDREN = 10**9
    said.clear()
    batch_by_batch = match_run(actor=SYSTEM_MATCHER, model=model, progress=said.append, chunk_size=15)
    assert not [m for m in said if "in one transaction" in m]
    assert at_the_end == _outcome()
    assert rebuilt == batch_by_batch and rebuilt.new_children > 15


def test_a_first_load_stopped_part_way_leaves_nothing_and_a_rerun_gives_the_clean_runs_outcome(tmp_path, settings):
    from ecm.index.models import Child
    from ecm.linkage.models import MatchRun

    if connection.vendor != "sqlite":
        pytest.skip("the indexes are built at the end on SQLite only")
    stage(tmp_path, synthetic_rows(120, seed=13))
    model, _sample = match_model_train_scoring(actor=SYSTEM_MATCHER, upper=None, lower=None)
    settings.ECM_LINKAGE_FIRST_LOAD_MIN_CHILDREN = 1
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' ORDER BY name")
        indexes = cursor.fetchall()
    savepoint = transaction.savepoint()

    class Crash(Exception):
        pass

    def crash_on_the_second_batch(message: str) -> None:
        if message.startswith("created") and Child.objects.count() > 15:
            raise Crash(message)

    with pytest.raises(Crash):
        match_run(actor=SYSTEM_MATCHER, model=model, progress=crash_on_the_second_batch, chunk_size=15)
    # The whole step rolled back: no new child, the run's progress where it was, every index in place.
    assert Child.objects.count() == 0
    assert StagedRecord.objects.exclude(child=None).count() == 0
    stopped = MatchRun.objects.get(finished_at__isnull=True)
    assert stopped.new_children_done == 0
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' ORDER BY name")
        assert cursor.fetchall() == indexes
    finished = match_run(actor=SYSTEM_MATCHER, model=model, chunk_size=15)
    after_the_crash = _outcome()
    assert MatchRun.objects.filter(finished_at__isnull=True).count() == 0
    transaction.savepoint_rollback(savepoint)
    clean = match_run(actor=SYSTEM_MATCHER, model=model, chunk_size=15)
    assert after_the_crash == _outcome()
    assert finished.new_children == clean.new_children > 15
