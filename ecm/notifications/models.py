"""In-service messages; email copies are sent after commit."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from ecm.core.models import BaseModel


class Notification(BaseModel):
    """A message to one user, shown in the service and (optionally) emailed."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    subject = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    link = models.CharField(max_length=300, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.subject} to {self.recipient}"
