"""The demo area: one local authority, organisations of every type, practitioners in every role.

Synthetic people only. Idempotent: running it again changes nothing that is already there.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
from dataclasses import dataclass

from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from ecm.accounts.choices import OrganisationType as T
from ecm.accounts.choices import Role as R
from ecm.accounts.models import LocalAuthority, Organisation, User
from ecm.accounts.services import local_authority_create, organisation_create, practitioner_create
from ecm.core import clock
from ecm.core.actors import SYSTEM_SEED

DEMO_PASSWORD = "demo-password-ecm-2026"
AREA = ("E08000035", "Leeds")
SAFEGUARDING_ROUTE = (
    "Leeds Children's Social Work Service front door: 0113 000 0000 (weekdays 8.30am to 5pm). "
    "Out of hours: Emergency Duty Team, 0113 000 0001. Follow the Leeds Safeguarding Children "
    "Partnership procedures; confirm a phone referral in writing within 48 hours."
)

ORGANISATIONS = [
    ("107999", "Hillside Primary School", T.SCHOOL, "hillside.primary@example.org.uk", "0113 496 0001"),
    ("108001", "Parkview High School", T.SCHOOL, "office@parkview.example.org.uk", "0113 496 0002"),
    ("B86001", "Chapel Allerton Medical Centre", T.GP_PRACTICE, "reception.camc@example.nhs.uk", "0113 496 0003"),
    ("RY6", "Leeds Community Healthcare NHS Trust", T.NHS_TRUST, "health.visiting@example.nhs.uk", "0113 496 0004"),
    ("CC-HAR", "Harehills Children's Centre", T.CHILDRENS_CENTRE, "harehills.cc@example.gov.uk", "0113 496 0005"),
    (
        "LA-CSC",
        "Leeds Children's Social Work Service",
        T.LOCAL_AUTHORITY_SERVICE,
        "csws@example.gov.uk",
        "0113 496 0006",
    ),
    ("WYP", "West Yorkshire Police", T.POLICE, "safeguarding.unit@example.police.uk", "0113 496 0007"),
    ("YOS-LDS", "Leeds Youth Justice Service", T.YOUTH_OFFENDING_TEAM, "yjs@example.gov.uk", "0113 496 0008"),
    ("VOL-BRN", "Northside Family Support (voluntary)", T.VOLUNTARY, "hello@northside.example.org.uk", "0113 496 0009"),
    ("RY6-SH", "Leeds Sexual Health Service", T.NHS_TRUST, "sexual.health@example.nhs.uk", "0113 496 0010"),
    ("LA-ECM", "Leeds Children's Index Team", T.LOCAL_AUTHORITY_SERVICE, "index.team@example.gov.uk", "0113 496 0011"),
]


@dataclass(frozen=True)
class DemoUser:
    username: str
    first_name: str
    last_name: str
    job_title: str
    organisation_code: str
    roles: tuple[str, ...]
    vetting_years_ago: float = 1.0


DEMO_USERS = [
    DemoUser("sysadmin", "Priya", "Shah", "System administrator", "LA-ECM", (R.SYSTEM_ADMIN,)),
    # The manager first, so that the health visitors created after are their staff (caseloads, countersigning).
    DemoUser("manager", "Gareth", "Evans", "Health visiting team manager", "RY6", (R.MANAGER, R.PRACTITIONER)),
    DemoUser("practitioner", "Sam", "Okafor", "Health visitor", "RY6", (R.PRACTITIONER,)),
    DemoUser("teacher", "Helen", "Wright", "Learning mentor", "107999", (R.PRACTITIONER,)),
    DemoUser("indexadmin", "Fatima", "Begum", "Index administrator", "LA-ECM", (R.INDEX_ADMIN,)),
    DemoUser("privacy", "Daniel", "Hughes", "Privacy officer", "LA-ECM", (R.PRIVACY_OFFICER,)),
    DemoUser("datamanager", "Chloe", "Taylor", "Data manager", "LA-ECM", (R.DATA_MANAGER,)),
    DemoUser("socialworker", "Marcus", "Brown", "Social worker", "LA-CSC", (R.PRACTITIONER,)),
    DemoUser("nurse", "Aisha", "Khan", "Sexual health nurse", "RY6-SH", (R.PRACTITIONER,)),
    DemoUser("youthworker", "Tom", "Fletcher", "Youth justice officer", "YOS-LDS", (R.PRACTITIONER,)),
    DemoUser("coordinator", "Rachel", "Moss", "CAF co-ordinator", "LA-ECM", (R.CAF_COORDINATOR,)),
    DemoUser("directory", "Grace", "Adeyemi", "Family information service officer", "LA-ECM", (R.DIRECTORY_EDITOR,)),
    DemoUser("expired", "Olivia", "Price", "School nurse (vetting expired)", "RY6", (R.PRACTITIONER,), 3.2),
]


def demo_totp_key(username: str) -> str:
    """A stable TOTP key per demo user (hex, as django-otp stores it), so printed secrets stay valid."""
    return hashlib.sha256(f"ecm-demo-totp:{username}".encode()).hexdigest()[:40]


def totp_secret_base32(hex_key: str) -> str:
    return base64.b32encode(bytes.fromhex(hex_key)).decode()


@transaction.atomic
def seed_accounts_demo() -> list[dict[str, str]]:
    """Create the demo area, organisations and users if missing; return sign-in details."""
    today = clock.today()
    area = LocalAuthority.objects.filter(code=AREA[0]).first() or local_authority_create(
        actor=SYSTEM_SEED, code=AREA[0], name=AREA[1], safeguarding_referral_route=SAFEGUARDING_ROUTE
    )
    orgs = {}
    for code, name, kind, email, phone in ORGANISATIONS:
        org = Organisation.objects.filter(code=code).first()
        if org is None:
            org = organisation_create(
                actor=SYSTEM_SEED,
                code=code,
                name=name,
                organisation_type=kind,
                local_authority=area,
                accredited_on=today - dt.timedelta(days=400),
                email=email,
                phone=phone,
            )
        orgs[code] = org
    details = []
    manager = None
    for spec in DEMO_USERS:
        user = User.objects.filter(username=spec.username).first()
        if user is None:
            checked = today - dt.timedelta(days=int(spec.vetting_years_ago * 365.25))
            user = practitioner_create(
                actor=SYSTEM_SEED,
                username=spec.username,
                password=DEMO_PASSWORD,
                roles=spec.roles,
                first_name=spec.first_name,
                last_name=spec.last_name,
                job_title=spec.job_title,
                email=f"{spec.username}@example.gov.uk",
                phone="0113 496 0100",
                organisation=orgs[spec.organisation_code],
                vetting_checked_on=checked,
                training_completed_on=checked + dt.timedelta(days=7),
                agreement_signed_on=checked + dt.timedelta(days=7),
                manager=manager if spec.organisation_code == "RY6" and spec.username != "manager" else None,
            )
        if spec.username == "manager":
            manager = user
        device = TOTPDevice.objects.filter(user=user, name="Demo authenticator").first()
        if device is None:
            device = TOTPDevice.objects.create(
                user=user, name="Demo authenticator", key=demo_totp_key(spec.username), confirmed=True
            )
        details.append(
            {
                "username": spec.username,
                "roles": ", ".join(str(R(r).label) for r in spec.roles),
                "organisation": orgs[spec.organisation_code].name,
                "totp_secret": totp_secret_base32(device.key),
            }
        )
    return details
