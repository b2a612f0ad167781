"""What subject access and rectification hold about a child, for the retention purge and the shield
(``ecm.index.retention``, ``ecm.index.visibility``).

A shielded child's package carries only what the shield allows: no address (or history), school,
GP or services (:func:`withhold_whereabouts`, applied when the package is built and to every
stored package when a shield is set later)."""

from __future__ import annotations

from typing import Any

from ecm.core.actors import Actor
from ecm.index.models import Child
from ecm.index.retention import locked, register_holder, same_child_ids, scrub_rows
from ecm.index.visibility import SHIELD_WITHHELD, redact, register_shield_hook
from ecm.rights.models import AccessPackage, AccessRequest, Annotation, RectificationRequest, Redaction

WITHHELD_ITEMS = ("index/addresses/", "index/involvements/")
WITHHELD_FIELDS = {"school", "gp_practice", "address"}


def withhold_whereabouts(data: dict[str, Any], terms: list[str]) -> dict[str, Any]:
    """The package without the shielded child's whereabouts: address and service items dropped,
    school, GP and address fields withheld, and every other copy of them replaced."""
    sections = []
    for section in data.get("sections", []):
        items = []
        for item in section.get("items", []):
            if str(item.get("path", "")).startswith(WITHHELD_ITEMS):
                continue
            if str(item.get("path", "")).startswith("index/"):
                item = {
                    **item,
                    "fields": [
                        {**f, "value": SHIELD_WITHHELD} if f.get("key") in WITHHELD_FIELDS else f
                        for f in item.get("fields", [])
                    ],
                }
            items.append(item)
        sections.append({**section, "items": items})
    return redact({**data, "sections": sections}, terms)


def shield(*, actor: Actor, child: Child, terms: list[str]) -> int:
    rows = 0
    for package in AccessPackage.objects.filter(request__child=child):
        data = withhold_whereabouts(package.data, terms)
        if data != package.data:
            AccessPackage.objects.filter(pk=package.pk).update(data=data)
            rows += 1
    return rows


def purge(*, actor: Actor, child: Child, identifiers: list[str]) -> int:
    ids = same_child_ids(child)
    requests = AccessRequest.objects.filter(child__in=ids)
    rows = scrub_rows(AccessPackage.objects.filter(request__in=requests), identifiers, blank=("data",))
    rows += scrub_rows(Redaction.objects.filter(request__in=requests), identifiers)
    rows += scrub_rows(Annotation.objects.filter(child__in=ids), identifiers, blank=("text",))
    rows += scrub_rows(
        RectificationRequest.objects.filter(child__in=ids),
        identifiers,
        blank=("current_value", "proposed_value", "previous_value", "evidence"),
    )
    rows += scrub_rows(
        requests, identifiers, blank=("requester_name", "requester_contact", "request_text", "identity_evidence")
    )
    return rows


def archive(*, actor: Actor, child: Child, ids: list[Any]) -> int:
    """The rows stay as they are: the visibility rule (``ecm.index.visibility``) hides and locks them."""
    return locked(
        actor=actor,
        child=child,
        ids=ids,
        querysets=[
            AccessRequest.objects.filter(child__in=ids),
            RectificationRequest.objects.filter(child__in=ids),
            Annotation.objects.filter(child__in=ids),
        ],
    )


register_holder(
    app="rights",
    holds="subject access requests and packages, rectification requests, annotations",
    purge=purge,
    archive=archive,
    unarchive=archive,
    archived=(
        "subject access and rectification requests stay with the data managers, who may still "
        "answer them from the archive"
    ),
)
register_shield_hook("rights", shield)
