"""FHIR request bodies, checked by type before anything reads them.

A body is validated against the FHIR R4 model (``fhir.resources``, a well-kept library), so a
wrong type anywhere becomes a 400 OperationOutcome naming the element (``CareTeam.period.start``),
never an exception. What ECM then reads from it is read from a body known to be well typed.
The practitioner of a CareTeam may be named by ECM's id, a contained Practitioner or an
identifier (e-mail, professional registration number) and is matched to one member of the
client's organisation.
"""

from __future__ import annotations

import json
import re
from typing import Any

from django.http import HttpRequest
from fhir.resources.R4B.careteam import CareTeam
from pydantic import ValidationError

from ecm.accounts.models import Organisation, User
from ecm.accounts.selectors import practitioners_matching
from ecm.index.api.params import ApiError

ECM_ID = re.compile(r"[0-9]{1,18}")
EMAIL_SYSTEMS = {"email", "https://ecm.example.gov.uk/Id/email", "urn:ietf:rfc:5322"}
# Professional registers (UK Core identifier systems) and ECM's own for any other register.
REGISTRATION_SYSTEMS = {
    "https://fhir.hl7.org.uk/Id/gmc-number",
    "https://fhir.hl7.org.uk/Id/nmc-number",
    "https://fhir.hl7.org.uk/Id/hcpc-number",
    "https://fhir.hl7.org.uk/Id/gphc-number",
    "https://fhir.hl7.org.uk/Id/gdc-number",
    "https://ecm.example.gov.uk/Id/professional-registration",
}
MAX_PROBLEMS = 5


def _path(loc: tuple[Any, ...]) -> str:
    path = "CareTeam"
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        elif part not in ("root", "__root__"):
            path += f".{part}"
    return path


def care_team_body(request: HttpRequest) -> dict[str, Any]:
    """The request's CareTeam as a dict whose every element has its FHIR type; raises :class:`ApiError`."""
    try:
        body = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise ApiError("INVALID_REQUEST", "The body is not valid JSON.") from None
    if not isinstance(body, dict) or body.get("resourceType") != "CareTeam":
        raise ApiError("INVALID_REQUEST", "The body must be a CareTeam resource (resourceType CareTeam).")
    try:
        CareTeam.model_validate(body)
    except ValidationError as exc:
        errors = exc.errors()
        extra = [e for e in errors if e.get("type") == "extra_forbidden"]
        problems = [f"{_path(tuple(e['loc']))}: {e['msg']}" for e in errors[:MAX_PROBLEMS]]
        code = "ADDITIONAL_PROPERTIES" if extra and len(extra) == len(errors) else "INVALID_VALUE"
        raise ApiError(code, "Invalid CareTeam. " + "; ".join(problems)) from None
    except (ValueError, TypeError, RecursionError) as exc:  # anything else the model refuses
        raise ApiError("INVALID_VALUE", f"Invalid CareTeam: {exc}") from None
    return body


def date_text(value: Any, element: str) -> str:
    """A FHIR date element given as text (``YYYY-MM-DD``)."""
    if value in (None, ""):
        return ""
    if not isinstance(value, str):
        raise ApiError("INVALID_VALUE", f"{element} must be a date as text, YYYY-MM-DD.")
    return value


def _identifiers(resource: dict[str, Any]) -> tuple[set[str], set[str]]:
    """(e-mails, registration numbers) named by a Practitioner or a Reference.identifier."""
    emails: set[str] = set()
    registrations: set[str] = set()
    identifiers = list(resource.get("identifier") or [])
    if isinstance(resource.get("identifier"), dict):  # Reference.identifier is one Identifier
        identifiers = [resource["identifier"]]
    for identifier in identifiers:
        system, value = str(identifier.get("system") or ""), str(identifier.get("value") or "").strip()
        if not value:
            continue
        if system in EMAIL_SYSTEMS or system.startswith("mailto:"):
            emails.add(value.removeprefix("mailto:"))
        elif system in REGISTRATION_SYSTEMS:
            registrations.add(value)
    for telecom in resource.get("telecom") or []:
        if telecom.get("system") == "email" and str(telecom.get("value") or "").strip():
            emails.add(str(telecom["value"]).strip().removeprefix("mailto:"))
    return emails, registrations


def care_team_practitioner(body: dict[str, Any], organisation: Organisation) -> User:
    """The ECM user ``participant[0].member`` names, among ``organisation``'s staff.

    ``Practitioner/<ECM id>``; ``#<id>`` of a contained Practitioner with an e-mail or registration
    number; or ``member.identifier`` (e-mail or registration number). Exactly one must match.
    """
    participants = body.get("participant") or []
    member = (participants[0].get("member") or {}) if participants else {}
    reference = str(member.get("reference") or "")
    if reference.startswith("Practitioner/"):
        raw = reference.removeprefix("Practitioner/")
        if not ECM_ID.fullmatch(raw):
            raise ApiError(
                "INVALID_VALUE", "participant[0].member.reference: Practitioner/<id> must be ECM's user number."
            )
        found = list(practitioners_matching(organisation=organisation, user_id=int(raw)))
        if not found:
            raise ApiError(
                "INVALID_VALUE", "participant[0].member: the practitioner is not one of your organisation's staff."
            )
        return found[0]
    if reference.startswith("#"):
        contained = [
            r
            for r in body.get("contained") or []
            if r.get("resourceType") == "Practitioner" and r.get("id") == reference[1:]
        ]
        if not contained:
            raise ApiError(
                "INVALID_VALUE",
                f"participant[0].member.reference: no contained Practitioner with id '{reference[1:]}'.",
            )
        emails, registrations = _identifiers(contained[0])
        where = "the contained Practitioner"
    elif member.get("identifier"):
        emails, registrations = _identifiers(member)
        where = "participant[0].member.identifier"
    else:
        raise ApiError(
            "MISSING_VALUE",
            "participant[0].member: give reference Practitioner/<id>, a contained Practitioner (#id) "
            "or an identifier (e-mail or professional registration number).",
        )
    if not emails and not registrations:
        raise ApiError(
            "INVALID_VALUE",
            f"{where} has no e-mail (telecom, or identifier system https://ecm.example.gov.uk/Id/email) "
            "or professional registration number (e.g. https://fhir.hl7.org.uk/Id/nmc-number).",
        )
    found = list(practitioners_matching(organisation=organisation, emails=emails, registrations=registrations))
    if not found:
        raise ApiError(
            "INVALID_VALUE", f"{where}: no practitioner of your organisation has that e-mail or registration."
        )
    if len(found) > 1:
        raise ApiError(
            "INVALID_VALUE",
            f"{where} matches {len(found)} practitioners of your organisation: "
            "name one by a registration number or ECM id.",
        )
    return found[0]
