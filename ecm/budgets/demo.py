"""A demo budget for the demo area (called by ``seed_demo`` after the CAF and the directory). Idempotent;
synthetic data.

The demo manager ("manager") runs a pilot budget; the demo CAF's lead professional, the health
visitor ("practitioner"), holds an approved allocation for the child and has bought and
commissioned things with it, one purchase still waiting for the manager's approval. Each step
is taken in the name of the person who would take it, through the services; the seed itself is
audited as ``actor``.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from ecm.accounts.models import User
from ecm.audit.services import audit_record
from ecm.budgets import services
from ecm.budgets.choices import PurchaseKind
from ecm.budgets.models import Budget
from ecm.caf import services as caf_services
from ecm.caf.choices import Outcome
from ecm.caf.models import Assessment
from ecm.core import clock
from ecm.core.actors import Actor
from ecm.directory.choices import ServiceStatus
from ecm.directory.models import Service

DEMO_BUDGET = "Budget-holding lead professional pilot"


def _financial_year(today: dt.date) -> tuple[dt.date, dt.date]:
    start_year = today.year if today.month >= 4 else today.year - 1
    return dt.date(start_year, 4, 1), dt.date(start_year + 1, 3, 31)


@transaction.atomic
def seed_budgets_demo(*, actor: Actor) -> str:
    """Load one budget with an allocation on the demo CAF and three purchases (one waiting for approval)."""
    if Budget.objects.filter(name=DEMO_BUDGET).exists():
        return "already loaded"
    manager = User.objects.filter(username="manager").first()
    lead = User.objects.filter(username="practitioner").first()
    assessment = (
        Assessment.objects.filter(author__username="teacher", leads__ended_on__isnull=True, leads__member__user=lead)
        .exclude(status="closed")
        .first()
    )
    area = manager.organisation.local_authority if manager and manager.organisation else None
    if manager is None or lead is None or area is None or assessment is None:
        return "skipped (no demo manager, lead professional or CAF)"
    today = clock.today()
    name = assessment.child.given_name  # the demo CAF's own child, never another's name
    starts_on, ends_on = _financial_year(today)
    budget = services.budget_create(
        actor=manager,
        name=DEMO_BUDGET,
        funding_source="Department for Education pilot grant",
        amount_pence=2_500_000,
        starts_on=starts_on,
        ends_on=ends_on,
        area=area,
        manager=manager,
        approval_threshold_pence=50_000,
    )
    allocation = services.allocation_request(
        actor=lead,
        budget=budget,
        assessment=assessment,
        amount_pence=150_000,
        reason=f"Support with mornings and activities to lift {name}'s mood, as agreed at the TAC meeting.",
    )
    services.allocation_decide(actor=manager, allocation=allocation, approve=True, note="Agreed at panel")
    member = caf_services.current_lead(assessment)
    assert member is not None  # the query above found the lead
    health_check = assessment.actions.first()
    mornings = caf_services.action_add(
        actor=lead,
        assessment=assessment,
        what="Support with school mornings",
        responsible=member.member,
        due_on=today + dt.timedelta(days=28),
        outcome_wanted=f"{name} arrives at school on time every day",
        outcome=Outcome.ENJOY_ACHIEVE,
    )
    bought_on = max(starts_on, today - dt.timedelta(days=3))
    services.purchase_record(
        actor=lead,
        allocation=allocation,
        kind=PurchaseKind.GOODS,
        description="Alarm clock and a picture routine chart for school mornings",
        cost_pence=1_850,
        bought_on=bought_on,
        action=mornings,
        outcome=Outcome.ENJOY_ACHIEVE,
        need="self_care",
        supplier_name="High street retailer",
    )
    active = Service.objects.filter(status=ServiceStatus.ACTIVE).order_by("name")
    directory_service = active.filter(name__icontains="bereavement").first() or active.first()
    services.purchase_record(
        actor=lead,
        allocation=allocation,
        kind=PurchaseKind.COMMISSION,
        description="Six sessions of bereavement support after her grandmother's death",
        cost_pence=24_000,
        bought_on=today,
        action=health_check or mornings,
        outcome=Outcome.BE_HEALTHY,
        need="emotional_social",
        service=directory_service,
        supplier_name="" if directory_service else "Northside Family Support",
    )
    waiting = services.purchase_record(
        actor=lead,
        allocation=allocation,
        kind=PurchaseKind.COMMISSION,
        description="A place on the summer activity week with transport",
        cost_pence=62_000,
        bought_on=today,
        action=mornings,
        outcome=Outcome.POSITIVE_CONTRIBUTION,
        need="family_social_relationships",
        supplier_name="City youth activities",
    )
    audit_record(actor=actor, action="budgets.demo_seeded", target=budget, data={"allocation": str(allocation.pk)})
    return (
        f"{budget.name} (manager: manager), allocation of £1,500.00 to practitioner for "
        f"{assessment.reference}, 3 purchases ({waiting.get_status_display().lower()}: 1)"
    )
