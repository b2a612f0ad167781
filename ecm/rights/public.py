"""The public page that tells children and parents how to see, correct or remove their data (DOMAIN section 6)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

DEFAULT_CONTACT = (
    "Any practitioner working with you (for example your health visitor, school or social worker) can take your "
    "request. Or contact the council's data protection officer (demonstration details): Information "
    "Governance, Civic Hall, Leeds; dataprotection@example.gov.uk; 0113 000 0002."
)


def your_data(request: HttpRequest) -> HttpResponse:
    """Public: how to see, correct or remove the data ECM holds about a child or a parent."""
    contact = getattr(settings, "ECM_DATA_PROTECTION_CONTACT", "") or DEFAULT_CONTACT
    return render(request, "rights/public/your_data.html", {"contact": contact})
