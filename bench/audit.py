#!/usr/bin/env python3
"""Audit trail benchmark: audited events appended per second, and chain verification rate.

Runs on SQLite (a temporary file) and on PostgreSQL (database ``ecm_bench`` at 127.0.0.1:5432,
or BENCH_POSTGRES_URL), five runs each, and prints the medians as a Markdown table for
docs/performance.md. Each appended event is its own transaction through ``audit_record``,
as a service writes it: first from one client, then from --clients processes at once (as
concurrent requests write them; on PostgreSQL they take different chain heads). Verification reads a chain of --verify-events events built with the
same hashing code (bulk-inserted so the benchmark does not take an hour to set up).

    .venv/bin/python bench/audit.py [--append-events 2000] [--verify-events 200000] [--runs 5] [--clients 4]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def child(args: argparse.Namespace) -> None:
    """Runs inside one process per database (Django settings are fixed per process)."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from ecm.audit import chain
    from ecm.audit.models import AuditChainHead, AuditEvent
    from ecm.audit.selectors import audit_chain_verify
    from ecm.audit.services import audit_record
    from ecm.core import clock
    from ecm.core.actors import SystemActor

    call_command("migrate", verbosity=0)
    actor = SystemActor("benchmark")

    def append(count: int, offset: int = 0) -> None:
        for i in range(offset, offset + count):
            with transaction.atomic():
                audit_record(actor=actor, action="bench.append", object_type="bench", object_id=str(i), data={"i": i})

    def append_in_process(bounds: tuple[int, int]) -> None:
        from django.db import connections

        connections.close_all()  # a forked client opens its own connection
        append(*bounds)
        connections.close_all()

    import multiprocessing

    append_rates, concurrent_rates = [], []
    for _ in range(args.runs):
        start = time.perf_counter()
        append(args.append_events)
        append_rates.append(args.append_events / (time.perf_counter() - start))
        # The same number of events from --clients processes at once, as concurrent requests write them.
        per_client = args.append_events // args.clients
        connection.close()
        start = time.perf_counter()
        clients = [
            multiprocessing.get_context("fork").Process(target=append_in_process, args=((per_client, k * per_client),))
            for k in range(args.clients)
        ]
        for client in clients:
            client.start()
        for client in clients:
            client.join()
            assert client.exitcode == 0, "a concurrent client failed"
        concurrent_rates.append(per_client * args.clients / (time.perf_counter() - start))

    # Extend chain 1 to --verify-events events in all with the real hashing code, in bulk.
    with transaction.atomic():
        head = AuditChainHead.objects.select_for_update().get(pk=1)
        missing = args.verify_events - AuditEvent.objects.count()
        previous, count = head.last_hash, head.event_count
        sequence = AuditEvent.objects.order_by("-sequence").values_list("sequence", flat=True).first() or 0
        batch = []
        now = clock.now()
        for _ in range(max(missing, 0)):
            sequence += 1
            count += 1
            values = {
                "sequence": sequence,
                "occurred_at": now,
                "actor_type": "system",
                "actor_id": "",
                "actor_label": "benchmark",
                "actor_roles": "",
                "actor_organisation": "",
                "on_behalf_of": "",
                "action": "bench.bulk",
                "object_type": "bench",
                "object_id": str(sequence),
                "reason": "",
                "request_id": "",
                "ip_address": None,
                "data": {"n": sequence},
            }
            values["previous_hash"] = previous
            values["hash"] = previous = chain.event_hash(previous, values)
            batch.append(AuditEvent(chain=1, **values))
            if len(batch) == 10_000:
                AuditEvent.objects.bulk_create(batch)
                batch = []
        AuditEvent.objects.bulk_create(batch)
        AuditChainHead.objects.filter(pk=1).update(last_sequence=sequence, last_hash=previous, event_count=count)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT setval(pg_get_serial_sequence('audit_auditevent', 'sequence'), %s)", [sequence])

    from ecm.audit.management.commands.verify_audit import default_workers

    workers = default_workers()
    verify_rates = []
    total = 0
    for _ in range(args.runs):
        start = time.perf_counter()
        report = audit_chain_verify(workers=workers)
        elapsed = time.perf_counter() - start
        assert report.ok, report.problem
        total = report.events
        verify_rates.append(report.events / elapsed)

    print(
        json.dumps(
            {
                "vendor": connection.vendor,
                "append_median": statistics.median(append_rates),
                "concurrent_median": statistics.median(concurrent_rates),
                "clients": args.clients,
                "chains": sorted(set(AuditEvent.objects.values_list("chain", flat=True))),
                "verify_median": statistics.median(verify_rates),
                "events_verified": total,
                "workers": workers,
                "append_events": args.append_events,
                "runs": args.runs,
            }
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--append-events", type=int, default=2000)
    parser.add_argument("--verify-events", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--clients", type=int, default=4, help="processes appending at once in the concurrent run")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
        return

    pg_url = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/ecm_bench")
    subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", "ecm_bench"], check=False)
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", "ecm_bench"], check=False)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for url in (f"sqlite:///{tmp}/bench.sqlite3", pg_url):
            env = {**os.environ, "DATABASE_URL": url, "ECM_ENV": "development", "DJANGO_DEBUG": "0"}
            out = (
                subprocess.run(
                    [
                        sys.executable,
                        __file__,
                        "--child",
                        f"--append-events={args.append_events}",
                        f"--verify-events={args.verify_events}",
                        f"--runs={args.runs}",
                        f"--clients={args.clients}",
                    ],
                    env=env,
                    capture_output=True,
                    text=True,
                    check=True,
                )
                .stdout.strip()
                .splitlines()[-1]
            )
            rows.append(json.loads(out))
    print(f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print(
        "| database | appended per second, one client | appended per second, "
        f"{args.clients} clients at once | chains used | chain verified, events per second | verifying processes "
        "| events verified |"
    )
    print("|---|---|---|---|---|---|---|")
    for r in rows:
        print(
            f"| {r['vendor']} | {r['append_median']:,.0f} | {r['concurrent_median']:,.0f} | {len(r['chains'])} "
            f"| {r['verify_median']:,.0f} | {r['workers']} | {r['events_verified']:,} |"
        )


if __name__ == "__main__":
    main()
