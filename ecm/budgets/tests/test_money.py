"""Money typed in forms becomes integer pence; pages show pounds and pence."""

from __future__ import annotations

import pytest

from ecm.budgets.forms import ThresholdForm
from ecm.budgets.money import format_pence, parse_pence


@pytest.mark.parametrize(
    ("text", "pence"),
    [("£12.50", 1250), ("12.50", 1250), ("12", 1200), (" 12.5 ", 1250), ("£1,250.00", 125000), ("0.07", 7), ("0", 0)],
)
def test_pounds_and_pence_are_read_as_integer_pence(text, pence) -> None:
    assert parse_pence(text) == pence


@pytest.mark.parametrize("text", ["", "twelve", "12.505", "-5", "12,5", "£", "1.2.3", "12p", "1e3", "99999999999999"])
def test_anything_else_is_not_an_amount(text) -> None:
    assert parse_pence(text) is None


def test_pence_are_shown_as_pounds() -> None:
    assert format_pence(1250) == "£12.50"
    assert format_pence(123456789) == "£1,234,567.89"
    assert format_pence(0) == "£0.00"
    assert format_pence(-300) == "-£3.00"


def test_a_bad_amount_gets_a_plain_error() -> None:
    form = ThresholdForm({"threshold": "about a tenner"})
    assert not form.is_valid()
    assert form.errors["threshold"] == ["Enter the approval threshold in pounds and pence, like 12.50"]
    assert ThresholdForm({"threshold": ""}).errors["threshold"] == ["Enter the approval threshold"]
    form = ThresholdForm({"threshold": "£250"})
    assert form.is_valid() and form.cleaned_data["threshold"] == 25000
