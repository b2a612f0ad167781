"""The core HSDS 3.0 entities: organization, service, location, service_at_location and address."""

from __future__ import annotations

from django.db import models

from ecm.core.models import BaseModel
from ecm.directory.choices import AddressType, LocationType, ServiceStatus


class Organization(BaseModel):
    """An HSDS organization: the body that provides services.

    ``provider`` links it to an accounts organisation whose staff may propose changes
    to its services (provider self-service); the directory team moderates them.
    """

    name = models.CharField(max_length=255)
    alternate_name = models.CharField(max_length=255, blank=True)
    description = models.TextField()
    email = models.EmailField(blank=True)
    website = models.URLField(blank=True)
    legal_status = models.CharField(max_length=100, blank=True)
    uri = models.URLField(blank=True)
    parent_organization = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children"
    )
    provider = models.ForeignKey(
        "accounts.Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="directory_organizations",
        help_text="The accounts organisation whose staff may propose changes to these services",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Service(BaseModel):
    """An HSDS service: what an organization offers, to whom, and how to get it.

    Ages are held in whole months so that services for babies are precise
    (``maximum_age_months`` empty means no upper limit). ``last_reviewed_on`` drives
    the freshness reminders and is published as HSDS ``assured_date``; ``is_free`` is
    kept in step with the cost options.
    """

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="services")
    name = models.CharField(max_length=255)
    alternate_name = models.CharField(max_length=255, blank=True)
    description = models.TextField(blank=True)
    easy_read_summary = models.TextField(
        blank=True, help_text="The same service in plain words and short sentences, for families"
    )
    url = models.URLField(blank=True)
    email = models.EmailField(blank=True)
    status = models.CharField(max_length=20, choices=ServiceStatus.choices, default=ServiceStatus.ACTIVE)
    interpretation_services = models.TextField(blank=True)
    application_process = models.TextField(blank=True, help_text="How to refer or apply")
    fees_description = models.TextField(blank=True)
    wait_time = models.CharField(max_length=255, blank=True)
    accreditations = models.TextField(blank=True)
    eligibility_description = models.TextField(blank=True)
    minimum_age_months = models.PositiveSmallIntegerField(default=0)
    maximum_age_months = models.PositiveSmallIntegerField(null=True, blank=True)
    assurer_email = models.EmailField(blank=True)
    alert = models.TextField(blank=True)
    is_free = models.BooleanField(default=True, db_index=True)
    last_reviewed_on = models.DateField(db_index=True, help_text="When the details were last checked as correct")

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["status", "minimum_age_months", "maximum_age_months"])]

    def __str__(self) -> str:
        return self.name

    @property
    def minimum_age_years(self) -> float:
        return months_to_years(self.minimum_age_months)

    @property
    def maximum_age_years(self) -> float | None:
        return None if self.maximum_age_months is None else months_to_years(self.maximum_age_months)


def months_to_years(months: int) -> float:
    """Whole years as an int-valued float, otherwise years to four decimal places."""
    years = months / 12
    return float(int(years)) if months % 12 == 0 else round(years, 4)


class Location(BaseModel):
    """An HSDS location: a place (or a virtual channel) where services are delivered.

    Latitude and longitude are indexed together for the bounding-box prefilter of
    distance search.
    """

    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.PROTECT, related_name="locations"
    )
    location_type = models.CharField(max_length=10, choices=LocationType.choices, default=LocationType.PHYSICAL)
    url = models.URLField(blank=True)
    name = models.CharField(max_length=255, blank=True)
    alternate_name = models.CharField(max_length=255, blank=True)
    description = models.TextField(blank=True)
    transportation = models.TextField(blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    external_identifier = models.CharField(max_length=100, blank=True)
    external_identifier_type = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["latitude", "longitude"])]

    def __str__(self) -> str:
        return self.name or str(self.id)


class ServiceAtLocation(BaseModel):
    """An HSDS service_at_location: one service delivered at one location.

    The ``search_*`` columns copy what distance search filters on from the service and
    the location, so a search reads this one table (no joins per candidate row). Only
    ``services.search_index.search_columns_refresh`` writes them, and every service
    that changes a service or location calls it in the same transaction.
    """

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="service_at_locations")
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="service_at_locations")
    description = models.TextField(blank=True)
    search_latitude = models.FloatField(null=True, blank=True, editable=False)
    search_longitude = models.FloatField(null=True, blank=True, editable=False)
    search_status = models.CharField(max_length=20, blank=True, editable=False)
    search_min_age_months = models.PositiveSmallIntegerField(default=0, editable=False)
    search_max_age_months = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    search_is_free = models.BooleanField(default=True, editable=False)
    search_name = models.CharField(max_length=255, blank=True, editable=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["service", "location"], name="directory_unique_sal")]
        indexes = [
            # Covering: a distance search reads candidates from the index alone.
            models.Index(
                fields=[
                    "search_latitude",
                    "search_longitude",
                    "search_status",
                    "search_min_age_months",
                    "search_max_age_months",
                    "search_is_free",
                    "service",
                    "id",
                ],
                name="directory_sal_point",
            ),
            models.Index(fields=["search_name", "id"], name="directory_sal_name"),
        ]

    def __str__(self) -> str:
        return f"{self.service} at {self.location}"


class Address(BaseModel):
    """An HSDS address of a location (``state_province`` holds the county in the UK)."""

    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="addresses")
    attention = models.CharField(max_length=255, blank=True)
    address_1 = models.CharField(max_length=255)
    address_2 = models.CharField(max_length=255, blank=True)
    city = models.CharField(max_length=100)
    region = models.CharField(max_length=100, blank=True)
    state_province = models.CharField(max_length=100)
    postal_code = models.CharField(max_length=10)
    country = models.CharField(max_length=2, default="GB")
    address_type = models.CharField(max_length=10, choices=AddressType.choices, default=AddressType.PHYSICAL)

    class Meta:
        verbose_name_plural = "addresses"

    def __str__(self) -> str:
        return f"{self.address_1}, {self.city} {self.postal_code}"
