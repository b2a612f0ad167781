"""Template context every page needs: service name, phase, navigation for the user's roles."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest


def service(request: HttpRequest) -> dict[str, Any]:
    from ecm.core.navigation import navigation_for

    return {
        "service_name": settings.ECM_SERVICE_NAME,
        "service_phase": settings.ECM_PHASE,
        "navigation": navigation_for(request),
    }
