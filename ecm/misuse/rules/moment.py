"""Rules decided the moment an access is audited: R1, R2, R5 and R11.

:func:`evaluate` runs inside the transaction of the access (through the audit hook),
so an alert and the access that raised it commit together, or not at all.
"""

from __future__ import annotations

import re
from typing import Any

from ecm.audit.models import AuditEvent
from ecm.misuse import conf
from ecm.misuse.choices import Rule
from ecm.misuse.facts import ChildFacts, child_facts, staff_facts
from ecm.misuse.rules import RECORD_VIEW, SHIELD_REVEAL, Candidate, local_date
from ecm.misuse.rules.matching import linked_to_self, same_family_and_home

# Accesses to one child's record that the at-the-moment rules look at.
MOMENT_ACTIONS = frozenset({RECORD_VIEW, SHIELD_REVEAL})

# Reasons that say nothing, compared after case-folding and trimming punctuation.
BOILERPLATE_REASONS = frozenset(
    {
        "n/a", "na", "none", "nil", "nothing", "no reason", "reason", "x", "xx", "xxx", "asdf", "qwerty",
        "abc", "abcd", "123", "ok", "okay", "yes", "no", "check", "checking", "just checking", "look",
        "looking", "just looking", "browse", "browsing", "curious", "curiosity", "interest", "interested",
        "work", "for work", "work purposes", "business", "admin", "because", "see notes", "as above",
        "as before", "same", "same as before", "routine", "routine check", "enquiry", "query",
    }
)
_TEST_WORD = re.compile(r"\b(test|tests|testing|tested|tst|dummy|trial)\b")


def reason_problem(reason: str, reason_code: str = "") -> str:
    """What is wrong with an access reason (R11), in plain words; '' when it says something real.

    A reason chosen from the index's short list (any code but "other") stands on its
    own; words added to it are still checked for "test". Otherwise the words must say
    something: not empty, not boilerplate, not too short, not a keyboard mash.
    """
    text = " ".join((reason or "").split())
    folded = text.casefold().strip(" .,;:!?-_'\"")
    if _TEST_WORD.search(folded):
        return 'the reason mentions "test"'
    if reason_code and reason_code != "other":
        return ""
    if not text:
        return "no reason was given"
    if folded in BOILERPLATE_REASONS:
        return f'the reason "{text}" is boilerplate'
    letters = re.sub(r"[^a-z]", "", folded)
    if len(letters) < conf.get("REASON_MIN_LETTERS"):
        return f'the reason "{text}" is too short to explain the need'
    if _is_mash(letters):
        return f'the reason "{text}" is not words'
    return ""


def _is_mash(letters: str) -> bool:
    """Keyboard mashing: few distinct letters, a repeated chunk, a keyboard row, or no vowels."""
    return (
        len(set(letters)) <= 3
        or re.fullmatch(r"(.{1,6}?)\1+", letters) is not None
        or any(row in letters for row in ("asdf", "qwer", "zxcv", "hjkl", "sdfg", "uiop"))
        or not re.search(r"[aeiouy]", letters)
    )


def evaluate(event: AuditEvent, user: Any, on_behalf: Any = None) -> list[Candidate]:
    """The alerts this one access raises.

    ``on_behalf`` is the account a look-up was done for (a user without a computer):
    R1 and R2 are checked against them too, so asking a colleague to look up your own
    family is caught.
    """
    if event.action not in MOMENT_ACTIONS:
        return []
    day = local_date(event.occurred_at)
    child_id = event.object_id
    seq = (event.sequence,)
    found: list[Candidate] = []

    if event.action == SHIELD_REVEAL:
        found.append(
            Candidate(
                rule=Rule.R5, user_id=user.pk, evidence=seq, review_date=day, child_id=child_id,
                summary=f"{user.username} overrode the shield on a child's record. Every override is reviewed.",
                dedupe_key=f"R5:event:{event.sequence}",
            )
        )

    problem = reason_problem(event.reason, str((event.data or {}).get("reason_code") or ""))
    if problem:
        found.append(
            Candidate(
                rule=Rule.R11, user_id=user.pk, evidence=seq, review_date=day, merge=True,
                summary=f"{user.username} gave reasons that explain nothing for opening child records: {problem}.",
                dedupe_key=f"R11:{user.pk}:{day.isoformat()}",
            )
        )

    if event.action == RECORD_VIEW and child_id:
        facts = child_facts(child_id)
        if facts is not None:
            for person in (user, on_behalf):
                if person is not None:
                    found.extend(_own_or_family(event, person, facts, by=user if person is not user else None))
    return found


def _own_or_family(event: AuditEvent, person: Any, facts: ChildFacts, *, by: Any = None) -> list[Candidate]:
    """R1, or else R2, for ``person``; ``by`` is the colleague who did the look-up for them."""
    day = local_date(event.occurred_at)
    opened = f"{by.username} opened, for {person.username}," if by else f"{person.username} opened"
    staff = staff_facts(person)
    why = linked_to_self(staff, facts)
    rule, summary = Rule.R1, f"{opened} a record linked to themselves: {why}."
    if not why:
        why = same_family_and_home(staff, facts)
        rule, summary = Rule.R2, f"{opened} a record where {why}."
    if not why:
        return []
    summary = summary.replace("the user", person.username)
    return [
        Candidate(
            rule=rule, user_id=person.pk, evidence=(event.sequence,), review_date=day, child_id=facts.child_id,
            merge=True, summary=summary, dedupe_key=f"{rule}:{person.pk}:{facts.child_id}:{day.isoformat()}",
        )
    ]
