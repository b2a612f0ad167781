"""A place in the directory and every service at it; several organisations there make an integrated service."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from ecm.directory import access
from ecm.directory.selectors.places import place


@login_required
def location_page(request: HttpRequest, location_id: str) -> HttpResponse:
    location = access.location_shown(location_id)
    return render(request, "directory/location.html", {"place": place(location), "location": location})
