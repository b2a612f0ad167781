"""A referral of a child to a service in the directory."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from ecm.accounts.models import Organisation
from ecm.core.models import BaseModel
from ecm.index.models import Child
from ecm.referrals.choices import ReferralBasis, ReferralStatus


class Referral(BaseModel):
    """A practitioner's referral of a child to a directory service, and the service's answer.

    ``receiving_organisation`` is the ECM organisation linked to the service's provider
    when the referral was sent: the organisation the child's information is shared with,
    whose staff answer it. ``basis`` records what allowed the share (consent or a recorded
    decision to share without consent). ``assessment`` is set when the referral comes from
    a Team Around the Child. The service name is kept as sent, so a later rename or
    removal from the directory does not change what the record says.
    """

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="referrals")
    service = models.ForeignKey("directory.Service", on_delete=models.PROTECT, related_name="+")
    service_name = models.CharField(max_length=255)
    receiving_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="referrals_received"
    )
    referrer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="referrals_made")
    referrer_organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="referrals_made")
    assessment = models.ForeignKey(
        "caf.Assessment", null=True, blank=True, on_delete=models.PROTECT, related_name="service_referrals"
    )
    basis = models.CharField(max_length=10, choices=ReferralBasis.choices)
    reason = models.TextField(help_text="What the child and family need from the service")
    status = models.CharField(max_length=10, choices=ReferralStatus.choices, default=ReferralStatus.SENT)
    sent_at = models.DateTimeField()
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decision_reason = models.TextField(blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawal_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-sent_at"]
        indexes = [
            models.Index(fields=["receiving_organisation", "status"], name="referrals_inbox"),
            models.Index(fields=["referrer", "status"], name="referrals_outbox"),
        ]

    def __str__(self) -> str:
        return f"Referral to {self.service_name} ({self.status})"

    @property
    def is_open(self) -> bool:
        return self.status == ReferralStatus.SENT


class ServiceTeam(BaseModel):
    """The team that receives referrals to one directory service: told of each referral, among the receiving
    organisation's staff who pass the child-data gates (``selectors.referral_recipients``)."""

    service = models.OneToOneField("directory.Service", on_delete=models.CASCADE, related_name="referral_team")
    team = models.ForeignKey("multiagency.Team", on_delete=models.PROTECT, related_name="referral_services")

    def __str__(self) -> str:
        return f"{self.team} receives referrals to {self.service}"
