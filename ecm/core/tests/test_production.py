"""Production settings with only the documented variables: refuse without secrets, collectstatic,
check --deploy, and the web process (granian) serving pages (each in a clean environment)."""

from __future__ import annotations

import http.client
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
HOST = "ecm.example.gov.uk"


def clean_env(**variables: str) -> dict[str, str]:
    """Nothing from this shell but PATH and HOME: only what a deployment would set."""
    return {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": os.environ.get("HOME", "/root"), **variables}


def manage(args: list[str], env: dict[str, str], timeout: int = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
    )


def procfile() -> dict[str, list[str]]:
    lines = (ROOT / "Procfile").read_text().splitlines()
    return {name: command.split() for name, _, command in (line.partition(": ") for line in lines if line.strip())}


def test_procfile_lists_web_worker_and_scheduler():
    processes = procfile()
    assert processes["web"] == ["python", "-m", "config.web"]
    assert processes["worker"] == ["python", "manage.py", "db_worker"]
    assert processes["scheduler"] == ["python", "manage.py", "run_scheduler"]


def test_production_requirements_hold_no_test_tools():
    def names(path: str) -> set[str]:
        lines = (ROOT / path).read_text().splitlines()
        return {re.split(r"[=<>\[]", line)[0].lower().replace("_", "-") for line in lines if line and line[0].isalpha()}

    runtime, dev = names("requirements.lock"), names("requirements-dev.lock")
    tools = {"pytest", "pytest-django", "playwright", "ruff", "mypy", "factory-boy", "faker", "django-stubs"}
    assert not tools & runtime
    assert tools <= dev and not runtime & dev
    assert {"django", "granian", "honcho", "structlog", "sentry-sdk", "psycopg"} <= runtime
    assert "-r requirements.lock" in (ROOT / "requirements-dev.lock").read_text()


def test_pytest_runs_with_the_test_profile():
    from django.conf import settings

    assert settings.ENV == "test" and not settings.PRODUCTION and os.environ["ECM_ENV"] == "test"


@pytest.fixture(scope="module")
def production(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The documented production variables, a new SQLite database migrated and static files collected."""
    tmp = tmp_path_factory.mktemp("production")
    env = clean_env(
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS=HOST,
        DATABASE_URL=f"sqlite:///{tmp / 'ecm.sqlite3'}",
        DJANGO_STATIC_ROOT=str(tmp / "static"),
    )
    migrated = manage(["migrate", "--noinput"], env, timeout=600)
    assert migrated.returncode == 0, migrated.stderr[-3000:]
    return env


@pytest.mark.parametrize("missing", ["DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS"])
def test_settings_without_ecm_env_are_production_and_refuse_to_start_without_secrets(missing):
    env = clean_env(DJANGO_SECRET_KEY=secrets.token_urlsafe(50), DJANGO_ALLOWED_HOSTS=HOST)
    del env[missing]
    result = manage(["check"], env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and missing in result.stderr


@pytest.mark.parametrize("value", ["0", "none"])
def test_a_review_minimum_that_is_not_a_number_of_pairs_refuses_to_start(value):
    env = clean_env(DJANGO_SECRET_KEY=secrets.token_urlsafe(50), DJANGO_ALLOWED_HOSTS=HOST)
    env["ECM_LINKAGE_REVIEW_MINIMUM"] = value
    result = manage(["check"], env)
    assert result.returncode != 0
    assert "ImproperlyConfigured: ECM_LINKAGE_REVIEW_MINIMUM must be" in result.stderr


def test_no_variables_at_all_refuses_to_start():
    result = manage(["check"], clean_env())
    assert result.returncode != 0 and "DJANGO_SECRET_KEY must be set" in result.stderr


def test_check_deploy_passes_and_webauthn_follows_the_host(production):
    result = manage(["check", "--deploy", "--fail-level", "WARNING"], production)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
    shown = manage(
        [
            "shell",
            "--no-imports",
            "-c",
            "from django.conf import settings as s; "
            "print(s.OTP_WEBAUTHN_RP_ID, s.OTP_WEBAUTHN_ALLOWED_ORIGINS, s.DEBUG)",
        ],
        production,
    )
    assert shown.stdout.split() == [HOST, f"['https://{HOST}']", "False"], shown.stderr


def test_collectstatic_collects_what_the_stylesheets_ask_for(production):
    result = manage(["collectstatic", "--noinput"], production)
    assert result.returncode == 0, result.stderr[-3000:]
    static = Path(production["DJANGO_STATIC_ROOT"])
    moj_css = (ROOT / "node_modules/@ministryofjustice/frontend/moj/moj-frontend.min.css").read_text()

    asked = set(re.findall(r"url\(/assets/(images/[^)]+)\)", moj_css))
    assert len(asked) == 11
    for image in asked:
        assert (static / image).is_file(), image
    assert (static / "staticfiles.json").is_file()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(port: int, path: str, headers: dict[str, str]) -> tuple[int, dict[str, str], str]:
    """Status, headers (names in lower case: HTTP/1.1 names are case-insensitive, and granian
    sends them in lower case) and body."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read().decode()
    finally:
        conn.close()


def test_web_process_serves_pages_with_production_settings(production):
    collected = manage(["collectstatic", "--noinput"], production)
    assert collected.returncode == 0, collected.stderr[-3000:]
    port = _free_port()
    # A worker that has not stopped 5 s after SIGTERM is killed (WEB_KILL_TIMEOUT, 30 s by default): on a
    # busy machine a graceful stop can take that long, and the wait below must outlast it.
    env = {
        **production,
        "PORT": str(port),
        "HOST": "127.0.0.1",
        "WEB_WORKERS": "1",
        "WEB_THREADS": "2",
        "WEB_KILL_TIMEOUT": "5",
    }
    # The Procfile's "python" is the virtual environment's: this interpreter.
    server = subprocess.Popen(
        [sys.executable, *procfile()["web"][1:]],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                status, _, _ = _get(port, "/healthz", {})
                break
            except OSError:
                assert server.poll() is None and time.monotonic() < deadline, "the web process did not start"
                time.sleep(0.5)
        assert status == 200  # plain HTTP, any Host: the load balancer's probe
        status, _, body = _get(port, "/readyz", {})
        assert status == 200 and '"database": "ok"' in body
        proxied = {"Host": HOST, "X-Forwarded-Proto": "https"}
        status, headers, body = _get(port, "/sign-in/", proxied)
        assert status == 200, body[:2000]
        assert "Sign in" in body and "govuk-header" in body
        assert "strict-transport-security" in headers and "sessionid" not in headers.get("set-cookie", "")
        stylesheet = re.search(r'href="(/assets/[^"]+\.css)"', body)
        assert stylesheet is not None
        assert _get(port, stylesheet.group(1), proxied)[0] == 200
        # Plain HTTP to a page (not a probe) is sent to https.
        status, headers, _ = _get(port, "/sign-in/", {"Host": HOST})
        assert status == 301 and headers["location"].startswith("https://")
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        output = server.communicate(timeout=60)[0]
    assert "Traceback" not in output, output[-3000:]


def test_web_process_options_come_from_the_environment(monkeypatch):
    from config import web

    monkeypatch.setenv("WEB_WORKERS", "3")
    monkeypatch.setenv("WEB_THREADS", "6")
    monkeypatch.setenv("PORT", "8123")
    monkeypatch.setenv("WEB_WORKER_LIFETIME", "0")
    monkeypatch.delenv("ECM_LOG_FORMAT", raising=False)
    monkeypatch.setenv("ECM_ENV", "production")
    options = web.options()
    assert (options["workers"], options["blocking_threads"], options["port"]) == (3, 6, 8123)
    assert options["workers_lifetime"] is None  # 0: never replaced
    assert options["log_access"] is False  # an access log would carry query strings
    assert options["log_dictconfig"]["formatters"]["ecm"]["()"] == "ecm.core.logs.json_formatter"
    monkeypatch.setenv("ECM_LOG_FORMAT", "console")
    assert web.options()["log_dictconfig"]["formatters"]["ecm"]["()"] == "ecm.core.logs.console_formatter"


def test_web_workers_take_the_switch_interval_from_the_environment(monkeypatch):
    import importlib

    import config.wsgi

    before = sys.getswitchinterval()
    monkeypatch.setenv("WEB_SWITCH_INTERVAL", "0.05")
    try:
        importlib.reload(config.wsgi)
        assert sys.getswitchinterval() == pytest.approx(0.05)
    finally:
        sys.setswitchinterval(before)


def test_web_workers_take_the_garbage_collector_threshold_from_the_environment_and_freeze_what_is_loaded(monkeypatch):
    import gc
    import importlib

    import config.wsgi

    before = gc.get_threshold()
    gc.unfreeze()
    monkeypatch.setenv("WEB_GC_THRESHOLD", "50000")
    try:
        importlib.reload(config.wsgi)
        assert gc.get_threshold() == (50000, *before[1:])
        assert gc.get_freeze_count() > 0  # the application's objects are no longer walked by collections
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)
    monkeypatch.setenv("WEB_GC_THRESHOLD", "")
    importlib.reload(config.wsgi)
    assert gc.get_threshold() == before and gc.get_freeze_count() == 0


def test_the_web_process_sets_the_garbage_collector_threshold_unless_told_otherwise(monkeypatch):
    from config import web

    class Server:  # granian's server, not started
        def __init__(self, target: str, **options: object) -> None:
            served.append(target)

        def serve(self) -> None:
            pass

    served: list[str] = []
    monkeypatch.setenv("WEB_SWITCH_INTERVAL", "0.05")  # restored afterwards, as the threshold is below
    monkeypatch.setenv("WEB_GC_THRESHOLD", "set")
    monkeypatch.delenv("WEB_GC_THRESHOLD")
    monkeypatch.setattr(web, "Granian", Server)
    web.main()
    assert served == ["config.wsgi:application"] and os.environ["WEB_GC_THRESHOLD"] == "50000"
    monkeypatch.setenv("WEB_GC_THRESHOLD", "")
    web.main()
    assert os.environ["WEB_GC_THRESHOLD"] == ""
