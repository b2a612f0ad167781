"""Search: PDS minimum criteria, exact then fuzzy, scores, caps, shielding and audit."""

from __future__ import annotations

import datetime as dt

import pytest

from ecm.accounts.choices import Role
from ecm.accounts.tests.factories import UserFactory
from ecm.audit.models import AuditEvent
from ecm.core.actors import SYSTEM_COMMAND, Actor
from ecm.index import services
from ecm.index.choices import ChildStatus, Gender
from ecm.index.search.criteria import SearchCriteria, SearchCriteriaError
from ecm.index.selectors import child_search
from ecm.index.tests.factories import ChildFactory, gp_practice, school

pytestmark = pytest.mark.django_db

DOB = dt.date(2015, 3, 4)


@pytest.fixture
def practitioner():
    return UserFactory(roles=[Role.PRACTITIONER])


def search(actor: Actor, **kwargs):
    return child_search(actor=actor, criteria=SearchCriteria(**kwargs))


@pytest.mark.parametrize(
    "kwargs, missing",
    [
        ({"family_name": "Smith"}, "date of birth"),
        ({"birth_date": DOB}, "family name"),
        ({"given_name": "Amelia", "birth_date": DOB}, "family name"),
        ({"family_name": "Smith", "gender": "female", "postcode": "LS1 4AP"}, "date of birth"),
        ({}, "family name and date of birth"),
    ],
)
def test_not_enough_criteria_names_what_is_missing(practitioner, kwargs, missing):
    with pytest.raises(SearchCriteriaError) as exc:
        search(practitioner, **kwargs)
    assert missing in str(exc.value)
    assert exc.value.code == "INVALID_SEARCH_DATA"
    assert not AuditEvent.objects.filter(action="index.search").exists()


def test_every_minimum_criteria_set_is_accepted(practitioner):
    ChildFactory(given_name="Amelia", family_name="Smith", date_of_birth=DOB)
    assert search(practitioner, family_name="smith", birth_date=DOB).match_count == 1
    assert search(practitioner, given_name="AMELIA", birth_date=DOB, postcode="ls14ap").match_count == 1
    assert (
        search(
            practitioner,
            family_name="Smith",
            gender="female",
            postcode="LS1 4AP",
            birth_date_from=dt.date(2015, 1, 1),
            birth_date_to=dt.date(2015, 12, 31),
        ).match_count
        == 1
    )


@pytest.mark.parametrize("pattern", ["*mith", "S*ith", "S*"])
def test_no_wildcard_in_first_two_characters(practitioner, pattern):
    with pytest.raises(SearchCriteriaError, match="at least 2 letters before"):
        search(practitioner, family_name=pattern, birth_date=DOB)


def test_wildcard_after_two_letters(practitioner):
    ChildFactory(family_name="Smithson", date_of_birth=DOB)
    ChildFactory(family_name="Smith", date_of_birth=DOB)
    ChildFactory(family_name="Jones", date_of_birth=DOB)
    assert search(practitioner, family_name="Sm*", birth_date=DOB).match_count == 2


def test_fuzzy_refuses_wildcards_and_needs_more(practitioner):
    with pytest.raises(SearchCriteriaError, match="wildcards"):
        search(practitioner, given_name="Am*", family_name="Smith", birth_date=DOB, fuzzy=True)
    with pytest.raises(SearchCriteriaError, match="given name"):
        search(practitioner, family_name="Smith", birth_date=DOB, fuzzy=True)


def test_exact_search_misses_what_fuzzy_finds(practitioner):
    ChildFactory(given_name="Katherine", family_name="Smyth", date_of_birth=DOB)
    assert search(practitioner, given_name="Catherine", family_name="Smith", birth_date=DOB).match_count == 0
    result = search(practitioner, given_name="Catherine", family_name="Smith", birth_date=DOB, fuzzy=True)
    assert result.match_count == 1
    assert 0 < result.results[0].score < 1
    assert result.results[0].strength_label in ("Close match", "Possible match")


def test_fuzzy_nicknames_swapped_names_and_swapped_dates(practitioner):
    ChildFactory(given_name="William", family_name="Jones", date_of_birth=DOB)
    ChildFactory(given_name="Grace", family_name="Taylor", date_of_birth=DOB)
    nick = search(practitioner, given_name="Bill", family_name="Jones", birth_date=DOB, fuzzy=True)
    assert [r.name for r in nick.results] == ["William Jones"]
    swapped = search(practitioner, given_name="Taylor", family_name="Grace", birth_date=DOB, fuzzy=True)
    assert [r.name for r in swapped.results] == ["Grace Taylor"]
    transposed = search(
        practitioner, given_name="Grace", family_name="Taylor", birth_date=dt.date(2015, 4, 3), fuzzy=True
    )
    assert [r.name for r in transposed.results] == ["Grace Taylor"]
    assert transposed.results[0].score < 1


