"""The audit trail, read by privacy officers and administrators (the read is itself audited)."""

from __future__ import annotations

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from ecm.audit.access import audit_reader_required
from ecm.audit.forms import AuditFilterForm
from ecm.audit.selectors import audit_event_list
from ecm.audit.services import audit_record


@audit_reader_required
def event_list(request: HttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    with transaction.atomic():
        events = list(audit_event_list(**{k: v for k, v in filters.items() if v}))
        audit_record(actor=request.user, action="audit.viewed", data={"filters": filters, "shown": len(events)})
    return render(request, "audit/event_list.html", {"form": form, "events": events})
