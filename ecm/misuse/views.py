"""The privacy officer's pages: the alert queue, an alert with its evidence, staff personal details."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from ecm.accounts.access import role_required
from ecm.accounts.choices import Role
from ecm.misuse import selectors
from ecm.misuse.access import alert_for_officer, staff_member_for_officer
from ecm.misuse.choices import AlertStatus, Rule
from ecm.misuse.forms import (
    ESCALATE,
    AlertDecisionForm,
    AlertFilterForm,
    InvestigationForm,
    StaffDetailsForm,
    StaffSearchForm,
    StaffUploadForm,
)
from ecm.misuse.services import (
    MisuseError,
    alert_dismiss,
    alert_escalate,
    alert_investigation_record,
    alert_view,
    staff_details_import,
    staff_details_save,
    staff_details_view,
)
from ecm.misuse.staff_import import parse_staff_csv

officer_required = role_required(Role.PRIVACY_OFFICER)


@officer_required
def queue(request: HttpRequest) -> HttpResponse:
    """The queue of alerts, open ones first by severity then age."""
    data = request.GET if request.GET else {"status": AlertStatus.OPEN}
    form = AlertFilterForm(data)
    status, rule = AlertStatus.OPEN, ""
    if form.is_valid():
        status, rule = form.cleaned_data["status"], form.cleaned_data["rule"]
    alerts = selectors.alert_queue_sorted(actor=request.user, status=status, rule=rule)
    return render(
        request,
        "misuse/queue.html",
        {
            "filter_form": form,
            "alerts": alerts,
            "status": status,
            "rule": rule,
            "counts": selectors.alert_status_counts(actor=request.user),
        },
    )


@officer_required
def alert_detail(request: HttpRequest, alert_id: str) -> HttpResponse:
    """One alert: what raised it, the user's recent use of the index, and the decision form."""
    alert = alert_for_officer(actor=request.user, alert_id=alert_id)
    form = AlertDecisionForm(request.POST or None)
    if request.method == "POST" and not alert.is_open:
        messages.info(request, f"This alert was already {alert.get_status_display().lower()}.")
        return redirect("misuse:alert", alert_id=alert.pk)
    if request.method == "POST" and form.is_valid():
        decide = alert_escalate if form.cleaned_data["decision"] == ESCALATE else alert_dismiss
        try:
            decide(actor=request.user, alert=alert, note=form.cleaned_data["note"])
        except MisuseError as exc:
            form.add_error("decision", str(exc))
        else:
            if form.cleaned_data["decision"] == ESCALATE:
                messages.success(request, f"Alert escalated. {alert.user.username}'s account is suspended.")
                alert.refresh_from_db()
                if not any(told["as"] == "manager" for told in alert.escalated_to):
                    messages.warning(
                        request,
                        f"No manager who can be told is recorded for {alert.user.username}: "
                        f"{selectors.told_label(alert)} told instead. Record their manager.",
                    )
                return redirect("misuse:alert", alert_id=alert.pk)
            else:
                messages.success(request, "Alert dismissed.")
            return redirect("misuse:queue")
    if request.method == "GET":
        alert_view(actor=request.user, alert=alert)
    investigation = InvestigationForm()
    evidence = selectors.alert_evidence(alert=alert)
    return render(
        request,
        "misuse/alert.html",
        {
            "alert": alert,
            "rule_label": Rule(alert.rule).label,
            "form": form,
            "evidence": evidence,
            "evidence_ids": {e.sequence for e in evidence},
            "accesses": selectors.user_recent_accesses(user=alert.user),
            "other_alerts": selectors.user_other_alerts(alert=alert),
            "details": selectors.staff_details_for(user=alert.user),
            "investigation": investigation,
            "told": selectors.told_label(alert),
        },
        status=400 if form.errors else 200,
    )


@officer_required
def staff_list(request: HttpRequest) -> HttpResponse:
    """Find a member of staff to record their home and family names."""
    form = StaffSearchForm(request.GET or None)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    people = selectors.staff_search(query=query) if query else []
    return render(request, "misuse/staff_list.html", {"form": form, "people": people, "query": query})


@officer_required
def staff_details(request: HttpRequest, user_id: int) -> HttpResponse:
    """Record a member of staff's home postcode, address and other family names."""
    person = staff_member_for_officer(actor=request.user, user_id=user_id)
    if request.method == "GET":
        details = staff_details_view(actor=request.user, user=person)
    else:
        details = selectors.staff_details_for(user=person)
    initial = {
        "home_postcode": details.home_postcode if details else "",
        "home_address": details.home_address if details else "",
        "family_names": details.family_names if details else "",
        "works_out_of_hours": details.works_out_of_hours if details else False,
    }
    form = StaffDetailsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        staff_details_save(actor=request.user, user=person, **form.cleaned_data)
        messages.success(request, f"Personal details saved for {person.get_full_name() or person.username}.")
        return redirect("misuse:staff_details", user_id=person.pk)
    return render(
        request, "misuse/staff_details.html", {"person": person, "form": form}, status=400 if form.errors else 200
    )


@officer_required
@require_POST
def alert_investigation(request: HttpRequest, alert_id: str) -> HttpResponse:
    """After an escalation: record the findings and outcome of the investigation."""
    alert = alert_for_officer(actor=request.user, alert_id=alert_id)
    form = InvestigationForm(request.POST)
    if form.is_valid():
        try:
            alert_investigation_record(actor=request.user, alert=alert, **form.cleaned_data)
        except MisuseError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "The investigation is recorded.")
            return redirect("misuse:alert", alert_id=alert.pk)
    evidence = selectors.alert_evidence(alert=alert)
    context = {
        "alert": alert,
        "rule_label": Rule(alert.rule).label,
        "form": AlertDecisionForm(),
        "evidence": evidence,
        "evidence_ids": {e.sequence for e in evidence},
        "accesses": selectors.user_recent_accesses(user=alert.user),
        "other_alerts": selectors.user_other_alerts(alert=alert),
        "details": selectors.staff_details_for(user=alert.user),
        "investigation": form,
        "told": selectors.told_label(alert),
    }
    return render(request, "misuse/alert.html", context, status=400)


@officer_required
@require_http_methods(["GET", "POST"])
def staff_upload(request: HttpRequest) -> HttpResponse:
    """Upload many staff members' home and family details from a CSV: all saved, or none and every problem named."""
    form = StaffUploadForm(request.POST or None, request.FILES or None)
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        parsed = parse_staff_csv(form.cleaned_data["file"].read())
        problems = parsed.problems
        if not problems:
            count = staff_details_import(actor=request.user, rows=parsed.rows)
            people = f"{count} member{'s' if count != 1 else ''} of staff"
            messages.success(request, f"Home and family details saved for {people}.")
            return redirect("misuse:staff_list")
    status = 400 if (problems or form.errors) else 200
    return render(request, "misuse/staff_upload.html", {"form": form, "problems": problems}, status=status)
