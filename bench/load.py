#!/usr/bin/env python3
"""Load test of the production process list: the web process (granian) on PostgreSQL, driven over HTTP.

1. Loads N synthetic children into PostgreSQL with the index benchmark's own loader
   (``bench/index_search.py``; a second run with the same database and N loads nothing).
2. Prepares an API client (no rate limit in the way), signed-in sessions with a verified
   second factor, and the searches: unique hits, multiple matches, misses and fuzzy searches,
   drawn from the loaded data.
3. Starts the web process exactly as the Procfile does (``python -m config.web``;
   ``--web-command`` to compare another) with production settings, and drives it from
   ``--clients`` client threads spread over several processes, each with its own keep-alive
   connection: audited FHIR ``GET /fhir/Patient`` searches with the API client's token (no
   cookie: an API client is a system, not a browser) and signed-in HTML searches
   (``POST /index/``, with the session cookie) in the ``--html-share`` proportions: by default
   a phase of API searches only, then one of page searches only, against the same server.
4. Reports sustained searches/s, p50/p95/p99, errors, the audit events written against those
   expected (one ``index.search`` per answered search, no gap in the chain), and the bare SQL
   time of the same statements (captured from one search each, run again directly through
   psycopg) as a ratio of the HTTP time; and for the API-only and page-only phases, one line
   each against issue 16's targets (``TARGETS``: met or not met, on the medians of the runs).

    .venv/bin/python bench/load.py [--children 20000] [--clients 16] [--seconds 30] [--runs 3]
    .venv/bin/python bench/load.py --children 1000000      # the full run (loading takes a while)

Only loopback traffic; every loop is bounded in time. The database is ``ecm_load`` on the local
PostgreSQL (BENCH_LOAD_POSTGRES_URL to change it).
"""

from __future__ import annotations

import argparse
import http.client
import json
import math
import multiprocessing
import os
import platform
import random
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PG_URL = os.environ.get("BENCH_LOAD_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/ecm_load")
KINDS = ("unique", "multiple", "miss", "fuzzy")


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def _django(url: str) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.update({"DATABASE_URL": url, "ECM_ENV": "development", "DJANGO_DEBUG": "0", "ECM_LOG_LEVEL": "WARNING"})
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


# --- Preparation (runs in a subprocess with Django set up) -------------------------------------


