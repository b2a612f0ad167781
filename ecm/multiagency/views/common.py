"""What the multi-agency views share: the one-form page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from ecm.multiagency.services import MultiagencyError


def posted(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


def form_page(
    request: HttpRequest,
    form: Form,
    act: Callable[[dict[str, Any]], Any],
    *,
    title: str,
    done: str,
    back: str,
    caption: str = "",
    intro: str = "",
    next_url: Callable[[Any], str] | None = None,
) -> HttpResponse:
    """A one-form page: valid → one service → message → on; a rule broken → the error summary."""
    if request.method == "POST" and form.is_valid():
        try:
            result = act(form.cleaned_data)
        except MultiagencyError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, done)
            return redirect(next_url(result) if next_url else back)
    context = {"form": form, "title": title, "back": back, "caption": caption, "intro": intro}
    return render(request, "multiagency/form_page.html", context)
