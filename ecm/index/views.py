"""Pages of the child index: search, reason, record, own involvement, shielding. Thin: access, service, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from ecm.accounts.access import child_data_required, role_required
from ecm.accounts.choices import Role
from ecm.accounts.stepup import step_up_required
from ecm.index import services
from ecm.index.access import child_for, index_admin_required, index_user_required, own_involvement_for
from ecm.index.forms import (
    ConfirmForm,
    DeathForm,
    InvolvementAddForm,
    InvolvementFlagsForm,
    ReasonForm,
    ReasonTextForm,
    RetentionConsentForm,
    SearchForm,
)
from ecm.index.models import Child
from ecm.index.reasons import reason_for, remember_reason
from ecm.index.record_links import record_links
from ecm.index.record_sections import record_sections
from ecm.index.search.criteria import SearchCriteriaError, fuzzy_missing, join_words
from ecm.index.selectors import (
    ReasonRequired,
    child_record_open,
    child_record_reveal,
    child_search,
    lead_held_elsewhere,
)
from ecm.index.visibility import child_visibility


def _posted(request: HttpRequest) -> Any:
    """The submitted data on POST (even when empty), None on GET: a bound form only when posted."""
    return request.POST if request.method == "POST" else None


@index_user_required
@require_http_methods(["GET", "POST"])
def search_view(request: HttpRequest) -> HttpResponse:
    """Search by POST so that names and dates never sit in URLs or logs."""
    form = SearchForm(_posted(request), actor=request.user)
    context: dict[str, Any] = {"form": form, "searched": False}
    if request.method == "POST" and form.is_valid():
        criteria = form.criteria()
        try:
            on_behalf_of = form.cleaned_data.get("on_behalf_of", "")
            result = child_search(actor=request.user, criteria=criteria, on_behalf_of=on_behalf_of)
        except SearchCriteriaError as exc:
            for field, message in exc.problems.items():
                target = {"birth_date": "date_of_birth", "birth_date_from": "born_from"}.get(field, field)
                form.add_error(None if target == "__all__" or target not in form.fields else target, message)
        else:
            missing = [] if criteria.fuzzy else fuzzy_missing(criteria)
            context.update(
                searched=True,
                result=result,
                criteria=criteria,
                fuzzy_needs=join_words(missing) if missing else "",
                found=not result.too_many and result.outcome != "none",
            )
    return render(request, "index/search.html", context)


@index_user_required
@require_http_methods(["GET", "POST"])
def reason_view(request: HttpRequest, child_id: str) -> HttpResponse:
    child = child_for(actor=request.user, child_id=child_id)
    if str(child.pk) != str(child_id):
        return redirect("index:reason", child_id=child.pk)
    form = ReasonForm(_posted(request), actor=request.user)
    if request.method == "POST" and form.is_valid():
        remember_reason(
            request,
            child,
            reason_code=form.cleaned_data["reason_code"],
            reason_text=form.cleaned_data["reason_text"],
            on_behalf_of=form.cleaned_data.get("on_behalf_of", ""),
        )
        return redirect("index:record", child_id=child.pk)
    return render(request, "index/reason.html", {"form": form, "child": child})


def _record_page(request: HttpRequest, child: Child, *, extra: dict[str, Any] | None = None) -> HttpResponse:
    held = reason_for(request, child)
    if held is None:
        return redirect("index:reason", child_id=child.pk)
    try:
        record = child_record_open(
            actor=request.user,
            child=child,
            reason_code=held["code"],
            reason_text=held["text"],
            on_behalf_of=held.get("on_behalf_of", ""),
        )
    except ReasonRequired:
        return redirect("index:reason", child_id=child.pk)
    sections = record_sections(request, child, record)  # other apps' sections (ecm.index.record_sections)
    context = {
        "record": record,
        "child": child,
        "sections": sections,
        "record_links": record_links(request, child),  # other apps' links (ecm.index.record_links)
        "on_behalf_of": held.get("on_behalf_of", ""),
        **_admin(request),
        **(extra or {}),
    }
    return render(request, "index/record.html", context)


def _admin(request: HttpRequest) -> dict[str, bool]:
    user: Any = request.user
    return {
        "is_index_admin": user.has_role(Role.INDEX_ADMIN),
        "can_record_retention": user.has_role(Role.INDEX_ADMIN) or user.has_role(Role.DATA_MANAGER),
    }


@index_user_required
def record_view(request: HttpRequest, child_id: str) -> HttpResponse:
    """The record, only while this session holds a reason for it; every showing is audited."""
    child = child_for(actor=request.user, child_id=child_id)
    if str(child.pk) != str(child_id):
        return redirect("index:reason", child_id=child.pk)
    return _record_page(request, child)


@index_user_required
@require_http_methods(["GET", "POST"])
def involvement_add_view(request: HttpRequest, child_id: str) -> HttpResponse:
    child = child_for(actor=request.user, child_id=child_id)
    if reason_for(request, child) is None:
        return redirect("index:reason", child_id=child.pk)
    lead_held_by = lead_held_elsewhere(child, request.user)
    form = InvolvementAddForm(_posted(request), lead_held_by=lead_held_by)
    if request.method == "POST" and form.is_valid():
        try:
            practitioner: Any = request.user  # signed in: login_required
            services.involvement_add(actor=request.user, child=child, practitioner=practitioner, **form.cleaned_data)
        except services.IndexRuleError as exc:
            field = "sensitive_basis" if "consent" in str(exc) else None
            form.add_error(field, str(exc))
        else:
            messages.success(request, "Your involvement has been added.")
            return redirect("index:record", child_id=child.pk)
    return render(request, "index/involvement_add.html", {"form": form, "child": child, "lead_held_by": lead_held_by})


@index_user_required
@require_http_methods(["GET", "POST"])
def involvement_flags_view(request: HttpRequest, involvement_id: str) -> HttpResponse:
    involvement = own_involvement_for(actor=request.user, involvement_id=involvement_id)
    initial = {name: getattr(involvement, name) for name in InvolvementFlagsForm.base_fields}
    lead_held_by = lead_held_elsewhere(involvement.child, request.user)
    form = InvolvementFlagsForm(_posted(request), initial=initial, lead_held_by=lead_held_by)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.involvement_set_flags(
                actor=request.user,
                involvement=involvement,
                is_lead_professional=data.get("is_lead_professional"),
                has_undertaken_caf=data["has_undertaken_caf"],
                caf_started_on=data["caf_started_on"],
                caf_status=data["caf_status"] or None,
                wishes_to_be_contacted=data["wishes_to_be_contacted"],
                contact_reason=data["contact_reason"],
            )
        except services.IndexRuleError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Your involvement has been updated.")
            return redirect("index:record", child_id=involvement.child_id)
    return render(
        request,
        "index/involvement_flags.html",
        {"form": form, "involvement": involvement, "lead_held_by": lead_held_by},
    )


@index_user_required
@require_http_methods(["GET", "POST"])
def involvement_end_view(request: HttpRequest, involvement_id: str) -> HttpResponse:
    involvement = own_involvement_for(actor=request.user, involvement_id=involvement_id)
    form = ConfirmForm(_posted(request), submit="End my involvement", warning=True)
    if request.method == "POST" and form.is_valid():
        services.involvement_end(actor=request.user, involvement=involvement)
        messages.success(request, "Your involvement has ended. It stays on the record with its end date.")
        return redirect("index:record", child_id=involvement.child_id)
    return render(request, "index/involvement_end.html", {"form": form, "involvement": involvement})


@index_admin_required
@require_http_methods(["GET", "POST"])
def shield_view(request: HttpRequest, child_id: str) -> HttpResponse:
    """Set or lift a shield, with a reason (index administrators)."""
    child = child_for(actor=request.user, child_id=child_id)
    lifting = child.is_shielded
    form = ReasonTextForm(
        _posted(request),
        label="Reason for lifting the shield" if lifting else "Reason for shielding this record",
        submit="Lift the shield" if lifting else "Shield the record",
    )
    if request.method == "POST" and form.is_valid():
        change = services.child_shield_lift if lifting else services.child_shield_set
        change(actor=request.user, child=child, reason=form.cleaned_data["reason"])
        messages.success(request, "The shield has been lifted." if lifting else "The record is now shielded.")
        return redirect("index:record", child_id=child.pk)
    return render(request, "index/shield.html", {"form": form, "child": child, "lifting": lifting})


@index_admin_required
@step_up_required
@require_http_methods(["GET", "POST"])
def reveal_view(request: HttpRequest, child_id: str) -> HttpResponse:
    """Reveal a shielded record after step-up and a written justification; always alerts."""
    child = child_for(actor=request.user, child_id=child_id)
    form = ReasonTextForm(
        _posted(request),
        label="Justification for revealing this shielded record",
        submit="Reveal the details",
        min_length=20,
    )
    if request.method == "POST" and form.is_valid():
        record = child_record_reveal(actor=request.user, child=child, justification=form.cleaned_data["reason"])
        return render(request, "index/record.html", {"record": record, "child": child, **_admin(request)})
    return render(
        request, "index/reveal.html", {"form": form, "child": child, "back": reverse("index:record", args=[child.pk])}
    )


UNIVERSAL_GAPS_ROLES = (Role.INDEX_ADMIN, Role.DATA_MANAGER)


@child_data_required
@role_required(*UNIVERSAL_GAPS_ROLES)
def universal_gaps_view(request: HttpRequest) -> HttpResponse:
    """The local authority's children with no school or no GP practice recorded, for follow-up; audited."""
    from ecm.index import universal

    gap = request.GET.get("gap", universal.Gap.EITHER)
    if gap not in dict(universal.Gap.CHOICES):
        gap = universal.Gap.EITHER
    organisation = getattr(request.user, "organisation", None)
    area = getattr(organisation, "local_authority", None)
    listing = None
    if area is not None:
        listing = universal.universal_gaps_list(
            actor=request.user, local_authority=area, gap=gap, page_number=request.GET.get("page", 1)
        )
    return render(
        request,
        "index/universal_gaps.html",
        {"area": area, "gap": gap, "gap_choices": universal.Gap.CHOICES, "listing": listing},
    )


