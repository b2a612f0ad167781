"""Security answers that belong with sign-in and sessions."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from ecm.audit.services import audit_security_event


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A plain explanation instead of Django's technical 403 page (settings.CSRF_FAILURE_VIEW).

    Audited for a signed-in user; counted outside the audit chain for anyone else."""
    audit_security_event(request=request, action="security.csrf_failure", data={"path": request.path, "reason": reason})
    return render(request, "core/csrf_failure.html", status=403)
