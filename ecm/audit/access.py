"""Who may read the audit trail: privacy officers and system administrators."""

from ecm.accounts.access import role_required
from ecm.accounts.choices import Role

audit_reader_required = role_required(Role.PRIVACY_OFFICER, Role.SYSTEM_ADMIN)
