"""Who is acting: a signed-in user, an API client or a named system actor.

Every service takes ``actor``, typed :class:`Actor`. Jobs and management commands pass a
:class:`SystemActor` so that nothing is ever written anonymously.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


class Actor(Protocol):
    """Whoever a service or selector acts for: the type of every ``actor`` parameter.

    A structural type, so that ``core`` names it without importing ``accounts``. It holds
    what every actor has: a request's user (``accounts.User``, or Django's
    ``AnonymousUser``, which the audit counts instead of recording), an API client
    (``accounts.ApiClient``) or a :class:`SystemActor`. A function that needs a person's
    roles, organisation or key narrows it first (``isinstance(actor, User)``) or takes
    ``User`` itself; the audit reads the rest through ``audit_identity``.
    """

    @property
    def is_authenticated(self) -> bool: ...


@dataclass(frozen=True)
class SystemActor:
    """A named part of the system acting on its own (a job, a command, a feed)."""

    name: str

    @property
    def is_authenticated(self) -> bool:
        return False

    def __str__(self) -> str:
        return f"system:{self.name}"


# The named system actors. Add new ones here so that the audit names stay stable.
SYSTEM_SEED = SystemActor("seed-demo")
SYSTEM_COMMAND = SystemActor("management-command")
SYSTEM_RETENTION = SystemActor("retention-job")
SYSTEM_MISUSE = SystemActor("misuse-review-job")
SYSTEM_FEED = SystemActor("feed-import")
SYSTEM_MATCHER = SystemActor("matcher")
SYSTEM_SCHEDULER = SystemActor("scheduler")
SYSTEM_SIGN_IN = SystemActor("sign-in")
SYSTEM_DIRECTORY_IMPORT = SystemActor("directory-import")
SYSTEM_DIRECTORY_FRESHNESS = SystemActor("directory-freshness")
SYSTEM_JOB_RUNNER = SystemActor("job-runner")
SYSTEM_AUDIT_VERIFY = SystemActor("audit-verify")
SYSTEM_AUDIT_EXPORT = SystemActor("audit-head-export")
SYSTEM_MAIL = SystemActor("mail-sender")
SYSTEM_MIGRATION = SystemActor("data-migration")
