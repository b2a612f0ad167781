"""The append-only, hash-chained audit trail."""

from __future__ import annotations

from django.db import models

from ecm.audit.choices import ActorType


class AuditEvent(models.Model):
    """One thing that happened, who did it, and the hash that chains it to the event before.

    ``hash`` = SHA-256 over the previous event's hash and this event's canonical
    content (see ``ecm.audit.chain``). Database triggers reject UPDATE and DELETE, and
    ``manage.py verify_audit`` recomputes the chain. The actor's role and organisation
    are copied as they were at the time, so later changes to the account don't rewrite
    history. No foreign keys: the trail must outlive anything it mentions.
    """

    sequence = models.BigAutoField(primary_key=True)
    occurred_at = models.DateTimeField()
    actor_type = models.CharField(max_length=20, choices=ActorType.choices)
    actor_id = models.CharField(max_length=64, blank=True, db_index=True)
    actor_label = models.CharField(max_length=150)
    actor_roles = models.CharField(max_length=255, blank=True)
    actor_organisation = models.CharField(max_length=255, blank=True)
    on_behalf_of = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=100, db_index=True)
    object_type = models.CharField(max_length=100, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    reason = models.TextField(blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    data = models.JSONField(default=dict, blank=True)
    # Which of the parallel chains (see AuditChainHead) this event was appended to.
    chain = models.PositiveSmallIntegerField(default=1)
    previous_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["sequence"]
        indexes = [
            models.Index(fields=["object_type", "object_id"], name="audit_audit_object__idx"),
            models.Index(fields=["actor_id", "occurred_at"], name="audit_audit_actor_i_idx"),
            models.Index(fields=["occurred_at"], name="audit_audit_occurre_idx"),
        ]

    def __str__(self) -> str:
        return f"#{self.sequence} {self.action} by {self.actor_label}"


class AuditChainHead(models.Model):
    """The head of one chain: its last event's sequence and hash, and how many events it holds.

    Appending locks a head row (SELECT ... FOR UPDATE), so two concurrent transactions can
    never chain to the same predecessor. PostgreSQL keeps several heads (``id`` 1 to
    ``CHAIN_COUNT``) and a transaction takes the first one no other transaction holds, so
    concurrent requests append side by side instead of queueing behind one lock for a disk
    flush each (ADR 0004). SQLite writes one transaction at a time and uses head 1 only.
    Every chain starts from the genesis hash; ``sequence`` orders events across chains.
    """

    CHAIN_COUNT = 8

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_sequence = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64)
    event_count = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"chain head at #{self.last_sequence}"
