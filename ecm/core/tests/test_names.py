"""The next free name: the base first, then numbered from 2, and never without end."""

from __future__ import annotations

from ecm.core.names import suffixed


def test_the_base_then_numbered_suffixes() -> None:
    assert list(suffixed("audit-heads-20261205T220000Z", limit=4)) == [
        "audit-heads-20261205T220000Z",
        "audit-heads-20261205T220000Z-2",
        "audit-heads-20261205T220000Z-3",
    ]


def test_the_first_free_name_is_taken() -> None:
    taken = {"v1", "v1-2"}
    assert next(name for name in suffixed("v1") if name not in taken) == "v1-3"
    assert len(list(suffixed("v1"))) == 999
