"""The batch commands' pause of the cyclic garbage collector."""

from __future__ import annotations

import gc

import pytest

from ecm.core.memory import cyclic_gc_paused


def test_the_collector_is_paused_inside_and_running_again_after_even_after_an_error() -> None:
    assert gc.isenabled()
    with cyclic_gc_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(ValueError), cyclic_gc_paused():
        raise ValueError("a step that fails")
    assert gc.isenabled()


def test_a_nested_pause_leaves_the_collector_as_the_outermost_found_it() -> None:
    with cyclic_gc_paused():
        with cyclic_gc_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the outer step is still running
    assert gc.isenabled()


def test_as_a_decorator_the_function_runs_with_the_collector_paused() -> None:
    @cyclic_gc_paused()
    def step() -> bool:
        return gc.isenabled()

    assert step() is False
    assert gc.isenabled()