def prepare(args: argparse.Namespace) -> None:
    _django(args.database)
    import datetime as dt

    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from ecm.accounts.models import ApiClient, Organisation, User
    from ecm.accounts.services import api_client_create
    from ecm.core import clock
    from ecm.core.actors import SYSTEM_COMMAND
    from ecm.index.search.criteria import SearchCriteria
    from ecm.index.search.keys import nicknames
    from ecm.index.selectors import child_search

    rng = random.Random(7)
    user = User.objects.get(username="bench-practitioner")
    org = Organisation.objects.get(code="BENCH-NHS")
    ApiClient.objects.filter(name="bench-load").delete()
    _, token = api_client_create(
        actor=SYSTEM_COMMAND, organisation=org, name="bench-load", is_system=False, requests_per_minute=10_000_000
    )
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(
        user=user, name="bench", confirmed=True
    )
    sessions = [_signed_in_session(user, device) for _ in range(args.clients)]

    with connection.cursor() as cursor:
        # Unique hits: a family name and date of birth that only one child has.
        cursor.execute(
            "SELECT c.given_name, c.family_name, c.date_of_birth FROM index_child c "
            "JOIN (SELECT family_name, date_of_birth FROM index_child GROUP BY 1, 2 HAVING count(*) = 1 "
            "      ORDER BY md5(family_name || date_of_birth::text) LIMIT %s) u "
            "USING (family_name, date_of_birth)",
            [args.queries],
        )
        unique = cursor.fetchall()
        # Multiple matches: a family name and date of birth shared by two to five children.
        cursor.execute(
            "SELECT family_name, date_of_birth FROM index_child GROUP BY 1, 2 HAVING count(*) BETWEEN 2 AND 5 "
            "ORDER BY md5(family_name || date_of_birth::text) LIMIT %s",
            [args.queries],
        )
        multiple = cursor.fetchall()
    searches: dict[str, list[dict[str, Any]]] = {kind: [] for kind in KINDS}
    for given, family, born in unique:
        searches["unique"].append({"family": family, "birthdate": born.isoformat()})
        variant = sorted(nicknames(given)) or [given]
        misspelt = family[:-1] + ("y" if family[-1] == "i" else "i") if len(family) > 4 else family
        searches["fuzzy"].append(
            {"given": variant[0], "family": misspelt, "birthdate": born.isoformat(), "fuzzy": True}
        )
    for family, born in multiple:
        searches["multiple"].append({"family": family, "birthdate": born.isoformat()})
    for _ in range(args.queries):
        born = clock.today() - dt.timedelta(days=rng.randint(0, 18 * 365))
        searches["miss"].append(
            {"family": "Zyxwvutsq" + "".join(rng.choices("abcdefgh", k=4)), "birthdate": born.isoformat()}
        )

    # The bare SQL of one search of each kind: the statements the selector runs (audit writes
    # included), captured, then timed again straight through psycopg; all rolled back.
    bare: dict[str, list[float]] = {kind: [] for kind in KINDS}
    statements: dict[str, int] = {}
    import psycopg

    raw = psycopg.connect(args.database.replace("postgres://", "postgresql://"), autocommit=False)
    for kind in KINDS:
        for query in searches[kind][: args.bare_samples]:
            criteria = SearchCriteria(
                given_name=query.get("given", ""),
                family_name=query["family"],
                birth_date=dt.date.fromisoformat(query["birthdate"]),
                fuzzy=bool(query.get("fuzzy")),
            )
            with CaptureQueriesContext(connection) as captured:
                try:
                    with transaction.atomic():
                        child_search(actor=user, criteria=criteria)
                        raise RuntimeError("roll back")
                except RuntimeError:
                    pass
            sqls = [q["sql"] for q in captured.captured_queries if q["sql"] not in ("BEGIN", "COMMIT", "ROLLBACK")]
            sqls = [s for s in sqls if not s.startswith(("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT"))]
            statements[kind] = len(sqls)
            started = time.perf_counter()
            with raw.cursor() as cursor:
                for sql in sqls:
                    cursor.execute(sql)
                    if cursor.description:
                        cursor.fetchall()
            raw.rollback()
            bare[kind].append((time.perf_counter() - started) * 1000)
    raw.close()
    per_request = _statements_per_request(token, searches["unique"][0], user, device)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM index_child")
        children = cursor.fetchone()[0]
    print(
        json.dumps(
            {
                "token": token,
                "sessions": sessions,
                "user_id": user.pk,
                "searches": searches,
                "bare_sql_ms": {kind: statistics.median(v) if v else None for kind, v in bare.items()},
                "statements": statements,
                "statements_per_request": per_request,
                "children": children,
            },
            default=str,
        )
    )


def _signed_in_session(user: Any, device: Any) -> str:
    """A new session of ``user`` signed in with a verified second factor, as a browser's would be."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from ecm.accounts.models import UserSession
    from ecm.core import clock

    store = SessionStore()
    now = clock.now().isoformat()
    store.update(
        {
            SESSION_KEY: str(user.pk),
            BACKEND_SESSION_KEY: "ecm.accounts.backends.PractitionerBackend",
            HASH_SESSION_KEY: user.get_session_auth_hash(),
            "otp_device_id": device.persistent_id,
            "ecm_signed_in_at": now,
            "ecm_last_activity": now,
        }
    )
    store.create()
    UserSession.objects.create(user=user, session_key=store.session_key)
    assert store.session_key is not None
    return store.session_key


def _statements_per_request(token: str, query: dict[str, Any], user: Any, device: Any) -> dict[str, int]:
    """Database round trips of one whole request (middleware, sign-in checks, rate limit, search,
    audit, page), FHIR and HTML, through Django's test client in this process (the second of two)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    session_key = _signed_in_session(user, device)
    fhir = Client(HTTP_HOST="127.0.0.1")
    page = Client(HTTP_HOST="127.0.0.1")
    page.cookies["sessionid"] = session_key
    requests = {
        "fhir": lambda: fhir.get(_fhir_path(query), HTTP_AUTHORIZATION=f"Bearer {token}"),
        "html": lambda: page.post("/index/", _html_form(query)),
    }
    counts = {}
    for api, send in requests.items():
        send()
        with CaptureQueriesContext(connection) as captured:
            response = send()
        if response.status_code != 200:
            raise SystemExit(f"the {api} search answered {response.status_code} while counting statements")
        counts[api] = len(captured.captured_queries)
    return counts


