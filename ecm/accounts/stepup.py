"""Step-up: re-authentication before a sensitive action (e.g. revealing a shielded record).

Decorate a view with ``@step_up_required``; the user is sent to confirm their password and a
fresh second-factor code unless they did so in the last ``ECM_STEP_UP_MAX_AGE``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from ecm.core import clock

SESSION_KEY = "ecm_stepped_up_at"


def recently_stepped_up(request: HttpRequest) -> bool:
    raw = request.session.get(SESSION_KEY)
    if not raw:
        return False
    try:
        at = dt.datetime.fromisoformat(raw)
    except ValueError:
        return False
    return clock.now() - at <= settings.ECM_STEP_UP_MAX_AGE


def mark_stepped_up(request: HttpRequest) -> None:
    request.session[SESSION_KEY] = clock.now().isoformat()


def step_up_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not recently_stepped_up(request):
            target = request.get_full_path() if request.method == "GET" else request.path
            return HttpResponseRedirect(f"{reverse('accounts:step_up')}?{urlencode({'next': target})}")
        return view(request, *args, **kwargs)

    return wrapper