def test_previous_names_and_addresses(practitioner):
    child = ChildFactory(given_name="Ruby", family_name="Evans", date_of_birth=DOB)
    services.child_update(
        actor=SYSTEM_COMMAND,
        child=child,
        family_name="Morgan",
        address={"address_line_1": "9 New Road", "postcode": "LS6 2AB"},
    )
    assert search(practitioner, family_name="Evans", birth_date=DOB).match_count == 0
    history = search(practitioner, family_name="Evans", birth_date=DOB, history=True)
    assert history.match_count == 1 and history.results[0].name == "Ruby Morgan"
    fuzzy = search(practitioner, given_name="Ruby", family_name="Evans", birth_date=DOB, fuzzy=True)
    assert fuzzy.match_count == 1
    old_postcode = search(practitioner, given_name="Ruby", birth_date=DOB, postcode="LS1 4AP", history=True)
    assert old_postcode.match_count == 1


def test_scores_best_first(practitioner):
    ChildFactory(given_name="Jon", family_name="Smith", date_of_birth=DOB)
    ChildFactory(given_name="John", family_name="Smith", date_of_birth=DOB)
    result = search(practitioner, given_name="John", family_name="Smith", birth_date=DOB, fuzzy=True)
    assert [r.name for r in result.results] == ["John Smith", "Jon Smith"]
    assert result.results[0].score == 1.0 and result.results[0].strength_label == "Exact match"
    assert result.results[1].score < 1.0


def test_too_many_matches_returns_no_records_and_audits_each(practitioner):
    for _ in range(11):
        ChildFactory(family_name="Khan", date_of_birth=DOB)
    result = search(practitioner, family_name="Khan", birth_date=DOB)
    assert result.too_many and result.results == [] and result.match_count == 11
    matches = AuditEvent.objects.filter(action="index.search_match")
    assert matches.count() == 11
    assert all(e.data["returned"] is False for e in matches)
    event = AuditEvent.objects.get(action="index.search")
    assert event.data["outcome"] == "too_many" and event.data["match_count"] == 11


def test_max_results_configurable_to_50(practitioner, settings):
    for _ in range(11):
        ChildFactory(family_name="Khan", date_of_birth=DOB)
    assert search(practitioner, family_name="Khan", birth_date=DOB, max_results=50).match_count == 11
    settings.ECM_INDEX_MAX_RESULTS = 20
    assert not search(practitioner, family_name="Khan", birth_date=DOB).too_many
    with pytest.raises(SearchCriteriaError):
        search(practitioner, family_name="Khan", birth_date=DOB, max_results=51)


def test_one_audit_event_per_matched_record(practitioner):
    a = ChildFactory(family_name="Patel", date_of_birth=DOB)
    b = ChildFactory(family_name="Patel", date_of_birth=DOB)
    ChildFactory(family_name="Patel", date_of_birth=dt.date(2016, 1, 1))
    result = search(practitioner, family_name="Patel", birth_date=DOB)
    assert result.outcome == "ok"
    events = AuditEvent.objects.filter(action="index.search_match")
    assert sorted(e.object_id for e in events) == sorted([str(a.pk), str(b.pk)])
    for event in events:
        assert event.data["returned"] is True
        # Which details the search used, never their values (a purge must leave no name behind).
        assert event.data["query"]["family_name"] == "(given)"
        assert "Patel" not in str(event.data)
        assert event.actor_id == str(practitioner.pk)
    search_event = AuditEvent.objects.get(action="index.search")
    assert search_event.data == {
        "criteria": {"family_name": "(given)", "birth_date": "(given)"},
        "fuzzy": False,
        "match_count": 2,
        "outcome": "ok",
        "cap": 10,
    }


def test_no_match_is_audited(practitioner):
    search(practitioner, family_name="Nobody", birth_date=DOB)
    assert AuditEvent.objects.get(action="index.search").data["outcome"] == "none"


def test_results_are_summaries(practitioner):
    ChildFactory(given_name="Isla", family_name="Brown", date_of_birth=DOB)
    summary = search(practitioner, family_name="Brown", birth_date=DOB).results[0]
    assert summary.postcode_district == "LS1"
    assert not hasattr(summary, "address")


