#!/usr/bin/env python3
"""Child index search benchmark: exact and fuzzy search p50/p95 and record-open latency.

Generates N synthetic children (Faker en_GB names weighted by frequency, carers, previous
names and addresses, involvements) with bulk_create, then times the real selectors
(``child_search`` and ``child_record_open``, audit writes included) on SQLite (a temporary
file) and PostgreSQL (database ``ecm_index_bench``, or BENCH_INDEX_POSTGRES_URL), and prints a
Markdown table for docs/performance.md.

    .venv/bin/python bench/index_search.py [--children 100000] [--queries 300] [--only postgresql|sqlite] [--sqlite-file F]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BATCH = 5000


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def _copy(connection, model, rows) -> None:  # noqa: ANN001 - Django objects, typed loosely in a script
    """Write model instances with PostgreSQL's COPY: the values prepared by each field, as the ORM would."""
    fields = [f for f in model._meta.concrete_fields if not (f.primary_key and getattr(f, "db_returning", False))]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    with connection.cursor() as cursor:
        raw = cursor.cursor  # psycopg's own cursor under Django's wrapper
        with raw.copy(f"COPY {connection.ops.quote_name(model._meta.db_table)} ({columns}) FROM STDIN") as copy:
            for obj in rows:
                copy.write_row([f.get_db_prep_save(getattr(obj, f.attname), connection) for f in fields])