def audit_count(args: argparse.Namespace) -> None:
    _django(args.database)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FILTER (WHERE action = 'index.search'), count(*), coalesce(max(sequence), 0), "
            "coalesce(min(sequence), 0) FROM audit_auditevent WHERE sequence > %s",
            [args.after],
        )
        searches, total, last, first = cursor.fetchone()
    print(json.dumps({"index_search": searches, "total": total, "last_sequence": last, "first_sequence": first}))


# --- Driving (client processes, each with threads) ---------------------------------------------


def _fhir_path(query: dict[str, Any]) -> str:
    params = [("family", query["family"]), ("birthdate", query["birthdate"])]
    if query.get("given"):
        params.append(("given", query["given"]))
    if query.get("fuzzy"):
        params.append(("_fuzzy-match", "true"))
    return "/fhir/Patient?" + urllib.parse.urlencode(params)


def _html_form(query: dict[str, Any]) -> dict[str, str]:
    year, month, day = query["birthdate"].split("-")
    form = {
        "given_name": query.get("given", ""),
        "family_name": query["family"],
        "date_of_birth_0": str(int(day)),
        "date_of_birth_1": str(int(month)),
        "date_of_birth_2": year,
        "gender": "",
        "postcode": "",
    }
    if query.get("fuzzy"):
        form["fuzzy"] = "on"
    return form


def client_thread(cfg: dict[str, Any], session_key: str, seed: int, results: list[tuple[str, str, float, int]]) -> None:
    rng = random.Random(seed)
    port, stop_at, html_share = cfg["port"], cfg["stop_at"], cfg["html_share"]
    host = f"127.0.0.1:{port}"
    base = {"Host": host, "X-Forwarded-Proto": "https"}
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    cookies = {"sessionid": session_key}
    form_token = ""

    def request(
        method: str, path: str, body: str | None = None, headers: dict[str, str] | None = None, *, browser: bool = True
    ) -> tuple[int, str]:
        nonlocal conn
        all_headers = {**base, **(headers or {})}
        # Only the browser's requests carry the session cookie: an API client is a system
        # holding a token, not a signed-in person's browser.
        if cookies and browser:
            all_headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
        for attempt in range(2):
            try:
                conn.request(method, path, body=body, headers=all_headers)
                response = conn.getresponse()
                text = response.read().decode()
                for header, value in response.getheaders():
                    if header.lower() == "set-cookie":
                        name, _, rest = value.partition("=")
                        cookies[name] = rest.split(";", 1)[0]
                return response.status, text
            except (http.client.HTTPException, OSError):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                if attempt:
                    raise
        raise AssertionError("unreachable")

    while time.time() < stop_at:
        kind = rng.choice(KINDS)
        query = rng.choice(cfg["searches"][kind])
        html = rng.random() < html_share
        started = time.perf_counter()
        try:
            if html:
                if not form_token:
                    status, text = request("GET", "/index/")
                    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', text)
                    form_token = found.group(1) if found else ""
                    started = time.perf_counter()
                body = urllib.parse.urlencode({"csrfmiddlewaretoken": form_token, **_html_form(query)})
                status, text = request(
                    "POST",
                    "/index/",
                    body,
                    {"Content-Type": "application/x-www-form-urlencoded", "Origin": f"https://{host}"},
                )
                ok = status == 200 and 'data-outcome="' in text
            else:
                status, text = request(
                    "GET", _fhir_path(query), headers={"Authorization": f"Bearer {cfg['token']}"}, browser=False
                )
                ok = status == 200 and '"resourceType"' in text
        except Exception:  # noqa: BLE001 - counted as an error
            status, ok = 0, False
        elapsed = (time.perf_counter() - started) * 1000
        results.append(("html" if html else "fhir", kind, elapsed, status if ok else -max(status, 1)))
    conn.close()


