#!/usr/bin/env python3
"""Monitoring dashboard benchmark: the dashboard page over N CAFs with their reviews.

Generates N CAFs (default 100,000) in one area with bulk inserts (children with current addresses
in 20 postcode districts, consent, the latest form version with equality fields, team members,
a first TAC meeting for most, plan actions, 1-4 reviews with progress on each outcome, closures
with progress and family feedback for about half), spread over three years and eight agencies.
Then it runs the real aggregates refresh (``aggregates_refresh``, as ``manage.py monitoring_refresh``
does) and times ``GET /monitoring/`` through Django's test client, signed in as a manager, with a
random period (3, 12 or 24 months), locality (all or one) and agency (all or one) per request.

Each run reports the page's p50 and p95; the figure recorded is the median over ``--runs`` runs.
Target (issue 9): p95 at most 300 ms on PostgreSQL on a 2-core machine. Default database
``ecm_monitoring_bench`` (or BENCH_MONITORING_POSTGRES_URL); ``--only sqlite`` for SQLite.

    .venv/bin/python bench/monitoring.py [--cafs 100000] [--requests 200] [--runs 3] [--only sqlite|postgresql] [--write]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
SECTION = "## Monitoring dashboard"
TARGET_MS = 300.0
DISTRICTS = [f"LS{n}" for n in range(1, 21)]


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[k]


def generate(n: int, rng: random.Random) -> dict[str, object]:
    """Bulk-insert n CAFs and everything the dashboard counts. Returns the area and a manager."""
    from django.db import transaction
    from django.utils import timezone

    from ecm.accounts.choices import OrganisationType, Role
    from ecm.accounts.models import LocalAuthority, Organisation, RoleAssignment, User
    from ecm.caf.choices import CafStatus, ClosureReason, MemberKind, Outcome, OutcomeRating
    from ecm.caf.models import (
        Assessment,
        AssessmentVersion,
        CafRequest,
        Checklist,
        Meeting,
        OutcomeProgress,
        PlanAction,
        Review,
        TeamMember,
    )
    from ecm.consent.models import ConsentRecord
    from ecm.index.models import Child, ChildAddress

    today = dt.date.today()
    area = LocalAuthority.objects.create(code="E08099999", name="Benchmark area")
    types = [t for t in OrganisationType.values if t != OrganisationType.OTHER]
    orgs = [
        Organisation.objects.create(
            code=f"BENCH{i}", name=f"Bench {t} {i}", organisation_type=t, local_authority=area,
            accredited_on=today - dt.timedelta(days=2000),
        )
        for i, t in enumerate(types * 3)
    ]  # fmt: skip
    authors = []
    for i in range(200):
        user = User.objects.create(
            username=f"bench{i}", organisation=orgs[i % len(orgs)], vetting_checked_on=today,
            training_completed_on=today if i % 3 else None, agreement_signed_on=today,
        )  # fmt: skip
        RoleAssignment.objects.create(user=user, role=Role.PRACTITIONER)
        authors.append(user)
    manager = User.objects.create(
        username="benchmanager", organisation=orgs[0], vetting_checked_on=today, training_completed_on=today,
        agreement_signed_on=today,
    )  # fmt: skip
    RoleAssignment.objects.create(user=manager, role=Role.MANAGER)
    ethnicities = ["White British", "Pakistani", "Indian", "Black African", "Mixed", "Chinese", "", "White other"]
    religions = ["No religion", "Christian", "Muslim", "Hindu", "Sikh", "Jewish", ""]
    outcomes = list(Outcome.values)
    ratings = list(OutcomeRating.values)
    batch = 2000
    for offset in range(0, n, batch):
        size = min(batch, n - offset)
        children, addresses, consents, cafs, versions, members, meetings = [], [], [], [], [], [], []
        actions, reviews, progress, checklists, requests = [], [], [], [], []
        for i in range(offset, offset + size):
            born = today - dt.timedelta(days=rng.randint(0, 17 * 365))
            child = Child(
                index_number=f"{i:012d}", given_name="Bench", family_name=f"Child{i}", date_of_birth=born,
                gender=rng.choice(["male", "female", "female", "male", "unknown"]), local_authority=area,
            )  # fmt: skip
            children.append(child)
            district = rng.choice(DISTRICTS)
            addresses.append(
                ChildAddress(child=child, address_line_1="1 Bench Street", postcode=f"{district} 1AA",
                             postcode_norm=f"{district}1AA", is_current=True)
            )  # fmt: skip
            author = rng.choice(authors)
            started = today - dt.timedelta(days=rng.randint(0, 3 * 365))
            consent = ConsentRecord(
                child=child, practitioner=author, organisation=author.organisation, given_by="parent",
                undertake=True, record=True, share=True, form="written", given_on=started,
                review_on=started + dt.timedelta(days=365),
            )  # fmt: skip
            consents.append(consent)
            checklist = None
            if rng.random() < 0.4:
                checklist = Checklist(practitioner=author, child=child, decision="full_caf", answers={})
                checklist.created_at = timezone.make_aware(dt.datetime.combine(started, dt.time(9)))
                checklists.append(checklist)
                if rng.random() < 0.5:
                    req = CafRequest(checklist=checklist, requester=author, recipient=rng.choice(authors), note="x")
                    req.created_at = checklist.created_at - dt.timedelta(days=rng.randint(1, 60))
                    requests.append(req)
            completed = started + dt.timedelta(days=rng.randint(0, 30)) if rng.random() < 0.9 else None
            completed = completed if completed and completed <= today else None
            caf = Assessment(
                reference=f"B{i:09d}", child=child, author=author, author_organisation=author.organisation,
                consent=consent, checklist=checklist, started_on=started, completed_on=completed, version=1,
                status=CafStatus.COMPLETED if completed else CafStatus.DRAFT,
                stepped_down_from="csc_initial" if rng.random() < 0.05 else "",
            )  # fmt: skip
            cafs.append(caf)
            versions.append(
                AssessmentVersion(assessment=caf, number=1, data={
                    "ethnicity": rng.choice(ethnicities), "religion": rng.choice(religions),
                    "disability": rng.choice(["None", "None", "Autism", ""]), "reason": "Bench",
                    "general_health__needs": "Bench",
                })
            )  # fmt: skip
            member = TeamMember(assessment=caf, kind=MemberKind.PRACTITIONER, user=author,
                                organisation=author.organisation, name="Bench", added_on=started)  # fmt: skip
            members.append(member)
            if not completed:
                continue
            if rng.random() < 0.8:
                held = completed + dt.timedelta(days=rng.randint(3, 60))
                if held <= today:
                    meetings.append(Meeting(assessment=caf, held_on=held, notes="Bench"))
            plan = rng.sample(outcomes, rng.randint(1, 3))
            for outcome in plan:
                actions.append(PlanAction(assessment=caf, what="Bench", responsible=member, due_on=completed,
                                          outcome_wanted="Bench", outcome=outcome))  # fmt: skip
            held = completed
            level = {o: rng.randint(0, 2) for o in plan}
            for _ in range(rng.randint(1, 4)):
                held = held + dt.timedelta(days=rng.randint(35, 56))
                if held > today:
                    break
                review = Review(assessment=caf, held_on=held, present="Bench", progress_notes="Bench",
                                next_review_on=held + dt.timedelta(weeks=6))  # fmt: skip
                reviews.append(review)
                for o in plan:
                    progress.append(OutcomeProgress(assessment=caf, review=review, outcome=o, rating=ratings[level[o]]))
                    level[o] = min(3, level[o] + rng.choice([0, 1]))
            else:
                if rng.random() < 0.6 and held <= today:
                    caf.status = CafStatus.CLOSED
                    caf.closed_on = held
                    caf.closure_reason = rng.choice(ClosureReason.values)
                    caf.family_feedback_rating = rng.choice(["", "not_helpful", "quite_helpful", "very_helpful"])
                    if caf.closure_reason == ClosureReason.STEPPED_UP:
                        caf.step_up_referred_on = held
                    for o in plan:
                        progress.append(OutcomeProgress(assessment=caf, at_closure=True, outcome=o,
                                                        rating=ratings[level[o]]))  # fmt: skip
            if caf.status != CafStatus.CLOSED:
                caf.next_review_on = held + dt.timedelta(weeks=6)
        with transaction.atomic():
            for model, rows in (
                (Child, children), (ChildAddress, addresses), (ConsentRecord, consents), (Checklist, checklists),
                (CafRequest, requests), (Assessment, cafs), (AssessmentVersion, versions), (TeamMember, members),
                (Meeting, meetings), (PlanAction, actions), (Review, reviews), (OutcomeProgress, progress),
            ):  # fmt: skip
                model.objects.bulk_create(rows, batch_size=1000)
    return {"area": area, "manager": manager}


def child(args: argparse.Namespace) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from ecm.accounts.models import UserSession
    from ecm.caf.models import Assessment, Review
    from ecm.core import clock
    from ecm.monitoring.services import SYSTEM_MONITORING, aggregates_refresh

    call_command("migrate", verbosity=0)
    rng = random.Random(20261124)
    start = time.perf_counter()
    made = generate(args.cafs, rng)
    load_seconds = time.perf_counter() - start
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    start = time.perf_counter()
    refresh = aggregates_refresh(actor=SYSTEM_MONITORING, area=made["area"])
    refresh_seconds = time.perf_counter() - start
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")

    manager = made["manager"]
    device = TOTPDevice.objects.create(user=manager, name="Bench", confirmed=True)
    client = Client()
    client.force_login(manager, backend="ecm.accounts.backends.PractitionerBackend")
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session["ecm_signed_in_at"] = clock.now().isoformat()
    session["ecm_last_activity"] = clock.now().isoformat()
    session.save()
    UserSession.objects.create(user=manager, session_key=session.session_key)

    today = dt.date.today()
    agencies = ["", "", "school", "nhs_trust", "la_service", "voluntary"]
    from ecm.monitoring.tables import Filters, dashboard_tables
    from ecm.monitoring.templatetags.monitoring_tables import monitoring_table

    runs = []
    for _ in range(args.runs):
        times, own = [], []
        for _ in range(args.requests):
            months = rng.choice([3, 12, 24])
            first = dt.date(today.year, today.month, 1) - dt.timedelta(days=31 * (months - 1))
            params = {"start": f"{first:%Y-%m}", "end": f"{today:%Y-%m}"}
            if rng.random() < 0.4:
                params["locality"] = rng.choice(DISTRICTS)
            agency = rng.choice(agencies)
            if agency:
                params["agency"] = agency
            t = time.perf_counter()
            filters = Filters(
                area=made["area"], start=first, end=dt.date(today.year, today.month, 1),
                locality=params.get("locality", ""), agency=params.get("agency", ""),
            )  # fmt: skip
            "".join(monitoring_table(table) for table in dashboard_tables(filters))
            own.append((time.perf_counter() - t) * 1000)
            t = time.perf_counter()
            response = client.get("/monitoring/", params)
            times.append((time.perf_counter() - t) * 1000)
            assert response.status_code == 200, response.status_code
            session = client.session
            session["ecm_last_activity"] = clock.now().isoformat()
            session.save()
        runs.append({"p50": statistics.median(times), "p95": percentile(times, 95), "own_p95": percentile(own, 95)})
    print(
        json.dumps(
            {
                "vendor": connection.vendor,
                "cafs": Assessment.objects.count(),
                "reviews": Review.objects.count(),
                "aggregate_rows": refresh.rows,
                "load_seconds": load_seconds,
                "refresh_seconds": refresh_seconds,
                "requests": args.requests,
                "runs": args.runs,
                "p50": statistics.median(r["p50"] for r in runs),
                "p95": statistics.median(r["p95"] for r in runs),
                "p95_each_run": [round(r["p95"], 1) for r in runs],
                "own_p95": statistics.median(r["own_p95"] for r in runs),
            }
        )
    )


def table(rows: list[dict[str, object]]) -> str:
    lines = [
        "| database | CAFs | reviews | aggregate rows | page p50 / p95 (ms) | p95 of each run | "
        "tables only p95 (ms) | refresh (s) | load (s) |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['vendor']} | {r['cafs']:,} | {r['reviews']:,} | {r['aggregate_rows']:,} | "
            f"{r['p50']:.1f} / {r['p95']:.1f} | {', '.join(str(x) for x in r['p95_each_run'])} | "  # type: ignore[union-attr]
            f"{r['own_p95']:.1f} | {r['refresh_seconds']:.1f} | {r['load_seconds']:.0f} |"
        )
    return "\n".join(lines)


def write_section(rows: list[dict[str, object]], args: argparse.Namespace) -> None:
    path = ROOT / "docs" / "performance.md"
    text = path.read_text() if path.exists() else "# Performance\n"
    met = all(float(r["p95"]) <= TARGET_MS for r in rows if r["vendor"] == "postgresql")  # type: ignore[arg-type]
    body = f"""{SECTION} (`bench/monitoring.py`)

