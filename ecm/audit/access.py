"""Who may read the audit trail: privacy officers and system administrators.

The audit sits above ``accounts`` in the layers, so the roles are their stored values
(``ecm.accounts.choices.Role``; ``ecm/audit/tests/test_access.py`` checks they still match).
"""

from ecm.core.access import role_required

AUDIT_READER_ROLES = ("privacy_officer", "system_admin")

audit_reader_required = role_required(*AUDIT_READER_ROLES)
