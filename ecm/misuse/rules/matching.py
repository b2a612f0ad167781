"""Is this person on the child record the member of staff, or family, or a neighbour?"""

from __future__ import annotations

from ecm.misuse.facts import ChildFacts, PersonFacts


def same_address(a: PersonFacts, b: PersonFacts) -> bool:
    """Same first address line, and the postcodes agree (or one of them is unknown)."""
    if not a.address_line or a.address_line != b.address_line:
        return False
    return not a.postcode or not b.postcode or a.postcode == b.postcode


def same_postcode(a: PersonFacts, b: PersonFacts) -> bool:
    return bool(a.postcode) and a.postcode == b.postcode


def shares_family_name(a: PersonFacts, b: PersonFacts) -> bool:
    return bool(set(a.family_names) & set(b.family_names))


def is_same_person(staff: PersonFacts, person: PersonFacts) -> bool:
    """The same email or phone; or the same given and family name at the same postcode or address."""
    if staff.email and staff.email == person.email:
        return True
    if staff.phone and staff.phone == person.phone:
        return True
    if not staff.given_name or staff.given_name != person.given_name or not shares_family_name(staff, person):
        return False
    return same_postcode(staff, person) or same_address(staff, person)


def linked_to_self(staff: PersonFacts, facts: ChildFacts) -> str:
    """Why the record is the user's own (R1): the child or a carer is the user, or the child lives at their home.

    '' when it is not.
    """
    if is_same_person(staff, facts.child):
        return "the child on the record appears to be the user"
    for carer in facts.carers:
        if is_same_person(staff, carer):
            return "a parent or carer on the record appears to be the user"
    if staff.address_line and same_address(staff, facts.child) and same_postcode(staff, facts.child):
        return "the child lives at the user's home address"
    return ""


def same_family_and_home(staff: PersonFacts, facts: ChildFacts) -> str:
    """Why the record looks like the user's family or household (R2); '' if not."""
    for label, person in (("the child", facts.child), *(("a parent or carer", c) for c in facts.carers)):
        if not shares_family_name(staff, person):
            continue
        if same_address(staff, person):
            return f"{label} has the user's family name and lives at the same address"
        if same_postcode(staff, person):
            return f"{label} has the user's family name and the same postcode"
    return ""