`.venv/bin/python bench/monitoring.py --cafs {args.cafs} --requests {args.requests} --runs {args.runs} --write`.
See the script's docstring for the dataset. The page reads stored monthly aggregates only
(`MonthlyCount`, with the all-localities and all-agencies totals stored), so its time does not grow
with the number of CAFs; the refresh job does. "Tables only" times the monitoring code itself
(reading the aggregates, protecting every table, rendering the tables and charts) without the
request, the middleware and the page layout.

Target (issue 9): p95 at most {TARGET_MS:.0f} ms on PostgreSQL. **{"Met" if met else "Not met"} in this run.**

Run on {dt.date.today():%Y-%m-%d}, {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()},
PostgreSQL on the same machine; load average {os.getloadavg()[0]:.1f} when it finished. Figures are the
median of {args.runs} runs of {args.requests} requests:

{table(rows)}
"""
    pattern = re.compile(rf"^{re.escape(SECTION)}.*?(?=^## |\Z)", re.S | re.M)
    text = pattern.sub(body + "\n", text) if pattern.search(text) else text.rstrip("\n") + "\n\n" + body
    path.write_text(text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cafs", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--only", choices=["postgresql", "sqlite"])
    parser.add_argument("--write", action="store_true", help="Write the results into docs/performance.md")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
        return
    pg_url = os.environ.get("BENCH_MONITORING_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/ecm_monitoring_bench")
    db = urlparse(pg_url).path.lstrip("/")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        targets = []
        if args.only != "sqlite":
            subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", db], check=False)
            subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", db], check=False)
            targets.append(pg_url)
        if args.only != "postgresql":
            targets.append(f"sqlite:///{tmp}/bench.sqlite3")
        for url in targets:
            env = {**os.environ, "DATABASE_URL": url, "ECM_ENV": "development", "DJANGO_DEBUG": "0"}
            out = subprocess.run(
                [sys.executable, __file__, "--child", f"--cafs={args.cafs}", f"--requests={args.requests}",
                 f"--runs={args.runs}"],
                env=env,
                capture_output=True,
                text=True,
            )  # fmt: skip
            if out.returncode:
                print(out.stderr[-3000:], file=sys.stderr)
                raise SystemExit(out.returncode)
            rows.append(json.loads(out.stdout.strip().splitlines()[-1]))
    print(f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print(table(rows))
    if args.write:
        write_section(rows, args)


if __name__ == "__main__":
    main()
