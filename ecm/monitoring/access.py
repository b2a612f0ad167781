"""Who may use area monitoring, and which area and CAFs they reach. Forbidden and missing both answer 404.

- The dashboard and its exports ("the children's trust"): managers, CAF co-ordinators, privacy
  officers and data managers, for their own organisation's area. Counts only, suppressed.
- The CAF register, the quality lists and quality reviews: CAF co-ordinators and managers, for
  their area; existence, dates, status, assessor and lead professional, never the content.
- The pseudonymised cohort extract: data managers only, with a recorded purpose.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404

from ecm.accounts.choices import Role
from ecm.accounts.models import LocalAuthority
from ecm.caf.models import Assessment
from ecm.index.visibility import children_visible

DASHBOARD_ROLES: tuple[str, ...] = (Role.MANAGER, Role.CAF_COORDINATOR, Role.PRIVACY_OFFICER, Role.DATA_MANAGER)
COORDINATOR_ROLES: tuple[str, ...] = (Role.CAF_COORDINATOR, Role.MANAGER)
EXTRACT_ROLES: tuple[str, ...] = (Role.DATA_MANAGER,)


def area_of(user: Any) -> LocalAuthority:
    """The area the user monitors: their organisation's. 404 for a user with none (a national partner)."""
    organisation = getattr(user, "organisation", None)
    area = organisation.local_authority if organisation is not None else None
    if area is None:
        raise Http404("Page not found")
    return area


def area_cafs(user: Any) -> Any:
    """The CAFs of the user's area (by the assessing organisation's area) whose child the user may see:
    an archived child's CAFs leave the register and the quality lists (the counts keep them)."""
    return Assessment.objects.filter(
        children_visible(user, "child__"), author_organisation__local_authority=area_of(user)
    )


def caf_in_area_or_404(user: Any, assessment_id: Any) -> Assessment:
    assessment = area_cafs(user).select_related("author", "author_organisation").filter(pk=assessment_id).first()
    if assessment is None:
        raise Http404("Page not found")
    return assessment
