"""R1 and R2 matching on normalised facts: the user, the child and the carers."""

from __future__ import annotations

from ecm.misuse.facts import ChildFacts, PersonFacts, norm_address_line, norm_postcode
from ecm.misuse.rules.matching import is_same_person, linked_to_self, same_family_and_home

STAFF = PersonFacts.build(
    given_name="Aisha", family_names=["Khan", "Begum"], postcode="ls6 2ab", address="14 Ash Grove",
    email="aisha.khan@leeds.example.gov.uk", phone="0113 496 0000",
)


def child(
    *carers: PersonFacts, family: str = "Walsh", postcode: str = "LS1 4AP", address: str = "2 Mill Lane"
) -> ChildFacts:
    return ChildFacts(
        child_id="c1",
        child=PersonFacts.build(given_name="Ruby", family_names=[family], postcode=postcode, address=address),
        carers=carers,
    )


def test_normalising() -> None:
    assert norm_postcode(" ls6  2ab") == "LS62AB"
    assert norm_address_line("14, Ash Grove, Leeds") == norm_address_line("14 ash grove")
    assert norm_address_line("2 Mill Lane") == norm_address_line("2 MILL LN")


def test_a_carer_with_the_users_name_at_their_postcode_is_the_user() -> None:
    mum = PersonFacts.build(given_name="aisha", family_names=["Begum"], postcode="LS62AB")
    assert is_same_person(STAFF, mum)
    assert "parent or carer" in linked_to_self(STAFF, child(mum))


def test_a_carer_with_the_users_email_or_phone_is_the_user() -> None:
    by_email = PersonFacts.build(given_name="A", family_names=["B"], email="Aisha.Khan@leeds.example.gov.uk")
    by_phone = PersonFacts.build(given_name="A", family_names=["B"], phone="+44 113 496 0000")
    assert linked_to_self(STAFF, child(by_email))
    assert linked_to_self(STAFF, child(by_phone))
    other = PersonFacts.build(given_name="A", family_names=["B"], phone="0113 496 0001")
    assert not linked_to_self(STAFF, child(other))


def test_the_child_living_at_the_users_home_is_linked() -> None:
    assert "home address" in linked_to_self(STAFF, child(family="Walsh", postcode="LS6 2AB", address="14 Ash Grove"))


def test_same_name_elsewhere_is_not_the_user() -> None:
    namesake = PersonFacts.build(given_name="Aisha", family_names=["Khan"], postcode="M1 1AA", address="1 Other Road")
    assert not is_same_person(STAFF, namesake)
    assert linked_to_self(STAFF, child(namesake)) == ""


def test_same_family_name_and_postcode_is_r2_but_not_r1() -> None:
    cousin = PersonFacts.build(given_name="Imran", family_names=["Khan"], postcode="LS6 2AB")
    facts = child(cousin)
    assert linked_to_self(STAFF, facts) == ""
    assert "same postcode" in same_family_and_home(STAFF, facts)


def test_same_family_name_and_address_without_postcode_is_r2() -> None:
    facts = child(family="Begum", postcode="", address="14 Ash Grove")
    assert "same address" in same_family_and_home(STAFF, facts)


def test_same_family_name_elsewhere_or_neighbour_with_other_name_is_not_r2() -> None:
    far_away = PersonFacts.build(given_name="Imran", family_names=["Khan"], postcode="LS1 4AP")
    neighbour = PersonFacts.build(given_name="Joe", family_names=["Walsh"], postcode="LS6 2AB")
    assert same_family_and_home(STAFF, child(far_away)) == ""
    assert same_family_and_home(STAFF, child(neighbour)) == ""
