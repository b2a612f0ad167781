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
    # Set while the message names a child whose index record is archived: kept to the purge, shown to
    # nobody (notifications sit below the index, so this is an id, not a key; see ecm.index.retention).
    archived_child_id = models.UUIDField(null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.subject} to {self.recipient}"
