"""Schemathesis over the Open Referral API's own OpenAPI document, against the WSGI app.

The document's HSDS schemas are the vendored copies in ``ecm/directory/hsds_schema`` (no network):
the remote ``$ref``s are pointed at them. Bounded and derandomised like the FHIR run. Whatever it
sends, no answer is a 5xx, each carries CORS, and each conforms to the document.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from django.core.cache import cache
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings

from ecm.directory.api.openapi import HSDS, openapi_document

pytestmark = pytest.mark.django_db
MAX_EXAMPLES = 30
# Left out: a schema-valid filter may still be refused for a rule OpenAPI cannot say (proximity needs a
# postcode; end_time after start_time), and an empty parameter means "not given", as an HTML form sends it.
EXCLUDED = [schemathesis.checks.positive_data_acceptance, schemathesis.checks.negative_data_rejection]
SCHEMAS = Path(__file__).resolve().parents[1] / "hsds_schema"


def _key(name: str) -> str:
    return "hsds_" + name.removesuffix(".json").replace("/", "_")


def _local_refs(node: Any, base: str = "") -> Any:
    """Point every HSDS ``$ref`` (remote, or relative inside a vendored schema) at components/schemas."""
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            if key in ("$id", "$schema"):
                continue
            if key == "$ref" and isinstance(value, str) and not value.startswith("#"):
                name = value.removeprefix(HSDS + "/") if value.startswith(HSDS) else base + value
                out[key] = f"#/components/schemas/{_key(name)}"
            else:
                out[key] = _local_refs(value, base)
        return out
    if isinstance(node, list):
        return [_local_refs(item, base) for item in node]
    return node


def directory_document() -> dict[str, Any]:
    document = _local_refs(openapi_document("http://testserver/openreferral"))
    document["paths"] = {"/openreferral" + path.rstrip("/"): item for path, item in document["paths"].items()}
    document.pop("servers", None)
    for path in [*SCHEMAS.glob("*.json"), *SCHEMAS.glob("compiled/*.json")]:
        if path.name == "openapi.json":
            continue
        name = str(path.relative_to(SCHEMAS))
        base = "compiled/" if name.startswith("compiled/") else ""
        document["components"]["schemas"][_key(name)] = _local_refs(json.loads(path.read_text()), base)
    return document


schema = schemathesis.openapi.from_dict(directory_document())
schema.app = get_wsgi_application()


@pytest.fixture(autouse=True)
def _keep_the_test_connection() -> Iterator[None]:
    """Django closes the database connection after each WSGI request; the test's transaction must
    outlive them, as Django's own test client arranges (PostgreSQL would lose it)."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def directory() -> None:
    from ecm.directory.tests import factories as f

    cache.clear()
    need = f.TermFactory(name="Parenting")
    for i in range(3):
        sal = f.placed(f"Service {i}", f.HAREHILLS, minimum_age_months=12 * i, maximum_age_months=96)
        f.tag(sal.service, need)
        f.schedule(sal.service, "MO,WE", "09:00", "12:00")


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_directory_api_never_answers_5xx_and_conforms(case: Any, directory: None) -> None:
    response = case.call_and_validate(excluded_checks=EXCLUDED)
    assert response.headers.get("access-control-allow-origin") in (["*"], "*")
