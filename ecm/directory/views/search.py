"""The practitioner search (MOJ filter pattern) and the practitioner's service page."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from ecm.directory import access
from ecm.directory.choices import SearchChannel
from ecm.directory.forms import PractitionerSearchForm
from ecm.directory.selectors import records
from ecm.directory.selectors.places import integrated_location_ids
from ecm.directory.selectors.search import SearchPage, sal_search, terms_for_services
from ecm.directory.services import search_event_record

PER_PAGE = 20


def page_number(request: HttpRequest) -> int:
    try:
        return max(1, int(request.GET.get("page", "1")))
    except ValueError:
        return 1


def decorate(result: SearchPage) -> list[dict[str, Any]]:
    """Hits with each service's needs, for the results list."""
    needs = terms_for_services([hit.sal.service_id for hit in result.hits])
    integrated = integrated_location_ids({hit.sal.location_id for hit in result.hits})
    return [
        {
            "hit": hit,
            "sal": hit.sal,
            "service": hit.sal.service,
            "needs": needs.get(hit.sal.service_id, []),
            "integrated": hit.sal.location_id in integrated,
        }
        for hit in result.hits
    ]


def selected_filters(form: PractitionerSearchForm) -> list[dict[str, Any]]:
    """The MOJ filter's "selected filters" groups, each tag linking to the search without it."""
    if not form.is_bound or not form.is_valid():
        return []
    data = form.cleaned_data
    groups: list[dict[str, Any]] = []
    labels = dict(form.fields["needs"].choices)  # type: ignore[attr-defined]
    if data.get("q"):
        groups.append({"heading": "Keywords", "tags": [{"label": data["q"], "name": "q", "value": ""}]})
    if data.get("postcode"):
        groups.append(
            {
                "heading": "Near",
                "tags": [
                    {
                        "label": f"{data['postcode']} ({data.get('distance') or 5} miles)",
                        "name": "postcode",
                        "value": "",
                    }
                ],
            }
        )
    if data.get("needs"):
        groups.append(
            {
                "heading": "Needs",
                "tags": [{"label": labels.get(v, v), "name": "needs", "value": v} for v in data["needs"]],
            }
        )
    for name in ("age", "cost", "day", "time", "language"):
        if data.get(name):
            field = form.fields[name]
            label = dict(field.choices).get(data[name], data[name])  # type: ignore[attr-defined]
            groups.append({"heading": field.label, "tags": [{"label": label, "name": name, "value": ""}]})
    return groups


@login_required
def search(request: HttpRequest) -> HttpResponse:
    searched = any(k in request.GET for k in PractitionerSearchForm.base_fields)
    form = PractitionerSearchForm(request.GET if searched else None)
    result = None
    if searched and form.is_valid():
        page = page_number(request)
        result = sal_search(form.filters(), page=page, per_page=PER_PAGE)
        if page == 1:
            search_event_record(
                actor=request.user,
                channel=SearchChannel.PRACTITIONER,
                result_count=result.total,
                postcode=form.cleaned_data.get("postcode", ""),
                had_keyword=bool(form.cleaned_data.get("q")),
                age_months=int(form.cleaned_data["age"]) if form.cleaned_data.get("age") else None,
                term_ids=form.cleaned_data.get("needs") or [],
            )
    query = request.GET.copy()
    return render(
        request,
        "directory/search.html",
        {
            "form": form,
            "result": result,
            "rows": decorate(result) if result else [],
            "selected": selected_filters(form),
            "query": query,
        },
    )


@login_required
def service_page(request: HttpRequest, service_id: str) -> HttpResponse:
    service = access.published_service(service_id)
    full = records.service_by_id(service.id)
    needs = terms_for_services([service.id]).get(service.id, [])
    return render(
        request,
        "directory/service.html",
        {
            "service": full,
            "needs": needs,
            "can_edit": access.can_propose_changes(request.user, service),
        },
    )