@index_user_required
def on_behalf_view(request: HttpRequest) -> HttpResponse:
    """Look-ups colleagues did for this user, and those this user did for colleagues (DOMAIN section 2)."""
    from ecm.index import on_behalf

    return render(
        request,
        "index/on_behalf.html",
        {"done_for_me": on_behalf.lookups_for(request.user), "done_by_me": on_behalf.lookups_by(request.user)},
    )


@index_user_required
@require_http_methods(["GET", "POST"])
def broker_ask_view(request: HttpRequest, child_id: str) -> HttpResponse:
    """Ask an index administrator about a shielded record or an unspecified service (DOMAIN section 2)."""
    from ecm.index import broker
    from ecm.index.forms import BrokerAskForm

    child = child_for(actor=request.user, child_id=child_id)
    if reason_for(request, child) is None:
        return redirect("index:reason", child_id=child.pk)
    hidden = {str(i.pk): i for i in broker.hidden_involvements(actor=request.user, child=child)}
    options = [("record", "This shielded record")] if child_visibility(request.user, child).restricted else []
    options += [
        (f"service:{pk}", f"An unspecified service, involved since {i.started_on:%-d %B %Y}")
        for pk, i in hidden.items()
    ]
    if not options:
        messages.info(request, "Nothing on this record is hidden from you.")
        return redirect("index:record", child_id=child.pk)
    form = BrokerAskForm(_posted(request), options=options)
    if request.method == "POST" and form.is_valid():
        about = form.cleaned_data["about"]
        try:
            made = broker.broker_request_create(
                actor=request.user,
                child=child,
                ask=form.cleaned_data["ask"],
                reason=form.cleaned_data["reason"],
                message=form.cleaned_data["message"],
                involvement=hidden.get(about.removeprefix("service:")) if about.startswith("service:") else None,
            )
        except broker.BrokerError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Your request has gone to the index administrators. You will be told.")
            return redirect("index:broker_request", request_id=made.pk)
    return render(request, "index/broker_ask.html", {"form": form, "child": child})


