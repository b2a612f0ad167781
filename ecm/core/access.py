"""Role checks any app may use, including those above ``accounts`` in the layers (``audit``).

The user model (``ecm.accounts``) gives ``has_any_role``; this module only asks it.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse

View = Callable[..., HttpResponse]


def role_required(*roles: str) -> Callable[[View], View]:
    """Decorator: the user holds one of ``roles``; otherwise 404, as if the page did not exist."""

    def decorator(view: View) -> View:
        @login_required
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.has_any_role(*roles):  # type: ignore[union-attr]
                raise Http404("Page not found")
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
