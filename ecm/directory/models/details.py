"""The HSDS 3.0 detail entities: contact, phone, schedule, cost option, service area,
language, accessibility, taxonomy and terms, attribute and metadata."""

from __future__ import annotations

from django.db import models

from ecm.core.models import BaseModel
from ecm.directory.choices import Day, LinkEntity, ScheduleFreq


class Contact(BaseModel):
    """An HSDS contact: a named person or role to get in touch with about a service."""

    organization = models.ForeignKey(
        "directory.Organization", null=True, blank=True, on_delete=models.CASCADE, related_name="contacts"
    )
    service = models.ForeignKey(
        "directory.Service", null=True, blank=True, on_delete=models.CASCADE, related_name="contacts"
    )
    service_at_location = models.ForeignKey(
        "directory.ServiceAtLocation", null=True, blank=True, on_delete=models.CASCADE, related_name="contacts"
    )
    location = models.ForeignKey(
        "directory.Location", null=True, blank=True, on_delete=models.CASCADE, related_name="contacts"
    )
    name = models.CharField(max_length=255, blank=True)
    title = models.CharField(max_length=255, blank=True)
    department = models.CharField(max_length=255, blank=True)
    email = models.EmailField(blank=True)

    def __str__(self) -> str:
        return self.name or self.title or str(self.id)


class Phone(BaseModel):
    """An HSDS phone number, attached to one of a location, service, organization or contact."""

    location = models.ForeignKey(
        "directory.Location", null=True, blank=True, on_delete=models.CASCADE, related_name="phones"
    )
    service = models.ForeignKey(
        "directory.Service", null=True, blank=True, on_delete=models.CASCADE, related_name="phones"
    )
    organization = models.ForeignKey(
        "directory.Organization", null=True, blank=True, on_delete=models.CASCADE, related_name="phones"
    )
    contact = models.ForeignKey(Contact, null=True, blank=True, on_delete=models.CASCADE, related_name="phones")
    service_at_location = models.ForeignKey(
        "directory.ServiceAtLocation", null=True, blank=True, on_delete=models.CASCADE, related_name="phones"
    )
    number = models.CharField(max_length=30)
    extension = models.PositiveIntegerField(null=True, blank=True)
    type = models.CharField(max_length=20, blank=True, help_text="text, voice, fax, cell, video, pager or textphone")
    description = models.CharField(max_length=255, blank=True)

    def __str__(self) -> str:
        return self.number


class Schedule(BaseModel):
    """An HSDS schedule: when a service (or a location) is open, as an iCal-style weekly rule.

    ``byday`` holds comma-separated iCal day codes (``MO,WE``); ``opens_at`` and
    ``closes_at`` are local times.
    """

    service = models.ForeignKey(
        "directory.Service", null=True, blank=True, on_delete=models.CASCADE, related_name="schedules"
    )
    location = models.ForeignKey(
        "directory.Location", null=True, blank=True, on_delete=models.CASCADE, related_name="schedules"
    )
    service_at_location = models.ForeignKey(
        "directory.ServiceAtLocation", null=True, blank=True, on_delete=models.CASCADE, related_name="schedules"
    )
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)
    freq = models.CharField(max_length=10, choices=ScheduleFreq.choices, default=ScheduleFreq.WEEKLY)
    wkst = models.CharField(max_length=2, choices=Day.choices, default=Day.MO)
    byday = models.CharField(max_length=30, blank=True)
    opens_at = models.TimeField(null=True, blank=True)
    closes_at = models.TimeField(null=True, blank=True)
    description = models.TextField(blank=True)
    attending_type = models.CharField(max_length=100, blank=True)
    notes = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"{self.byday} {self.opens_at}-{self.closes_at}"

    @property
    def days(self) -> list[str]:
        return [code for code in self.byday.split(",") if code]


class CostOption(BaseModel):
    """An HSDS cost option: what a service costs (an amount of zero means free)."""

    service = models.ForeignKey("directory.Service", on_delete=models.CASCADE, related_name="cost_options")
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)
    option = models.CharField(max_length=255, blank=True)
    currency = models.CharField(max_length=3, default="GBP")
    amount = models.DecimalField(max_digits=9, decimal_places=2, null=True, blank=True)
    amount_description = models.CharField(max_length=255, blank=True)

    def __str__(self) -> str:
        return f"{self.option} {self.amount}"


