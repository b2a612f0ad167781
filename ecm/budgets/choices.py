"""The closed lists of budgets. The five outcomes are the CAF's own (``ecm.caf.choices.Outcome``);
needs are the CAF assessment elements (``ecm.caf.framework.ELEMENTS``)."""

from __future__ import annotations

from django.db import models

from ecm.caf.framework import DOMAINS, ELEMENTS

DOMAIN_LABELS = dict(DOMAINS)
# A purchase names the need it meets as one of the CAF's 19 assessment elements, grouped by domain.
NEED_CHOICES: list[tuple[str, str]] = [(e.code, f"{DOMAIN_LABELS[e.domain]}: {e.label}") for e in ELEMENTS]
NEED_LABELS = dict(NEED_CHOICES)


class AllocationStatus(models.TextChoices):
    REQUESTED = "requested", "Waiting for the budget manager"
    APPROVED = "approved", "Approved"
    REFUSED = "refused", "Refused"


class PurchaseKind(models.TextChoices):
    GOODS = "goods", "Goods bought"
    COMMISSION = "commission", "Service commissioned"


class PurchaseStatus(models.TextChoices):
    """A pending purchase holds its cost against the allocation until it is approved or rejected."""

    PENDING = "pending", "Waiting for approval"
    COMMITTED = "committed", "Committed"
    REJECTED = "rejected", "Rejected"


class Decision(models.TextChoices):
    APPROVE = "approve", "Approve"
    REFUSE = "refuse", "Refuse"
