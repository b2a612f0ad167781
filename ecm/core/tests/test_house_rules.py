"""The house rules a grep can check: views, forms and API code neither write models nor fetch them directly."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FORBIDDEN = re.compile(r"\.save\(|\.delete\(|\bobjects\.(get|filter|create|update|all|order_by|exclude|none)\(")


def _thin_layer_files() -> list[Path]:
    files = []
    for path in ROOT.rglob("*.py"):
        parts = set(path.relative_to(ROOT).parts)
        if "tests" in parts or "migrations" in parts:
            continue
        if path.name in ("views.py", "forms.py") or "views" in parts or "api" in parts:
            files.append(path)
    return files


def test_views_forms_and_api_go_through_services_selectors_and_access():
    offenders = []
    for path in _thin_layer_files():
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            if FORBIDDEN.search(line) and "# house-rule: allowed" not in line:
                offenders.append(f"{path.relative_to(ROOT.parent)}:{number}: {line.strip()}")
    assert offenders == [], "Use services.py, selectors.py or access.py instead:\n" + "\n".join(offenders)


def test_the_check_would_catch_a_direct_fetch():
    assert FORBIDDEN.search("child = Child.objects.get(pk=child_id)")
    assert FORBIDDEN.search("form.instance.save()")
    assert not FORBIDDEN.search("child = child_for_user(user=request.user, child_id=child_id)")
