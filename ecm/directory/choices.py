"""Choices used across the service directory (HSDS 3.0 enumerations and our workflow states)."""

from django.db import models


class ServiceStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    INACTIVE = "inactive", "Inactive"
    DEFUNCT = "defunct", "Defunct"
    TEMPORARILY_CLOSED = "temporarily closed", "Temporarily closed"


class LocationType(models.TextChoices):
    PHYSICAL = "physical", "Physical"
    POSTAL = "postal", "Postal"
    VIRTUAL = "virtual", "Virtual"


class AddressType(models.TextChoices):
    PHYSICAL = "physical", "Physical"
    POSTAL = "postal", "Postal"
    VIRTUAL = "virtual", "Virtual"


class Day(models.TextChoices):
    """iCal day codes, as HSDS schedules and the ORUK ``day`` parameter use them."""

    MO = "MO", "Monday"
    TU = "TU", "Tuesday"
    WE = "WE", "Wednesday"
    TH = "TH", "Thursday"
    FR = "FR", "Friday"
    SA = "SA", "Saturday"
    SU = "SU", "Sunday"


class ScheduleFreq(models.TextChoices):
    WEEKLY = "WEEKLY", "Weekly"
    MONTHLY = "MONTHLY", "Monthly"


class ChangeStatus(models.TextChoices):
    PENDING = "pending", "Waiting for the directory team"
    APPROVED = "approved", "Approved and published"
    RETURNED = "returned", "Returned to the provider"


class ReportStatus(models.TextChoices):
    OPEN = "open", "Open"
    RESOLVED = "resolved", "Resolved"


class SearchChannel(models.TextChoices):
    PRACTITIONER = "practitioner", "Practitioner search"
    FAMILIES = "families", "Families' search"
    API = "api", "Open Referral API"


class LinkEntity(models.TextChoices):
    """What an HSDS ``attribute`` row is attached to (its ``link_entity``)."""

    SERVICE = "service", "Service"
    ORGANIZATION = "organization", "Organization"
    LOCATION = "location", "Location"
