#!/usr/bin/env python3
"""CPU time of one search request inside Django, FHIR and HTML: the part of the load benchmark
(``bench/load.py``) that the code controls, measured so that other work on the machine barely
moves it.

Runs Django's test client in one process with production settings against PostgreSQL (the
children, API client and signed-in sessions prepared as ``bench/load.py`` prepares them), sends
the same mix of searches as the load benchmark (unique hits, multiple matches, misses, fuzzy),
and reports CPU milliseconds per request as the *minimum* over several batches (``time.process_time``:
CPU, not wall time; the minimum discards batches slowed by other processes). No HTTP server: the
server's own cost per request is measured by ``bench/load.py`` (its "CPU per search" line).

    .venv/bin/python bench/request_cpu.py [--children 20000] [--batches 7] [--requests 100]
    .venv/bin/python bench/request_cpu.py --database postgres://postgres@127.0.0.1:5432/ecm_load1m

To compare two versions of the code, run it from each checkout against the same database.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import re
import secrets
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from load import KINDS, PG_URL, _fhir_path, _html_form  # noqa: E402


def measure(args: argparse.Namespace) -> None:
    prep = json.loads(Path(args.prepared).read_text())
    os.environ.pop("ECM_ENV", None)  # production settings, as the web process runs them
    os.environ.update({"DJANGO_ALLOWED_HOSTS": "127.0.0.1", "DATABASE_URL": args.database, "ECM_LOG_LEVEL": "WARNING"})
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    searches = [q for kind in KINDS for q in prep["searches"][kind][: args.requests // len(KINDS)]]
    api = Client(HTTP_HOST="127.0.0.1", HTTP_X_FORWARDED_PROTO="https")
    page = Client(HTTP_HOST="127.0.0.1", HTTP_X_FORWARDED_PROTO="https")
    page.cookies["sessionid"] = prep["sessions"][0]
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.get("/index/", secure=True).content.decode())
    if not found:
        raise SystemExit("the prepared session could not open the search page")
    token = found.group(1)

    def fhir(i: int) -> None:
        response = api.get(
            _fhir_path(searches[i % len(searches)]), HTTP_AUTHORIZATION=f"Bearer {prep['token']}", secure=True
        )
        assert response.status_code == 200, response.status_code

    def html(i: int) -> None:
        # Encoded as a browser (and bench/load.py) sends a form without files, not the test
        # client's default multipart body, which costs more to parse.
        form = urllib.parse.urlencode({"csrfmiddlewaretoken": token, **_html_form(searches[i % len(searches)])})
        response = page.post(
            "/index/", form, content_type="application/x-www-form-urlencoded", secure=True, HTTP_ORIGIN="https://127.0.0.1"
        )
        assert response.status_code == 200 and b"data-outcome=" in response.content, response.status_code

    report = {}
    for name, send in (("fhir", fhir), ("html", html)):
        for i in range(20):
            send(i)
        batches = []
        profiler = cProfile.Profile(time.process_time) if args.profile else None  # CPU, not waiting
        for _ in range(args.batches):
            started = time.process_time()
            if profiler:
                profiler.enable()
            for i in range(args.requests):
                send(i)
            if profiler:
                profiler.disable()
            batches.append((time.process_time() - started) * 1000 / args.requests)
        if profiler:
            profiler.dump_stats(f"{args.profile}.{name}")
        with CaptureQueriesContext(connection) as captured:
            send(0)
        if args.show_statements:
            for query in captured.captured_queries:
                print(f"{name}: {query['sql'][:300]}", file=sys.stderr)
        report[name] = {
            "cpu_ms_min": round(min(batches), 3),
            "cpu_ms_median": round(sorted(batches)[len(batches) // 2], 3),
            "statements": len(captured.captured_queries),
        }
    print(json.dumps(report))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--children", type=int, default=20_000)
    parser.add_argument("--database", default=os.environ.get("BENCH_REQUEST_POSTGRES_URL", PG_URL + "_cpu"))
    parser.add_argument("--batches", type=int, default=7)
    parser.add_argument("--requests", type=int, default=100, help="requests per batch")
    parser.add_argument("--show-statements", action="store_true", help="print each search's statements")
    parser.add_argument("--profile", help="write cProfile statistics to PATH.fhir and PATH.html")
    parser.add_argument("--prepared", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.prepared:
        measure(args)
        return
    dbname = args.database.rsplit("/", 1)[1]
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", dbname], check=False, capture_output=True)
    secret_key = secrets.token_urlsafe(50)
    env = {**os.environ, "DATABASE_URL": args.database, "ECM_ENV": "development", "DJANGO_DEBUG": "0"}
    env.update(DJANGO_SECRET_KEY=secret_key, ECM_LOG_LEVEL="WARNING")
    loader = [
        sys.executable,
        str(ROOT / "bench/index_search.py"),
        "--child",
        f"--children={args.children}",
        "--queries=1",
    ]
    subprocess.run(loader, cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
    prepare = [sys.executable, str(ROOT / "bench/load.py"), "--prepare", "--clients=1", "--queries=200"]
    prepare += ["--bare-samples=1", f"--database={args.database}"]
    out = subprocess.run(prepare, cwd=ROOT, env=env, check=True, capture_output=True, text=True).stdout
    prepared = Path(f"/tmp/ecm-request-cpu-{os.getpid()}.json")
    prepared.write_text(out.strip().splitlines()[-1])
    try:
        static = f"/tmp/ecm-request-cpu-static-{os.getpid()}"
        prod = {k: v for k, v in env.items() if k != "ECM_ENV"}
        prod.update(DJANGO_ALLOWED_HOSTS="127.0.0.1", DJANGO_STATIC_ROOT=static)
        collect = [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"]
        subprocess.run(collect, cwd=ROOT, env=prod, check=True)
        measured = [sys.executable, __file__, f"--prepared={prepared}", f"--database={args.database}"]
        measured += [f"--batches={args.batches}", f"--requests={args.requests}"]
        measured += ["--show-statements"] if args.show_statements else []
        measured += [f"--profile={Path(args.profile).resolve()}"] if args.profile else []
        result = subprocess.run(measured, cwd=ROOT, env=prod, check=True, capture_output=True, text=True)
        sys.stderr.write(result.stderr)
        report = json.loads(result.stdout.strip().splitlines()[-1])
    finally:
        prepared.unlink(missing_ok=True)
    print(f"load average {os.getloadavg()[0]:.1f}; database {dbname}")
    for name, r in report.items():
        print(
            f"{name}: CPU per request {r['cpu_ms_min']} ms (minimum of {args.batches} batches of {args.requests}; "
            f"median {r['cpu_ms_median']}); {r['statements']} statements"
        )


if __name__ == "__main__":
    main()