def client_process(cfg: dict[str, Any], sessions: list[str], seeds: list[int], out: Any) -> None:
    import threading

    results: list[tuple[str, str, float, int]] = []
    threads = [
        threading.Thread(target=client_thread, args=(cfg, session, seed, results), daemon=True)
        for session, seed in zip(sessions, seeds, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=cfg["stop_at"] - time.time() + 60)
    out.put(results)


def drive(cfg: dict[str, Any], sessions: list[str], clients: int, processes: int) -> list[tuple[str, str, float, int]]:
    ctx = multiprocessing.get_context("fork")
    queue = ctx.Queue()
    groups = [list(range(clients))[i::processes] for i in range(processes)]
    procs = [
        ctx.Process(target=client_process, args=(cfg, [sessions[i] for i in group], [1000 + i for i in group], queue))
        for group in groups
        if group
    ]
    for proc in procs:
        proc.start()
    results: list[tuple[str, str, float, int]] = []
    for _ in procs:
        results.extend(queue.get(timeout=cfg["stop_at"] - time.time() + 120))
    for proc in procs:
        proc.join(timeout=30)
    return results


# --- Orchestration -----------------------------------------------------------------------------


def _run(cmd: list[str], env: dict[str, str], what: str, *, show_stderr: bool = False) -> str:
    """Run a step; its standard error passes through when ``show_stderr`` (the loader's progress)."""
    out = subprocess.run(
        cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=None if show_stderr else subprocess.PIPE, text=True
    )
    if out.returncode:
        print(out.stdout[-2000:], (out.stderr or "")[-4000:], file=sys.stderr)
        raise SystemExit(f"{what} failed")
    return out.stdout


def _proc_cpu(pid: int) -> float:
    """CPU seconds (user + system) a running process has used, with those of the children it has
    reaped (a web worker replaced, a database backend that ended);
    0 when it has gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return sum(int(v) for v in fields[11:15]) / os.sysconf("SC_CLK_TCK")


def _machine_cpu() -> float:
    """CPU seconds the whole machine has been busy (all cores, idle and I/O wait excluded)."""
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    busy = sum(fields) - fields[3] - fields[4]
    return busy / os.sysconf("SC_CLK_TCK")


def cpu_by_part(server_pid: int) -> dict[str, float]:
    """CPU seconds used so far by the web server (its main process and workers) and by PostgreSQL
    (every process named postgres), read from /proc; the load clients are counted by the caller."""
    web = db = 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        comm = stat[stat.index("(") + 1 : stat.rindex(")")]
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        pid = int(entry.name)
        if pid == server_pid or ppid == server_pid:
            web += _proc_cpu(pid)
        elif comm.startswith("postgres"):
            db += _proc_cpu(pid)
    return {"web": web, "database": db}


def procfile_command(process: str) -> str:
    """The command the Procfile gives ``process``: the benchmark serves exactly what production runs."""
    for line in (ROOT / "Procfile").read_text().splitlines():
        name, _, command = line.partition(":")
        if name.strip() == process:
            return command.strip()
    raise SystemExit(f"the Procfile has no {process} process")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def summarise(results: list[tuple[str, str, float, int]], seconds: float) -> dict[str, Any]:
    summary: dict[str, Any] = {}
    for api in ("fhir", "html"):
        mine = [r for r in results if r[0] == api]
        ok = [r[2] for r in mine if r[3] > 0]
        summary[api] = {
            "requests": len(mine),
            "ok": len(ok),
            "errors": len(mine) - len(ok),
            "per_second": len(ok) / seconds,
            "p50": statistics.median(ok) if ok else float("nan"),
            "p95": percentile(ok, 95),
            "p99": percentile(ok, 99),
            "by_kind": {
                kind: round(percentile([r[2] for r in mine if r[1] == kind and r[3] > 0], 50), 1) for kind in KINDS
            },
            "error_statuses": sorted({-r[3] for r in mine if r[3] < 0}),
        }
    return summary


# Issue 16, point 8, at 1,000,000 children and 16 clients: a phase with only API searches (share 0)
# or only page searches (share 1) against its target rate and p95.
TARGETS = {0.0: ("FHIR", "fhir", 300.0, 100.0), 1.0: ("HTML", "html", 150.0, 150.0)}


def _shares(text: str) -> list[float]:
    try:
        shares = [float(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r}: give shares between 0 and 1, comma separated") from None
    if not shares or any(not 0 <= share <= 1 for share in shares):
        raise argparse.ArgumentTypeError(f"{text!r}: give shares between 0 and 1, comma separated")
    return shares


def _phase_name(share: float) -> str:
    if share == 0:
        return "API searches only (FHIR)"
    if share == 1:
        return "page searches only (HTML)"
    return f"a mix, {share:.0%} of the searches on the page"


def measure_phase(
    cfg: dict[str, Any], prep: dict[str, Any], args: argparse.Namespace, server_pid: int, dev_env: dict[str, str]
) -> list[dict[str, Any]]:
    """Warm up, then ``args.runs`` measured runs of one share of page searches against the running server."""
    drive({**cfg, "stop_at": time.time() + args.warmup}, prep["sessions"], args.clients, args.client_processes)
    runs = []
    for n in range(args.runs):
        before = json.loads(
            _run(
                [sys.executable, __file__, "--audit-count", "--after=0", f"--database={args.database}"],
                dev_env,
                "audit count",
            )
            .strip()
            .splitlines()[-1]
        )
        load_before = os.getloadavg()
        cpu_before, clients_before, machine_before = cpu_by_part(server_pid), os.times(), _machine_cpu()
        t0 = time.time()
        results = drive({**cfg, "stop_at": t0 + args.seconds}, prep["sessions"], args.clients, args.client_processes)
        seconds = time.time() - t0
        cpu_after, clients_after, machine_after = cpu_by_part(server_pid), os.times(), _machine_cpu()
        load_after = os.getloadavg()
        time.sleep(1)
        after = json.loads(
            _run(
                [
                    sys.executable,
                    __file__,
                    "--audit-count",
                    f"--after={before['last_sequence']}",
                    f"--database={args.database}",
                ],
                dev_env,
                "audit count",
            )
            .strip()
            .splitlines()[-1]
        )
        summary = summarise(results, seconds)
        answered = summary["fhir"]["ok"] + summary["html"]["ok"]
        # Where the two cores went, per answered search (ms of CPU): web, database, the load
        # clients themselves, and everything else on the machine in the same seconds.
        clients_cpu = (clients_after.children_user + clients_after.children_system) - (
            clients_before.children_user + clients_before.children_system
        )
        parts = {k: cpu_after[k] - cpu_before[k] for k in cpu_after}
        parts["load clients"] = clients_cpu
        parts["rest of machine"] = max(0.0, (machine_after - machine_before) - sum(parts.values()))
        summary["cpu_ms_per_search"] = {k: round(v * 1000 / max(answered, 1), 2) for k, v in parts.items()}
        summary.update(
            run=n + 1,
            seconds=round(seconds, 1),
            load_before=load_before,
            load_after=load_after,
            audit_index_search_written=after["index_search"],
            audit_index_search_expected=answered,
            audit_events_total=after["total"],
            audit_sequence_gap=(after["last_sequence"] - before["last_sequence"]) - after["total"],
        )
        runs.append(summary)
        f, h = summary["fhir"], summary["html"]
        print(
            f"run {n + 1}: FHIR {f['per_second']:.1f}/s p50/p95/p99 {f['p50']:.1f}/{f['p95']:.1f}/{f['p99']:.1f} ms "
            f"errors {f['errors']} | HTML {h['per_second']:.1f}/s p50/p95/p99 {h['p50']:.1f}/{h['p95']:.1f}/{h['p99']:.1f} ms "
            f"errors {h['errors']} | audit index.search {after['index_search']} of {answered} expected, "
            f"{after['total']} events, sequence gap {summary['audit_sequence_gap']} | load {load_before[0]:.1f}->{load_after[0]:.1f}"
            f" | CPU ms per search {summary['cpu_ms_per_search']}",
            flush=True,
        )
    return runs


def phase_report(share: float, runs: list[dict[str, Any]], bare_all: float) -> dict[str, Any]:
    def med(key: str, api: str) -> float:
        return statistics.median(r[api][key] for r in runs)

    median = {api: {k: med(k, api) for k in ("per_second", "p50", "p95", "p99")} for api in ("fhir", "html")}
    for api in ("fhir", "html"):
        median[api]["http_to_bare_sql"] = median[api]["p50"] / bare_all
    return {
        "html_share": share,
        "runs": runs,
        "median": median,
        "cpu_ms_per_search": {
            part: statistics.median(r["cpu_ms_per_search"][part] for r in runs) for part in runs[0]["cpu_ms_per_search"]
        },
    }


def target_verdict(phase: dict[str, Any], *, children: int, clients: int) -> str:
    """One line: the phase's medians against issue 16's target, or "" for a mix (no target of its own)."""
    target = TARGETS.get(phase["html_share"])
    if not target:
        return ""
    label, api, rate, p95 = target
    median, runs = phase["median"][api], phase["runs"]
    errors = sum(r[api]["errors"] for r in runs)
    audited = all(
        r["audit_index_search_written"] == r["audit_index_search_expected"] and r["audit_sequence_gap"] == 0
        for r in runs
    )
    met = median["per_second"] >= rate and median["p95"] <= p95 and errors == 0 and audited
    scope = (
        "" if children >= 1_000_000 and clients == 16 else " (the target is set for 1,000,000 children and 16 clients)"
    )
    return (
        f"target {label}: {median['per_second']:.1f} searches/s (at least {rate:g}), p95 {median['p95']:.1f} ms "
        f"(at most {p95:g}), errors {errors}, every search audited with no gap: {'yes' if audited else 'NO'}: "
        f"{'MET' if met else 'NOT MET'}{scope}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--children", type=int, default=20_000)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--client-processes", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=30.0, help="length of each measured run")
    parser.add_argument("--warmup", type=float, default=5.0)
    parser.add_argument("--runs", type=int, default=3, help="measured runs; the report gives each and the median")
    parser.add_argument(
        "--html-share",
        type=_shares,
        default=_shares("0,1"),
        help="share of the searches done on the HTML page; several, comma separated, are measured one after "
        "another against the same server (default 0,1: API searches only, then page searches only, each "
        "against its target; 0.25 for a mix)",
    )
    parser.add_argument("--queries", type=int, default=2000, help="searches drawn per kind")
    parser.add_argument("--bare-samples", type=int, default=20)
    parser.add_argument("--workers", type=int, default=0, help="web worker processes (default: config/web.py's)")
    parser.add_argument("--threads", type=int, default=0, help="threads per web worker")
    parser.add_argument(
        "--web-command",
        default="",
        help="the web process's command (default: the Procfile's web line, run as the Procfile runs it)",
    )
    parser.add_argument("--database", default=PG_URL)
    parser.add_argument("--fresh", action="store_true", help="drop and recreate the database first")
    parser.add_argument("--json", help="write the full results here")
    parser.add_argument("--prepare", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--audit-count", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--after", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.prepare:
        prepare(args)
        return
    if args.audit_count:
        audit_count(args)
        return

    dbname = urllib.parse.urlparse(args.database).path.lstrip("/")
    if args.fresh:
        subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", dbname], check=False)
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", dbname], check=False, capture_output=True)
    # One secret key for preparing and serving: the prepared sessions are signed with it.
    secret_key = secrets.token_urlsafe(50)
    dev_env = {**os.environ, "DATABASE_URL": args.database, "ECM_ENV": "development", "DJANGO_DEBUG": "0"}
    dev_env["DJANGO_SECRET_KEY"] = secret_key
    dev_env["ECM_LOG_LEVEL"] = "WARNING"
    started = time.perf_counter()
    print(f"Loading {args.children:,} children into {dbname} (reused when already there)...", flush=True)
    _run(
        [sys.executable, str(ROOT / "bench/index_search.py"), "--child", f"--children={args.children}", "--queries=1"],
        dev_env,
        "loading",
        show_stderr=True,
    )
    load_seconds = time.perf_counter() - started
    prep = json.loads(
        _run(
            [
                sys.executable,
                __file__,
                "--prepare",
                f"--clients={args.clients}",
                f"--queries={args.queries}",
                f"--bare-samples={args.bare_samples}",
                f"--database={args.database}",
            ],
            dev_env,
            "preparing",
        )
        .strip()
        .splitlines()[-1]
    )
    print(
        f"Children: {prep['children']:,} (load {load_seconds:.0f} s); searches per kind: "
        + ", ".join(f"{k} {len(v)}" for k, v in prep["searches"].items()),
        flush=True,
    )

    port = _free_port()
    with tempfile.TemporaryDirectory() as tmp:
        prod_env = {
            "PATH": os.environ.get("PATH", ""),
            "HOME": os.environ.get("HOME", "/root"),
            "DJANGO_SECRET_KEY": secret_key,
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "DATABASE_URL": args.database,
            "DJANGO_STATIC_ROOT": f"{tmp}/static",
            "HOST": "127.0.0.1",
            "PORT": str(port),
            # The web server's own settings (docs/operations.md), passed through when set.
            **{k: v for k, v in os.environ.items() if k.startswith("WEB_")},
        }
        if args.workers:
            prod_env["WEB_WORKERS"] = str(args.workers)
        if args.threads:
            prod_env["WEB_THREADS"] = str(args.threads)
        web_command = args.web_command or procfile_command("web")
        print(f"Web process: {web_command}", flush=True)
        _run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], prod_env, "collectstatic")
        log_path = Path(tmp) / "web.log"
        with log_path.open("w") as log:
            server = subprocess.Popen(
                ["/bin/sh", "-c", f"exec {web_command}"],
                cwd=ROOT,
                env={**prod_env, "PATH": f"{Path(sys.executable).parent}:{prod_env['PATH']}"},
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        try:
            deadline = time.time() + 120
            while True:
                try:
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                    conn.request("GET", "/readyz")
                    if conn.getresponse().status == 200:
                        break
                except OSError:
                    pass
                if server.poll() is not None or time.time() > deadline:
                    raise SystemExit("the web process did not become ready:\n" + log_path.read_text()[-3000:])
                time.sleep(0.5)
            phases: list[tuple[float, list[dict[str, Any]]]] = []
            for share in args.html_share:
                cfg = {"port": port, "html_share": share, "token": prep["token"], "searches": prep["searches"]}
                print(f"Phase: {_phase_name(share)}", flush=True)
                phases.append((share, measure_phase(cfg, prep, args, server.pid, dev_env)))
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=60)
            errors_logged = sum(1 for line in log_path.read_text().splitlines() if '"level": "error"' in line)

    bare = prep["bare_sql_ms"]
    bare_all = statistics.median(v for v in bare.values() if v is not None)
    report: dict[str, Any] = {
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "children": prep["children"],
        "clients": args.clients,
        "phases": [phase_report(share, runs, bare_all) for share, runs in phases],
        "bare_sql_ms": bare,
        "statements_per_search": prep["statements"],
        "statements_per_request": prep["statements_per_request"],
        "server_error_lines": errors_logged,
    }
    for phase in report["phases"]:
        print(f"{_phase_name(phase['html_share'])}, median of {len(phase['runs'])} runs:")
        shown = {api: m for api, m in phase["median"].items() if not math.isnan(m["p50"])}
        print(json.dumps({api: {k: round(v, 1) for k, v in m.items()} for api, m in shown.items()}, indent=1))
        cpu = {part: round(ms, 2) for part, ms in phase["cpu_ms_per_search"].items()}
        print(f"CPU per answered search (ms, median of runs): {json.dumps(cpu)}")
    print(
        f"bare SQL per search (ms, median): {json.dumps({k: round(v, 2) if v else v for k, v in bare.items()})}; "
        f"statements per search: {prep['statements']}; per whole request (BEGIN and COMMIT included): "
        f"{prep['statements_per_request']}; error lines in the server log: {errors_logged}"
    )
    for phase in report["phases"]:
        line = target_verdict(phase, children=prep["children"], clients=args.clients)
        if line:
            print(line)
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=1, default=str))


if __name__ == "__main__":
    main()