def test_shielded_child_never_matches_location_searches(practitioner):
    the_school, the_gp = school(), gp_practice()
    ChildFactory(
        given_name="Mia", family_name="Wood", date_of_birth=DOB, shielded=True, school=the_school, gp_practice=the_gp
    )
    by_name = search(practitioner, family_name="Wood", birth_date=DOB)
    assert by_name.match_count == 1 and by_name.results[0].postcode_district == ""
    assert search(practitioner, given_name="Mia", birth_date=DOB, postcode="LS1 4AP").match_count == 0
    assert search(practitioner, family_name="Wood", birth_date=DOB, postcode="LS1 4AP").match_count == 0
    assert search(practitioner, family_name="Wood", birth_date=DOB, school_id=str(the_school.pk)).match_count == 0
    assert search(practitioner, family_name="Wood", birth_date=DOB, gp_practice_id=str(the_gp.pk)).match_count == 0
    assert (
        search(
            practitioner,
            given_name="Mia",
            family_name="Wood",
            gender="female",
            birth_date=DOB,
            postcode="LS1 4AP",
            fuzzy=True,
        ).match_count
        == 0
    )
    assert (
        search(
            practitioner,
            family_name="Wood",
            gender="female",
            postcode="LS1 4AP",
            birth_date_from=dt.date(2015, 1, 1),
            birth_date_to=dt.date(2015, 12, 31),
        ).match_count
        == 0
    )


def test_unshielded_child_matches_school_and_gp(practitioner):
    the_school = school()
    ChildFactory(family_name="Wood", date_of_birth=DOB, school=the_school)
    assert search(practitioner, family_name="Wood", birth_date=DOB, school_id=str(the_school.pk)).match_count == 1


def test_merged_away_and_purged_records_never_match(practitioner):
    survivor = ChildFactory(family_name="Hall", date_of_birth=DOB)
    duplicate = ChildFactory(family_name="Hall", date_of_birth=DOB)
    services.child_merge(actor=SYSTEM_COMMAND, duplicate=duplicate, survivor=survivor, reason="Same child")
    result = search(practitioner, family_name="Hall", birth_date=DOB)
    assert [r.child_id for r in result.results] == [str(survivor.pk)]


def test_archived_records_found_only_by_data_managers(practitioner):
    child = ChildFactory(family_name="Reid", date_of_birth=DOB)
    child.status = ChildStatus.ARCHIVED
    child.save()
    assert search(practitioner, family_name="Reid", birth_date=DOB).match_count == 0
    data_manager = UserFactory(roles=[Role.DATA_MANAGER])
    assert search(data_manager, family_name="Reid", birth_date=DOB).match_count == 1


def test_gender_must_match_in_exact_search(practitioner):
    ChildFactory(family_name="Cole", date_of_birth=DOB, gender=Gender.MALE)
    assert search(practitioner, family_name="Cole", birth_date=DOB, gender="female").match_count == 0
    assert search(practitioner, family_name="Cole", birth_date=DOB, gender="male").match_count == 1


def test_names_longer_than_35_characters_refused(practitioner):
    with pytest.raises(SearchCriteriaError, match="35"):
        search(practitioner, family_name="x" * 36, birth_date=DOB)


def test_a_found_childs_names_and_addresses_come_with_the_search_and_stay_its_own(
    practitioner, django_assert_num_queries
) -> None:
    """The search reads each child's names and addresses with it (nothing more per child), and
    querying them further can only ever reach that child's own rows."""
    from ecm.index.search import matcher
    from ecm.index.visibility import visible_statuses

    born = dt.date(2016, 5, 4)
    first = ChildFactory(given_name="Ada", family_name="Lovell", date_of_birth=born)
    second = ChildFactory(given_name="Ida", family_name="Lovell", date_of_birth=born)
    services.child_update(actor=SYSTEM_COMMAND, child=second, given_name="Edith")  # a previous name too
    # and a previous address: two names and two addresses, each attached once
    moved = {"address_line_1": "2 Mill Lane", "postcode": "LS6 2AB"}
    services.child_update(actor=SYSTEM_COMMAND, child=second, address=moved)
    criteria = SearchCriteria(family_name="Lovell", birth_date=born)
    statuses = visible_statuses(practitioner)
    with django_assert_num_queries(3):  # the children, then all their names, then all their addresses
        matches = matcher.find(criteria, statuses=statuses)
    assert sorted(m.child.pk for m in matches) == sorted([first.pk, second.pk])
    expected = {
        child.pk: (sorted(n.pk for n in child.names.all()), sorted(a.pk for a in child.addresses.all()))
        for child in (first, second)
    }
    assert [len(names) for names, _ in expected.values()] == [1, 2]
    assert [len(addresses) for _, addresses in expected.values()] == [1, 2]
    with django_assert_num_queries(0):
        found = {
            m.child.pk: (sorted(n.pk for n in m.child.names.all()), sorted(a.pk for a in m.child.addresses.all()))
            for m in matches
        }
        assert found == expected
        for match in matches:
            assert [n.child_id for n in match.child.names.all()] == [match.child.pk] * len(match.child.names.all())
            assert match.child.current_address is not None
            assert match.child.names.exists() and match.child.addresses.count() == len(expected[match.child.pk][1])
    for match in matches:
        assert {n.child_id for n in match.child.names.filter(is_current=True)} == {match.child.pk}
        assert set(match.child.addresses.order_by("lived_from").values_list("child_id", flat=True)) == {match.child.pk}
