"""Budgets, CAFs with a lead professional, and allocations, made through the services as people make them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ecm.accounts.choices import Role
from ecm.accounts.tests.factories import LocalAuthorityFactory, OrganisationFactory, UserFactory
from ecm.budgets import services
from ecm.budgets.models import Allocation, Budget
from ecm.caf import services as caf_services
from ecm.caf.choices import Outcome
from ecm.caf.tests.factories import complete_caf
from ecm.core import clock
from ecm.index.tests.factories import ChildFactory


def user_in(area: Any, *roles: str, **kwargs: Any) -> Any:
    return UserFactory(organisation=OrganisationFactory(local_authority=area), roles=list(roles), **kwargs)


def budget_manager(area: Any = None) -> Any:
    return user_in(area or LocalAuthorityFactory(), Role.MANAGER, Role.PRACTITIONER)


def make_budget(*, manager: Any = None, amount_pence: int = 500_000, threshold_pence: int = 50_000) -> Budget:
    manager = manager or budget_manager()
    today = clock.today()
    return services.budget_create(
        actor=manager,
        name="Budget-holding lead professional pilot",
        funding_source="Pilot grant",
        amount_pence=amount_pence,
        starts_on=today - dt.timedelta(days=30),
        ends_on=today + dt.timedelta(days=335),
        area=manager.organisation.local_authority,
        manager=manager,
        approval_threshold_pence=threshold_pence,
    )


def led_caf(lead: Any, allowed: list[Any] | None = None) -> tuple[Any, Any]:
    """An open, completed CAF written and led by ``lead`` (consent to share with ``allowed``
    organisations), with one action of the delivery plan."""
    assessment = complete_caf(lead, ChildFactory(), allowed=allowed or [])
    member = assessment.members.get(user=lead)
    caf_services.lead_professional_appoint(
        actor=lead, assessment=assessment, member=member, meeting=None, reason="Sees the child every day"
    )
    action = caf_services.action_add(
        actor=lead,
        assessment=assessment,
        what="Place at the lunchtime club",
        responsible=member,
        due_on=clock.today() + dt.timedelta(days=14),
        outcome_wanted="Enjoys school again",
        outcome=Outcome.ENJOY_ACHIEVE,
    )
    return assessment, action


def approved_allocation(budget: Budget, lead: Any, assessment: Any, amount_pence: int) -> Allocation:
    allocation = services.allocation_request(
        actor=lead, budget=budget, assessment=assessment, amount_pence=amount_pence, reason="Lunchtime club and kit"
    )
    return services.allocation_decide(actor=budget.manager, allocation=allocation, approve=True)


def buy(allocation: Allocation, action: Any, cost_pence: int, **overrides: Any) -> Any:
    values: dict[str, Any] = {
        "kind": "goods",
        "description": "School shoes",
        "cost_pence": cost_pence,
        "bought_on": clock.today(),
        "action": action,
        "outcome": Outcome.ENJOY_ACHIEVE,
        "need": "participation_learning",
        "supplier_name": "Town shoe shop",
        **overrides,
    }
    return services.purchase_record(actor=allocation.holder, allocation=allocation, **values)


def world() -> dict[str, Any]:
    """A budget of £5,000 (threshold £500), its manager, a lead professional with a CAF and an
    approved allocation of £1,000; a colleague whose agency the family's consent covers."""
    manager = budget_manager()
    area = manager.organisation.local_authority
    budget = make_budget(manager=manager)
    lead = user_in(area, Role.PRACTITIONER, first_name="Lee", last_name="Lead")
    colleague = user_in(area, Role.PRACTITIONER, first_name="Cal", last_name="Colleague")
    assessment, action = led_caf(lead, allowed=[colleague.organisation])
    allocation = approved_allocation(budget, lead, assessment, 100_000)
    return {
        "area": area,
        "manager": manager,
        "budget": budget,
        "lead": lead,
        "colleague": colleague,
        "assessment": assessment,
        "action": action,
        "allocation": allocation,
    }