@index_user_required
def broker_list_view(request: HttpRequest) -> HttpResponse:
    """Index administrators: the open requests. Everyone: their own requests."""
    from ecm.index import broker

    is_admin = request.user.has_role(Role.INDEX_ADMIN)  # type: ignore[union-attr]
    return render(
        request,
        "index/broker_list.html",
        {
            "is_admin": is_admin,
            "open": broker.open_requests() if is_admin else [],
            "mine": broker.requests_of(request.user),
        },
    )


@index_user_required
@require_http_methods(["GET", "POST"])
def broker_request_view(request: HttpRequest, request_id: str) -> HttpResponse:
    from ecm.index import broker
    from ecm.index.access import broker_request_for
    from ecm.index.forms import BrokerDecisionForm

    made = broker_request_for(actor=request.user, request_id=request_id)
    is_admin = request.user.has_role(Role.INDEX_ADMIN)  # type: ignore[union-attr]
    can_decide = is_admin and made.status == "open" and made.requester_id != request.user.pk
    form = BrokerDecisionForm(_posted(request)) if can_decide else None
    if request.method == "POST" and form is not None and form.is_valid():
        decide = {
            "reveal": broker.broker_request_reveal,
            "pass": broker.broker_request_pass,
        }.get(form.cleaned_data["decision"])
        try:
            if decide is None:
                broker.broker_request_refuse(actor=request.user, request=made, reason=form.cleaned_data["note"])
            else:
                decide(actor=request.user, request=made, note=form.cleaned_data["note"])
        except broker.BrokerError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Your decision is recorded and the user has been told.")
            return redirect("index:broker")
    details = None
    if made.requester_id == request.user.pk and made.status == "revealed":
        details = broker.revealed_details(actor=request.user, request=made)
    return render(request, "index/broker_request.html", {"made": made, "form": form, "details": details})


