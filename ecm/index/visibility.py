"""The one rule for what a given actor may see of a given child (DOMAIN section 2).

Every app asks this module, never ``child.is_shielded`` or ``child.status`` itself:

- **Shielded** (SI 2007/2182 reg 6(5)-(6)): only the name, gender, date of birth, identifying
  number and a parent's name. Address (and history), school, GP, services and carers' contact
  details are hidden from everyone unless an index administrator reveals the record (audited,
  always alerts). A shielded child never matches a search by postcode, school or GP.
- **Sensitive services** (sexual health, mental health, substance misuse): the service's own
  staff and the index administrators see the details; everyone else "an unspecified service".
- **Archived** records: data managers only, in every app (:func:`children_visible` for lists,
  :func:`child_readable` for one copy, :func:`child_writable` before a change: an archived child's
  copies are read-only to the purge). **Purged** records: nobody (a tombstone). **Merged away**
  records answer with the surviving record.

Nothing may copy a shielded child's whereabouts out of the index: apps that copy details into
their own records (a CAF's identifying details, a subject access package) take them from
:func:`copyable_details`, which leaves the whereabouts empty for a shielded child. When a shield
is set later, :func:`shield_applied` runs the hooks that other apps registered with
:func:`register_shield_hook`, in the same transaction, so that what they copied before is
removed (see ``docs/security.md``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Q

from ecm.accounts.choices import Role
from ecm.accounts.models import ApiClient, User
from ecm.core.actors import Actor
from ecm.index.choices import ChildStatus
from ecm.index.search.keys import format_postcode

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from ecm.index.models import Child, Involvement

SHIELD_NOTICE = (
    "This record is shielded. Only the child's name, gender, date of birth, index number and a parent's "
    "name are shown. To ask for more, contact an index administrator with your reason."
)
SHIELD_WITHHELD = "Withheld: the record is shielded"


def visible_statuses(actor: Actor | None) -> list[str]:
    """Archived records are for data managers only; purged ones for nobody."""
    statuses: list[str] = [ChildStatus.ACTIVE, ChildStatus.DECEASED]
    if isinstance(actor, User) and actor.has_role(Role.DATA_MANAGER):
        statuses.append(ChildStatus.ARCHIVED)
    return statuses


def children_visible(actor: Actor | None, prefix: str = "") -> Q:
    """The rows about a child ``actor`` may see in any app's lists, searches, exports and APIs
    (``prefix`` reaches the child from another model, e.g. ``"child__"`` or ``"assessment__child__"``):
    an archived child's copies only for data managers, a purged child's for nobody."""
    return Q(**{f"{prefix}status__in": visible_statuses(actor)})


def child_readable(actor: Actor, child: Child | None) -> bool:
    """Whether ``actor`` may see anything of ``child`` held by any app (a page about one copy asks this
    before showing it; forbidden answers 404). ``None`` (a copy not about a child) is readable."""
    return child is None or child.status in visible_statuses(actor)


WRITABLE_STATUSES = (ChildStatus.ACTIVE, ChildStatus.DECEASED)
ARCHIVED_READ_ONLY = "This child's record is archived: what is held about the child can no longer be changed."


def children_writable(prefix: str = "") -> Q:
    """The rows about a child that jobs and services may still change (``prefix`` as above)."""
    return Q(**{f"{prefix}status__in": WRITABLE_STATUSES})


def child_writable(child: Child | None) -> bool:
    """Whether any app may still change what it holds about ``child``: an archived (or purged) record's
    copies are read-only until the purge; only the retention steps change them."""
    return child is None or child.status in WRITABLE_STATUSES


def is_index_admin(actor: Actor) -> bool:
    return isinstance(actor, User) and actor.has_role(Role.INDEX_ADMIN)


@dataclass(frozen=True)
class ChildVisibility:
    """What one actor may see of one child, as flags that pages, exports and APIs read."""

    child_id: str
    status: str
    shielded: bool
    revealed: bool
    record_visible: bool
    merged_into_id: str | None

    @property
    def restricted(self) -> bool:
        """Shielded and not revealed to this actor: only the reg 6(5) details may be shown."""
        return self.shielded and not self.revealed

    @property
    def shows_whereabouts(self) -> bool:
        """Address (and history), school, GP, services and carers' contact details may be shown."""
        return self.record_visible and not self.restricted

    @property
    def copies_allowed(self) -> bool:
        """Whether the child's whereabouts may leave the index at all (a referral, a CAF's
        identifying details, a package): never for a shielded child, whoever asks."""
        return not self.shielded

    @property
    def live(self) -> bool:
        """Active or deceased and not merged away: a record other apps may act on."""
        return self.status in (ChildStatus.ACTIVE, ChildStatus.DECEASED) and not self.merged

    @property
    def archived(self) -> bool:
        return self.status == ChildStatus.ARCHIVED

    @property
    def purged(self) -> bool:
        return self.status == ChildStatus.PURGED

    @property
    def merged(self) -> bool:
        return self.merged_into_id is not None

    @property
    def notice(self) -> str:
        """The sentence a page shows in place of what is hidden (empty when nothing is)."""
        if self.purged:
            return "This record has been purged: nothing but its index number is kept."
        if self.restricted:
            return SHIELD_NOTICE
        return ""


def child_visibility(actor: Actor | None, child: Child, *, revealed: bool = False) -> ChildVisibility:
    """The rule for ``actor`` (``None``: nobody in particular) and ``child``. ``revealed`` only when an
    index administrator (or the broker, for one user) has revealed a shielded record in this very read."""
    return ChildVisibility(
        child_id=str(child.pk),
        status=child.status,
        shielded=bool(child.is_shielded),
        revealed=bool(revealed and child.is_shielded),
        record_visible=child.status in visible_statuses(actor),
        merged_into_id=str(child.merged_into_id) if child.merged_into_id else None,
    )