def child(args: argparse.Namespace) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from faker.providers.person.en_GB import Provider as Names

    from ecm.accounts.choices import OrganisationType, Role
    from ecm.accounts.models import LocalAuthority, Organisation, RoleAssignment, User
    from ecm.core import clock
    from ecm.index.choices import AccessReason, CarerRelationship, ServiceCategory
    from ecm.index.models import Carer, Child, ChildAddress, ChildName, Involvement
    from ecm.index.search import matcher
    from ecm.index.search.criteria import SearchCriteria
    from ecm.index.search.keys import luhn_check_digit, metaphone, nicknames, normalise_name, normalise_postcode
    from ecm.index.selectors import child_record_open, child_search

    call_command("migrate", verbosity=0)
    rng = random.Random(42)
    today = clock.today()
    now = clock.now()
    area, _ = LocalAuthority.objects.get_or_create(code="E08000035", defaults={"name": "Leeds"})
    orgs = []
    for code, kind in (
        ("BENCH-SCH", OrganisationType.SCHOOL),
        ("BENCH-GP", OrganisationType.GP_PRACTICE),
        ("BENCH-NHS", OrganisationType.NHS_TRUST),
    ):
        org, _ = Organisation.objects.get_or_create(
            code=code,
            defaults={"name": code, "organisation_type": kind, "local_authority": area, "accredited_on": today},
        )
        orgs.append(org)
    user, created = User.objects.get_or_create(
        username="bench-practitioner",
        defaults={
            "organisation": orgs[2],
            "vetting_checked_on": today,
            "training_completed_on": today,
            "agreement_signed_on": today,
            "first_name": "Bench",
            "last_name": "User",
        },
    )
    if created:
        RoleAssignment.objects.create(user=user, role=Role.PRACTITIONER)

    surnames, weights = zip(*Names.last_names.items(), strict=True)
    girls, boys = list(Names.first_names_female), list(Names.first_names_male)
    districts = [f"LS{n}" for n in range(1, 30)] + [f"BD{n}" for n in range(1, 24)] + [f"M{n}" for n in range(1, 40)]

    def postcode() -> str:
        letters = "ABDEFGHJLNPQRSTUWXYZ"
        return f"{rng.choice(districts)} {rng.randint(1, 9)}{rng.choice(letters)}{rng.choice(letters)}"

    existing = Child.objects.count()
    start = time.perf_counter()
    n = existing
    while n < args.children:
        size = min(BATCH, args.children - n)
        children, names, addresses, carers, involvements = [], [], [], [], []
        for _ in range(size):
            n += 1
            female = rng.random() < 0.5
            given = rng.choice(girls if female else boys)
            family = rng.choices(surnames, weights)[0]
            born = today - dt.timedelta(days=rng.randint(0, 18 * 365 - 1))
            body = f"{10**10 + n:011d}"
            c = Child(
                id=uuid.uuid4(),
                index_number=body + luhn_check_digit(body),
                given_name=given,
                family_name=family,
                date_of_birth=born,
                gender="female" if female else "male",
                local_authority=area,
                school=orgs[0] if rng.random() < 0.8 else None,
                gp_practice=orgs[1] if rng.random() < 0.95 else None,
                created_at=now,
                modified_at=now,
                created_by_label="bench",
                modified_by_label="bench",
            )
            children.append(c)
            names.append(
                ChildName(
                    child=c,
                    given_name=given,
                    family_name=family,
                    given_norm=normalise_name(given),
                    family_norm=normalise_name(family),
                    given_phonetic=metaphone(given),
                    family_phonetic=metaphone(family),
                    birth_date=born,
                    is_current=True,
                )
            )
            if rng.random() < 0.05:
                old = rng.choices(surnames, weights)[0]
                names.append(
                    ChildName(
                        child=c,
                        given_name=given,
                        family_name=old,
                        given_norm=normalise_name(given),
                        family_norm=normalise_name(old),
                        given_phonetic=metaphone(given),
                        family_phonetic=metaphone(old),
                        birth_date=born,
                        is_current=False,
                    )
                )
            for current in [True, False] if rng.random() < 0.2 else [True]:
                code = postcode()
                addresses.append(
                    ChildAddress(
                        child=c,
                        address_line_1=f"{rng.randint(1, 200)} High Street",
                        postcode=normalise_postcode(code),
                        postcode_norm=normalise_postcode(code),
                        birth_date=born,
                        is_current=current,
                    )
                )
            for relationship in (
                [CarerRelationship.MOTHER, CarerRelationship.FATHER]
                if rng.random() < 0.6
                else [CarerRelationship.MOTHER]
            ):
                carers.append(
                    Carer(
                        child=c,
                        given_name=rng.choice(girls if relationship == "mother" else boys),
                        family_name=family,
                        relationship=relationship,
                        phone="07700 900123",
                        created_at=now,
                        modified_at=now,
                    )
                )
            if rng.random() < 0.3:
                involvements.append(
                    Involvement(
                        child=c,
                        practitioner=user,
                        organisation=orgs[2],
                        service="Health visiting",
                        service_category=ServiceCategory.HEALTH,
                        started_on=today,
                        created_at=now,
                        modified_at=now,
                    )
                )
        with transaction.atomic():
            for model, rows in (
                (Child, children),
                (ChildName, names),
                (ChildAddress, addresses),
                (Carer, carers),
                (Involvement, involvements),
            ):
                if connection.vendor == "postgresql":
                    _copy(connection, model, rows)  # COPY: several times faster than INSERT for 1,000,000
                else:
                    model.objects.bulk_create(rows)
        if n % 100_000 < BATCH:
            print(f"{n:,} children loaded", file=sys.stderr, flush=True)
    load_seconds = time.perf_counter() - start
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    else:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    sample_ids = (
        list(Child.objects.order_by("?").values_list("id", flat=True)[: args.queries])
        if connection.vendor == "sqlite" or args.children <= 200_000
        else list(Child.objects.filter(index_number__endswith="7").values_list("id", flat=True)[: args.queries])
    )
    sample = list(Child.objects.filter(id__in=sample_ids).prefetch_related("addresses"))
    exact, fuzzy, opens, outcomes = [], [], [], {"ok": 0, "too_many": 0, "none": 0}
    find_exact, find_fuzzy = [], []
    statuses = ["active", "deceased"]
    for c in sample:
        criteria = SearchCriteria(family_name=c.family_name, birth_date=c.date_of_birth)
        t = time.perf_counter()
        result = child_search(actor=user, criteria=criteria)
        exact.append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        matcher.find(criteria, statuses=statuses)
        find_exact.append((time.perf_counter() - t) * 1000)
        outcomes[result.outcome] += 1
        variant = sorted(nicknames(c.given_name)) or [c.given_name]
        family = (
            c.family_name[:-1] + ("y" if c.family_name[-1] == "i" else "i") if len(c.family_name) > 4 else c.family_name
        )
        criteria = SearchCriteria(given_name=variant[0], family_name=family, birth_date=c.date_of_birth, fuzzy=True)
        t = time.perf_counter()
        child_search(actor=user, criteria=criteria)
        fuzzy.append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        matcher.find(criteria, statuses=statuses)
        find_fuzzy.append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        fresh = Child.objects.select_related("school", "gp_practice", "local_authority").get(pk=c.pk)
        child_record_open(actor=user, child=fresh, reason_code=AccessReason.CHECK_IDENTITY)
        opens.append((time.perf_counter() - t) * 1000)
    print(
        json.dumps(
            {
                "vendor": connection.vendor,
                "children": Child.objects.count(),
                "load_seconds": load_seconds,
                "queries": len(sample),
                "outcomes": outcomes,
                "exact_p50": statistics.median(exact),
                "exact_p95": percentile(exact, 95),
                "fuzzy_p50": statistics.median(fuzzy),
                "fuzzy_p95": percentile(fuzzy, 95),
                "find_exact_p95": percentile(find_exact, 95),
                "find_fuzzy_p95": percentile(find_fuzzy, 95),
                "open_p50": statistics.median(opens),
                "open_p95": percentile(opens, 95),
            }
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--children", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--only", choices=["postgresql", "sqlite"])
    parser.add_argument(
        "--sqlite-file",
        help="keep the SQLite database in this file (a second run with the same size skips loading and only times)",
    )
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
        return
    pg_url = os.environ.get("BENCH_INDEX_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/ecm_index_bench")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        targets = []
        if args.only != "postgresql":
            targets.append(
                f"sqlite:///{Path(args.sqlite_file).resolve() if args.sqlite_file else f'{tmp}/bench.sqlite3'}"
            )
        if args.only != "sqlite":
            subprocess.run(
                ["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", "ecm_index_bench"], check=False
            )
            subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", "ecm_index_bench"], check=False)
            targets.append(pg_url)
        for url in targets:
            env = {**os.environ, "DATABASE_URL": url, "ECM_ENV": "development", "DJANGO_DEBUG": "0"}
            out = subprocess.run(
                [sys.executable, __file__, "--child", f"--children={args.children}", f"--queries={args.queries}"],
                env=env,
                capture_output=True,
                text=True,
            )
            if out.returncode:
                print(out.stderr[-3000:], file=sys.stderr)
                raise SystemExit(out.returncode)
            rows.append(json.loads(out.stdout.strip().splitlines()[-1]))
    print(f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print(
        "| database | children | exact p50 / p95 (ms) | fuzzy p50 / p95 (ms) | matching only, exact / fuzzy p95 (ms) "
        "| record open p50 / p95 (ms) | exact outcomes (ok / too many / none) | load (s) |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for r in rows:
        o = r["outcomes"]
        print(
            f"| {r['vendor']} | {r['children']:,} | {r['exact_p50']:.1f} / {r['exact_p95']:.1f} | "
            f"{r['fuzzy_p50']:.1f} / {r['fuzzy_p95']:.1f} | "
            f"{r.get('find_exact_p95', 0):.1f} / {r.get('find_fuzzy_p95', 0):.1f} | "
            f"{r['open_p50']:.1f} / {r['open_p95']:.1f} | "
            f"{o['ok']} / {o['too_many']} / {o['none']} | {r['load_seconds']:.0f} |"
        )


if __name__ == "__main__":
    main()