def _retention_role_required(view: Any) -> Any:
    return child_data_required(role_required(Role.INDEX_ADMIN, Role.DATA_MANAGER)(view))


@_retention_role_required
@require_http_methods(["GET", "POST"])
def death_view(request: HttpRequest, child_id: str) -> HttpResponse:
    """Record a child's death: the record stays live for a year, then is archived (DOMAIN section 2)."""
    child = child_for(actor=request.user, child_id=child_id)
    form = DeathForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.child_record_death(
                actor=request.user, child=child, date_of_death=form.cleaned_data["date_of_death"]
            )
        except services.IndexRuleError as exc:
            form.add_error("date_of_death", str(exc))
        else:
            messages.success(request, "The death has been recorded. The record will be archived a year after it.")
            return redirect("index:record", child_id=child.pk)
    return render(request, "index/death.html", {"form": form, "child": child})


@_retention_role_required
@require_http_methods(["GET", "POST"])
def retention_consent_view(request: HttpRequest, child_id: str) -> HttpResponse:
    """Record a young person's consent to stay on the index after 18, to 25 at most."""
    from ecm.index.retention import archive_date, retention_consent_record

    child = child_for(actor=request.user, child_id=child_id)
    form = RetentionConsentForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            retention_consent_record(
                actor=request.user, child=child, until=form.cleaned_data["until"], note=form.cleaned_data["note"]
            )
        except services.IndexRuleError as exc:
            form.add_error("until", str(exc))
        else:
            messages.success(request, "The consent has been recorded.")
            return redirect("index:record", child_id=child.pk)
    return render(
        request, "index/retention_consent.html", {"form": form, "child": child, "archive": archive_date(child)}
    )
