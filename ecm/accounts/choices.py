from django.db import models


class Role(models.TextChoices):
    PRACTITIONER = "practitioner", "Practitioner"
    MANAGER = "manager", "Manager"
    INDEX_ADMIN = "index_admin", "Index administrator"
    PRIVACY_OFFICER = "privacy_officer", "Privacy officer"
    DATA_MANAGER = "data_manager", "Data manager"
    SYSTEM_ADMIN = "system_admin", "System administrator"
    DIRECTORY_EDITOR = "directory_editor", "Directory editor"
    CAF_COORDINATOR = "caf_coordinator", "CAF co-ordinator"


class OrganisationType(models.TextChoices):
    SCHOOL = "school", "School"
    GP_PRACTICE = "gp_practice", "GP practice"
    NHS_TRUST = "nhs_trust", "NHS trust"
    CHILDRENS_CENTRE = "childrens_centre", "Children's centre"
    LOCAL_AUTHORITY_SERVICE = "la_service", "Local authority service"
    POLICE = "police", "Police"
    YOUTH_OFFENDING_TEAM = "yot", "Youth offending team"
    VOLUNTARY = "voluntary", "Voluntary organisation"
    OTHER = "other", "Other"


class SessionEndReason(models.TextChoices):
    SIGNED_OUT = "signed_out", "Signed out"
    IDLE_TIMEOUT = "idle_timeout", "Idle timeout"
    ABSOLUTE_TIMEOUT = "absolute_timeout", "Maximum session length reached"
    ENDED_BY_USER = "ended_by_user", "Ended by the user"
    ENDED_BY_ADMIN = "ended_by_admin", "Ended by an administrator"
    LEAVER = "leaver", "Account disabled (leaver)"
    SUSPENDED = "suspended", "Account suspended"


class SecondFactorKind(models.TextChoices):
    TOTP = "totp", "Authenticator app"
    SECURITY_KEY = "security_key", "Security key"
    RECOVERY_CODE = "recovery_code", "Recovery code"
