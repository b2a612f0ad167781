"""/healthz and /readyz: answered without sign-in, session or audit; /readyz 503 when the database is down."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from django.contrib.sessions.models import Session

from ecm.audit.models import AuditEvent

ROOT = Path(__file__).resolve().parents[3]


def test_healthz_answers_without_the_database(client):
    # No django_db mark: pytest-django makes any database access here raise.
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}
    assert "Set-Cookie" not in response.headers and response["Cache-Control"] == "no-store"


@pytest.mark.django_db
def test_readyz_checks_database_cache_migrations_and_audit_head(client):
    events = AuditEvent.objects.count()
    response = client.get("/readyz", HTTP_HOST="10.0.0.7")  # probes use the backend's address, not a listed host
    assert response.status_code == 200, response.content
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "cache": "ok", "migrations": "ok", "audit_chain_head": "ok"},
    }
    assert AuditEvent.objects.count() == events
    assert not Session.objects.exists() and "Set-Cookie" not in response.headers


@pytest.mark.django_db
def test_readyz_fails_without_an_audit_chain_head(client):
    from ecm.audit.models import AuditChainHead

    AuditChainHead.objects.all().delete()
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["audit_chain_head"] == "fail"


def test_readyz_is_503_when_the_database_is_down_and_healthz_still_200():
    """A real process whose database does not answer (nothing listens on the port)."""
    script = textwrap.dedent(
        """
        import django, json
        django.setup()
        from django.test import Client
        c = Client()
        ready, alive = c.get("/readyz"), c.get("/healthz")
        print(json.dumps([ready.status_code, ready.json(), alive.status_code]))
        """
    )
    env = {
        "PATH": os.environ.get("PATH", ""),
        "ECM_ENV": "test",
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": "postgres://ecm@127.0.0.1:9/ecm_down",
    }
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr[-3000:]
    ready_status, ready_body, alive_status = json.loads(result.stdout.strip().splitlines()[-1])
    assert ready_status == 503 and alive_status == 200
    assert ready_body["status"] == "unavailable" and ready_body["checks"]["database"] == "fail"
    assert "readyz.check_failed" in result.stderr  # logged for the operators, with the error's type only
