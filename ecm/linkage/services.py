"""Writes of record linkage: deliveries and their batches, links, review decisions.

Every function takes ``actor``, runs in one transaction and audits. ``feed_import`` is the
one exception that spans transactions on purpose: it commits a delivery batch by batch
(each batch with its progress row, through ``delivery_batch_stage``), so that a crash
leaves whole batches only and a re-run resumes after the last one.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import Max, Sum

from ecm.audit.services import audit_record
from ecm.core import clock
from ecm.linkage.choices import DeliveryStatus
from ecm.linkage.feeds import count_lines, file_format, file_sha256, read_rows
from ecm.linkage.models import FeedDelivery, FeedSource, ImportBatch, QuarantinedRow, StagedRecord
from ecm.linkage.validation import RowRejected, validate_row

DEFAULT_BATCH_SIZE = 2000


def _actor_label(actor: Any) -> str:
    return str(actor)[:150]


@transaction.atomic
def delivery_open(*, actor: Any, source: FeedSource, path: Path, declared_format: str = "") -> FeedDelivery:
    """The delivery for this file (by its hash): a new one, or the one already (partly) imported."""
    fmt = file_format(path, declared_format)
    sha = file_sha256(path)
    delivery = FeedDelivery.objects.select_for_update().filter(source=source, file_sha256=sha).first()
    if delivery is not None:
        return delivery
    delivery = FeedDelivery.objects.create(
        source=source,
        file_name=path.name[:255],
        file_sha256=sha,
        file_format=fmt,
        imported_by=_actor_label(actor),
        started_at=clock.now(),
    )
    audit_record(
        actor=actor,
        action="linkage.delivery_started",
        target=delivery,
        data={"source": source.name, "file_name": delivery.file_name, "sha256": sha},
    )
    return delivery


@transaction.atomic
def delivery_batch_stage(
    *,
    actor: Any,
    delivery: FeedDelivery,
    first_line: int,
    last_line: int,
    staged: list[StagedRecord],
    quarantined: list[QuarantinedRow],
) -> ImportBatch:
    """Commit one batch of rows with its progress row; the unique range stops it being applied twice."""
    StagedRecord.objects.bulk_create(staged)
    QuarantinedRow.objects.bulk_create(quarantined)
    batch = ImportBatch.objects.create(
        delivery=delivery,
        first_line=first_line,
        last_line=last_line,
        rows_staged=len(staged),
        rows_quarantined=len(quarantined),
        values_set_aside=sum(len(r.warnings) for r in staged),
        committed_at=clock.now(),
    )
    audit_record(
        actor=actor,
        action="linkage.batch_staged",
        target=delivery,
        data={
            "first_line": first_line,
            "last_line": last_line,
            "staged": len(staged),
            "quarantined": len(quarantined),
        },
    )
    return batch


@transaction.atomic
def delivery_complete(*, actor: Any, delivery: FeedDelivery) -> FeedDelivery:
    """Close the delivery with its counts, summed from its committed batches."""
    totals = delivery.batches.aggregate(
        staged=Sum("rows_staged"), quarantined=Sum("rows_quarantined"), set_aside=Sum("values_set_aside")
    )
    delivery.rows_staged = totals["staged"] or 0
    delivery.rows_quarantined = totals["quarantined"] or 0
    delivery.values_set_aside = totals["set_aside"] or 0
    delivery.rows_read = delivery.rows_staged + delivery.rows_quarantined
    delivery.status = DeliveryStatus.COMPLETE
    delivery.completed_at = clock.now()
    delivery.save()
    audit_record(
        actor=actor,
        action="linkage.delivery_imported",
        target=delivery,
        data={
            "source": delivery.source.name,
            "sha256": delivery.file_sha256,
            "rows": delivery.rows_read,
            "staged": delivery.rows_staged,
            "quarantined": delivery.rows_quarantined,
            "values_set_aside": delivery.values_set_aside,
        },
    )
    return delivery


def feed_import(
    *,
    actor: Any,
    source: FeedSource,
    path: Path,
    declared_format: str = "",
    batch_size: int = DEFAULT_BATCH_SIZE,
    progress: Callable[[int, int], None] | None = None,
    pause_between_batches: float = 0.0,
) -> tuple[FeedDelivery, bool]:
    """Validate and stage every row of a file; ``(delivery, already_imported)``.

    Idempotent: the same file (by hash) is imported once; a partial import resumes after
    its last committed batch. Rows are read in file order, so batch ranges are stable.
    """
    delivery = delivery_open(actor=actor, source=source, path=path, declared_format=declared_format)
    if delivery.status == DeliveryStatus.COMPLETE:
        return delivery, True
    resume_after = delivery.batches.aggregate(last=Max("last_line"))["last"] or 0
    total_lines = count_lines(path) if progress else 0
    today = clock.today()
    staged: list[StagedRecord] = []
    quarantined: list[QuarantinedRow] = []
    first_line = 0
    last_line = 0

    def flush() -> None:
        nonlocal staged, quarantined, first_line
        if not staged and not quarantined:
            return
        delivery_batch_stage(
            actor=actor,
            delivery=delivery,
            first_line=first_line,
            last_line=last_line,
            staged=staged,
            quarantined=quarantined,
        )
        staged, quarantined, first_line = [], [], 0
        if progress:
            progress(last_line, total_lines)
        if pause_between_batches:
            time.sleep(pause_between_batches)

    for line, raw, problem in read_rows(path, delivery.file_format):
        if line <= resume_after:
            continue
        first_line = first_line or line
        last_line = line
        if raw is None:
            quarantined.append(QuarantinedRow(delivery=delivery, line_number=line, reason=problem, raw={}))
        else:
            try:
                values, warnings = validate_row(raw, today=today)
            except RowRejected as error:
                clean = {str(k): str(v)[:200] for k, v in raw.items() if v not in (None, "")}
                quarantined.append(QuarantinedRow(delivery=delivery, line_number=line, reason=str(error), raw=clean))
            else:
                staged.append(
                    StagedRecord(source=source, delivery=delivery, line_number=line, warnings=warnings, **values)
                )
        if len(staged) + len(quarantined) >= batch_size:
            flush()
    flush()
    if progress:
        progress(total_lines, total_lines)
    return delivery_complete(actor=actor, delivery=delivery), False
