"""Practitioner pages at 320 px (WCAG 1.4.10 reflow): nothing wider than the screen, axe clean.

Seeded with the demo area, so the pages carry realistic content (long names, tables, budgets).
"""

from __future__ import annotations

import os
from io import StringIO

import pytest
from django.core.management import call_command

from conftest import axe_violations
from ecm.accounts.demo import DEMO_PASSWORD
from ecm.accounts.models import User
from ecm.caf.models import Assessment

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = os.environ.get("ECM_SCREENSHOTS", "")


def test_practitioner_and_manager_pages_fit_320px(page, browser_sign_in) -> None:
    call_command("seed_demo", stdout=StringIO())
    caf = Assessment.objects.filter(author__username="teacher").order_by("created_at").first()
    assert caf is not None
    pages = {
        "practitioner": [
            "/",
            "/account/",
            "/index/",
            "/caf/",
            f"/caf/{caf.pk}/",
            f"/caf/{caf.pk}/team/",
            f"/caf/{caf.pk}/plan/",
            f"/caf/{caf.pk}/reviews/",
            "/budgets/",
            "/budgets/allocations/",
            "/referrals/",
            "/multiagency/",
            "/sharing/",
            "/directory/",
        ],
        "manager": ["/", "/budgets/", "/budgets/allocations/", "/budgets/approvals/", "/multiagency/caseloads/"],
    }
    page.set_viewport_size({"width": 320, "height": 800})
    too_wide, checked = [], []
    for username, paths in pages.items():
        user = User.objects.get(username=username)
        page.context.clear_cookies()
        browser_sign_in(page, user, DEMO_PASSWORD)
        for path in paths:
            response = page.goto(path)
            if response is None or response.status != 200:
                continue
            checked.append(path)
            if SHOTS and path in ("/account/", "/budgets/allocations/"):
                page.screenshot(
                    path=os.path.join(SHOTS, f"320-{username}-{path.strip('/').replace('/', '_')}.png"), full_page=True
                )
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > 320:
                too_wide.append((username, path, width))
                if SHOTS:
                    page.screenshot(
                        path=os.path.join(SHOTS, f"wide-{username}-{path.strip('/').replace('/', '_')}.png")
                    )
            assert axe_violations(page) == [], path
    assert too_wide == []
    assert {"/account/", "/budgets/allocations/", "/caf/", "/index/"} <= set(checked), checked
