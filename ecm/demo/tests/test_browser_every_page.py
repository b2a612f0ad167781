"""Every page at 320 px (WCAG 1.4.10 reflow), axe clean, in Debian's Chromium.

The list of pages is the permission matrix's URL map (``test_permission_matrix``): every URL
pattern, its arguments filled from the demo area, and for each the first column (role, then
anonymous) that the matrix expects to open it with 200. A new URL is swept as soon as it has
its row in the matrix; a URL the map cannot fill fails here as it fails there. JSON and file
downloads (the APIs, CSV, PDF) are not pages and are left out by their content type.

One browser context per column, signed in once. Each page must be no wider than the screen
(``document.documentElement.scrollWidth <= 320``; a failure names the page and its widest
element) and have no serious or critical axe violation of the WCAG 2.x A and AA rules.
``ECM_SCREENSHOTS=<folder>`` keeps a full-page screenshot of every page (``FAILED-`` before the
name of a page that fails); without it, none is taken.
"""

from __future__ import annotations

import os
import time
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.urls import get_resolver

from conftest import WCAG_AA_TAGS, axe_violations
from ecm.accounts.demo import DEMO_PASSWORD
from ecm.accounts.models import User
from ecm.accounts.services import api_client_create
from ecm.core.actors import SystemActor
from ecm.demo.tests.test_permission_matrix import API_PREFIXES, COLUMNS, EXPECTED, ROLE_USERS, url_for, walk

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = os.environ.get("ECM_SCREENSHOTS", "")
WIDTH = 320

# The element reaching furthest right, outside any scrolling region that keeps it in (a
# region that scrolls inside itself does not widen the page).
WIDEST = """(limit) => {
  const clipped = (el) => {
    for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
      const s = getComputedStyle(a);
      if (s.overflowX !== 'visible' && a.getBoundingClientRect().right <= limit + 0.5) return true;
    }
    return false;
  };
  let worst = null, right = limit + 0.5;
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    // Its box, or the text overflowing it (a long word in a <pre>).
    const reach = getComputedStyle(el).overflowX === 'visible' ? Math.max(r.right, r.left + el.scrollWidth) : r.right;
    if (reach > right && !clipped(el)) { worst = el; right = reach; }
  }
  if (!worst) return 'none found';
  const name = worst.tagName.toLowerCase() + (worst.id ? '#' + worst.id : '')
    + [...worst.classList].map((c) => '.' + c).join('');
  const text = (worst.innerText || worst.value || '').replace(/\\s+/g, ' ').trim().slice(0, 60);
  return `${name} to ${Math.round(right)} px "${text}"`;
}"""


def _open_record(page: Any) -> str:
    page.get_by_label("To confirm the child's identity").check()
    page.get_by_role("button", name="Open the record").click()
    page.wait_for_url("**/index/children/*/")
    return "index:record"


# Pages a GET cannot reach (the matrix sees a redirect): the page they follow, and how to get there.
BEHIND_A_FORM = {"index:reason": _open_record}


def sweep_plan() -> dict[str, list[tuple[str, str]]]:
    """Column -> [(URL name, path)]: each URL once, for the first column expected to open it."""
    plan: dict[str, list[tuple[str, str]]] = {column: [] for column in COLUMNS if column != "api"}
    for name, pattern, prefix in walk(get_resolver().url_patterns):
        assert name in EXPECTED, f"{name} has no row in the permission matrix (test_permission_matrix.EXPECTED)"
        path = url_for(name, pattern, prefix)
        if path.startswith(API_PREFIXES):
            continue
        row = dict(zip(COLUMNS, EXPECTED[name], strict=True))
        opener = next((column for column in plan if row[column] == 200), None)
        if opener is not None:
            plan[opener].append((name, path))
    return plan


def test_every_page_fits_320px_and_is_axe_clean(chromium_browser: Any, live_server: Any, browser_sign_in: Any) -> None:
    call_command("seed_demo", stdout=StringIO())
    # The matrix's world: the demo area and one API client (its administration pages).
    organisation = User.objects.get(username="practitioner").organisation
    api_client_create(actor=SystemActor("sweep"), name="sweep-client", organisation=organisation)
    plan = sweep_plan()
    assert sum(len(pages) for pages in plan.values()) > 150, plan  # the map, not a handful
    too_wide: list[str] = []
    inaccessible: list[str] = []
    not_opened: list[str] = []
    swept: list[str] = []
    axe_seconds: list[float] = []
    started = time.monotonic()

    def check(page: Any, column: str, name: str, path: str) -> None:
        swept.append(path)
        width = page.evaluate("document.documentElement.scrollWidth")
        failed = False
        if width > WIDTH:
            too_wide.append(f"{column} {path} ({name}): {width} px, widest {page.evaluate(WIDEST, WIDTH)}")
            failed = True
        axe_started = time.monotonic()
        violations = axe_violations(page, tags=WCAG_AA_TAGS)
        axe_seconds.append(time.monotonic() - axe_started)
        if violations:
            inaccessible.append(
                f"{column} {path} ({name}): "
                + "; ".join(f"{v['id']} at {[n['target'] for n in v['nodes']][:3]}" for v in violations)
            )
            failed = True
        if SHOTS:  # every page, to look at; a failing one is marked
            shot = f"{'FAILED-' if failed else ''}320-{column}-{name.replace(':', '_')}.png"
            page.screenshot(path=os.path.join(SHOTS, shot), full_page=True)

    for column, pages in plan.items():
        if not pages:
            continue
        context = chromium_browser.new_context(base_url=live_server.url, viewport={"width": WIDTH, "height": 800})
        page = context.new_page()
        page.set_default_timeout(15_000)
        if column != "anonymous":
            browser_sign_in(page, User.objects.get(username=ROLE_USERS[column]), DEMO_PASSWORD)
        for name, path in pages:
            try:
                response = page.goto(path)
            except Exception as error:  # a file download is not a page
                if "Download is starting" in str(error):
                    continue
                raise
            assert response is not None, path
            if "text/html" not in response.headers.get("content-type", ""):
                continue
            if response.status != 200:
                not_opened.append(f"{column} {path} ({name}): {response.status}")
                continue
            check(page, column, name, path)
            if name in BEHIND_A_FORM:  # the page the form leads to
                then = BEHIND_A_FORM[name](page)
                check(page, column, then, page.url.removeprefix(live_server.url))
        context.close()
    elapsed = time.monotonic() - started
    print(f"\nswept {len(swept)} pages at {WIDTH} px in {elapsed:.0f} s, of which axe {sum(axe_seconds):.0f} s")
    problems = [
        *(["Pages wider than 320 px:", *too_wide] if too_wide else []),
        *(["axe violations (WCAG A and AA) at 320 px:", *inaccessible] if inaccessible else []),
        *(["Pages the matrix expects to open (200) that did not:", *not_opened] if not_opened else []),
    ]
    assert not problems, "\n".join(problems)
    assert {"/account/", "/budgets/allocations/", "/caf/", "/index/"} <= set(swept), swept