class ServiceArea(BaseModel):
    """An HSDS service area: the geographic area a service covers (by name or ONS code)."""

    service = models.ForeignKey("directory.Service", on_delete=models.CASCADE, related_name="service_areas")
    name = models.CharField(max_length=255, blank=True)
    description = models.TextField(blank=True)
    extent = models.TextField(blank=True)
    extent_type = models.CharField(max_length=50, blank=True)
    uri = models.CharField(max_length=255, blank=True)

    def __str__(self) -> str:
        return self.name


class Language(BaseModel):
    """An HSDS language a service, location or phone line works in (ISO 639 code)."""

    service = models.ForeignKey(
        "directory.Service", null=True, blank=True, on_delete=models.CASCADE, related_name="languages"
    )
    location = models.ForeignKey(
        "directory.Location", null=True, blank=True, on_delete=models.CASCADE, related_name="languages"
    )
    phone = models.ForeignKey(Phone, null=True, blank=True, on_delete=models.CASCADE, related_name="languages")
    name = models.CharField(max_length=100)
    code = models.CharField(max_length=10, blank=True, db_index=True)
    note = models.CharField(max_length=255, blank=True)

    def __str__(self) -> str:
        return self.name


class Accessibility(BaseModel):
    """An HSDS accessibility record of a location (step-free access, hearing loop...)."""

    location = models.ForeignKey("directory.Location", on_delete=models.CASCADE, related_name="accessibility")
    description = models.TextField(blank=True)
    details = models.TextField(blank=True)
    url = models.URLField(blank=True)

    class Meta:
        verbose_name_plural = "accessibility"

    def __str__(self) -> str:
        return self.description


class Taxonomy(BaseModel):
    """An HSDS taxonomy: a published vocabulary of terms (our needs list is one)."""

    name = models.CharField(max_length=255)
    description = models.TextField()
    uri = models.URLField(blank=True)
    version = models.CharField(max_length=50, blank=True)

    class Meta:
        verbose_name_plural = "taxonomies"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class TaxonomyTerm(BaseModel):
    """An HSDS taxonomy term: one need (or category) that services are tagged with.

    ``easy_read_name`` is how the families' search names it in plain words.
    """

    taxonomy = models.ForeignKey(Taxonomy, null=True, blank=True, on_delete=models.PROTECT, related_name="terms")
    code = models.CharField(max_length=100, blank=True)
    name = models.CharField(max_length=255)
    easy_read_name = models.CharField(max_length=255, blank=True)
    description = models.TextField()
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children")
    language = models.CharField(max_length=10, blank=True, default="en")
    term_uri = models.URLField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def plain_name(self) -> str:
        return self.easy_read_name or self.name


class Attribute(BaseModel):
    """An HSDS attribute: links a taxonomy term to any entity (``link_entity``/``link_id``).

    Needs are attached to services this way, as HSDS 3.0 prescribes.
    """

    link_id = models.UUIDField(db_index=True)
    link_type = models.CharField(max_length=50, blank=True)
    link_entity = models.CharField(max_length=30, choices=LinkEntity.choices, default=LinkEntity.SERVICE)
    taxonomy_term = models.ForeignKey(TaxonomyTerm, on_delete=models.PROTECT, related_name="attributes")
    value = models.CharField(max_length=255, blank=True)

    class Meta:
        indexes = [models.Index(fields=["link_entity", "taxonomy_term"])]
        constraints = [
            models.UniqueConstraint(
                fields=["link_entity", "link_id", "taxonomy_term"], name="directory_unique_attribute"
            )
        ]

    def __str__(self) -> str:
        return f"{self.link_entity}:{self.link_id} {self.taxonomy_term_id}"


class Metadata(BaseModel):
    """An HSDS metadata row: one published change to one field of one resource."""

    resource_id = models.UUIDField(db_index=True)
    resource_type = models.CharField(max_length=50)
    last_action_date = models.DateTimeField()
    last_action_type = models.CharField(max_length=20, help_text="create, update or delete")
    field_name = models.CharField(max_length=100)
    previous_value = models.TextField(blank=True)
    replacement_value = models.TextField(blank=True)
    updated_by = models.CharField(max_length=255)

    class Meta:
        verbose_name_plural = "metadata"
        ordering = ["-last_action_date"]

    def __str__(self) -> str:
        return f"{self.resource_type} {self.field_name} {self.last_action_type}"