def sees_sensitive_details(actor: Actor, involvement: Involvement) -> bool:
    """The service's own staff and the index administrators (the brokers); nobody else."""
    if isinstance(actor, ApiClient):
        return actor.organisation_id == involvement.organisation_id
    if not isinstance(actor, User):
        return False
    return (
        actor.pk == involvement.practitioner_id
        or (actor.organisation_id is not None and actor.organisation_id == involvement.organisation_id)
        or actor.has_role(Role.INDEX_ADMIN)
    )


def involvement_unspecified(actor: Actor, involvement: Involvement) -> bool:
    """Shown as "an unspecified service" to this actor."""
    return involvement.is_sensitive and not sees_sensitive_details(actor, involvement)


def location_hidden(prefix: str = "") -> Q:
    """The children whose location may not be used at all (``prefix`` reaches the child from
    another model, e.g. ``"child__"``): shielded ones."""
    return Q(**{f"{prefix}is_shielded": True})


def location_hidden_sql(table: str) -> str:
    """:func:`location_hidden` as a SQL condition on the child table ``table`` (already quoted), for
    the index search's hand-written statement; ``test_visibility`` proves the two agree."""
    return f"{table}.is_shielded"


def location_searchable(children: QuerySet[Child]) -> QuerySet[Child]:
    """Only the children a search by postcode, school or GP may match: never a shielded one."""
    return children.exclude(location_hidden())


# Copies out of the index ----------------------------------------------------------------------


@dataclass(frozen=True)
class CopyableDetails:
    """What another app may copy out of the index into its own record; whereabouts empty when shielded."""

    address: str
    school: str
    gp_practice: str
    withheld: bool


def copyable_details(child: Child) -> CopyableDetails:
    """A shielded child's address, school and GP never leave the index (the family may tell a
    practitioner, who then types what they were told)."""
    if child.is_shielded:
        return CopyableDetails(address="", school="", gp_practice="", withheld=True)
    address = child.current_address
    return CopyableDetails(
        address=f"{address.address_line_1}, {address.postcode}" if address else "",
        school=child.school.name if child.school else "",
        gp_practice=child.gp_practice.name if child.gp_practice else "",
        withheld=False,
    )


def whereabouts_terms(child: Child) -> list[str]:
    """Every string that would tell someone where the child is: each address (line, postcode in
    both forms), the carers' addresses, school and GP names. Used to remove copies."""
    terms: set[str] = set()
    for address in child.addresses.all():
        terms.update(
            {address.address_line_1, address.address_line_2, address.postcode, format_postcode(address.postcode)}
        )
    for carer in child.carers.all():
        terms.update({carer.address_line_1, carer.postcode, format_postcode(carer.postcode) if carer.postcode else ""})
    for organisation in (child.school, child.gp_practice):
        if organisation is not None:
            terms.add(organisation.name)
    return sorted((t.strip() for t in terms if t and len(t.strip()) >= 3), key=len, reverse=True)


def redact(value: Any, terms: Iterable[str], replacement: str = SHIELD_WITHHELD) -> Any:
    """``value`` (text, or JSON of dicts and lists) with every term replaced, case-insensitively."""
    terms = [t for t in terms if t]
    if not terms:
        return value
    if isinstance(value, str):
        lowered = value.lower()
        if not any(t.lower() in lowered for t in terms):
            return value
        import re

        pattern = re.compile("|".join(re.escape(t) for t in terms), re.IGNORECASE)
        return pattern.sub(replacement, value)
    if isinstance(value, dict):
        return {k: redact(v, terms, replacement) for k, v in value.items()}
    if isinstance(value, list):
        return [redact(v, terms, replacement) for v in value]
    return value


TEXT_FIELDS = ("CharField", "TextField", "EmailField", "SlugField", "JSONField")


def redact_rows(
    queryset: QuerySet[Any], terms: list[str], *, replacement: str = SHIELD_WITHHELD, blank: Iterable[str] = ()
) -> int:
    """Replace ``terms`` in every text and JSON column of these rows (``blank`` columns are emptied
    outright); the rows are updated in place, without touching their stamps. Returns rows changed."""
    model = queryset.model
    blank = set(blank)
    columns = [
        f
        for f in model._meta.concrete_fields
        if not f.is_relation and not f.primary_key and f.get_internal_type() in TEXT_FIELDS
    ]
    changed = 0
    for row in queryset.only(*(f.attname for f in columns)):
        updates: dict[str, Any] = {}
        for f in columns:
            old = getattr(row, f.attname)
            if f.name in blank:
                new: Any = type(old)() if isinstance(old, dict | list | str) else old
            else:
                new = redact(old, terms, replacement)
            if new != old:
                updates[f.attname] = new
        if updates:
            model._base_manager.filter(pk=row.pk).update(**updates)
            changed += 1
    return changed


# Shield hooks ---------------------------------------------------------------------------------

ShieldHook = Callable[..., int]
_SHIELD_HOOKS: dict[str, ShieldHook] = {}


def register_shield_hook(name: str, hook: ShieldHook) -> None:
    """``hook(actor=..., child=..., terms=[...])`` removes what app ``name`` copied of the child's
    whereabouts and returns how many rows it changed. Runs inside the shield's transaction."""
    _SHIELD_HOOKS[name] = hook


def shield_applied(*, actor: Actor, child: Child) -> dict[str, int]:
    """Run every registered hook for a child just shielded; ``{app: rows changed}``."""
    terms = whereabouts_terms(child)
    return {name: hook(actor=actor, child=child, terms=terms) for name, hook in sorted(_SHIELD_HOOKS.items())}
