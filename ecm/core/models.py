"""The abstract base every domain model uses."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from ecm.core import clock
from ecm.core.actors import Actor


class BaseModel(models.Model):
    """UUID key, and when and by whom a row was created and last modified.

    ``*_by`` is a user when a person acted; ``*_by_label`` always names the actor
    (a user's username or a system actor's name), so rows written by jobs say so.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(default=clock.now, editable=False)
    modified_at = models.DateTimeField(default=clock.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", editable=False
    )
    modified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", editable=False
    )
    created_by_label = models.CharField(max_length=150, blank=True, editable=False)
    modified_by_label = models.CharField(max_length=150, blank=True, editable=False)

    class Meta:
        abstract = True

    def stamp(self, actor: Actor, *, creating: bool = False) -> None:
        """Record who is writing this row; services call it before saving."""
        from django.contrib.auth import get_user_model

        from ecm.core.actors import SystemActor

        # Only people are stored as *_by; API clients and system actors are named in the label.
        user = actor if isinstance(actor, get_user_model()) and actor.pk else None
        if isinstance(actor, SystemActor):
            label = str(actor)
        else:
            identity = getattr(actor, "audit_identity", None)
            label = identity()["actor_label"] if callable(identity) else getattr(actor, "username", str(actor))
        now = clock.now()
        if creating:
            self.created_at = now
            self.created_by = user  # type: ignore[assignment]
            self.created_by_label = label
        self.modified_at = now
        self.modified_by = user  # type: ignore[assignment]
        self.modified_by_label = label


class AnonymousActivity(models.Model):
    """How many anonymous requests of one kind arrived on one day (``ecm.core.anonymous``).

    Kept apart from the hash-chained audit on purpose: requests nobody signed in for (an unknown
    session cookie, a CSRF failure, the families' search, "report a problem", a refused
    over-the-limit request) are counted here, a row per day and kind, so they cannot flood
    the chain or hold its heads. Rows are counters, not records of a person's actions.
    """

    day = models.DateField()
    kind = models.CharField(max_length=64)
    count = models.PositiveBigIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["day", "kind"], name="core_anonymous_activity_day_kind")]
        ordering = ["-day", "kind"]
        verbose_name_plural = "anonymous activity"

    def __str__(self) -> str:
        return f"{self.day} {self.kind}: {self.count}"


class RateCount(models.Model):
    """Requests counted in one rate-limit window (``ecm.core.ratelimit``), shared by every worker.

    One upsert a request on the database (no cache round trips); an unlogged table on
    PostgreSQL: counters need no crash safety, so counting writes no WAL. Rows of windows that
    have ended are deleted when a new window starts.
    """

    name = models.CharField(max_length=255, primary_key=True)
    count = models.PositiveBigIntegerField(default=0)
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.name}: {self.count}"
