"""Small-number suppression: no count from 1 to 4 is ever shown, and no shown total lets a reader work one out."""

from __future__ import annotations

import itertools
import random

import pytest

from ecm.monitoring.suppression import EXACT, ROUNDED, SUPPRESSED, WITHHELD, Cell, protect, round5

MAX = 40


def options(cell: Cell, *, is_total: bool) -> set[int]:
    """Every true value a reader can reconcile with what a cell shows."""
    if cell.kind == SUPPRESSED:
        return {1, 2, 3, 4}
    if cell.kind == WITHHELD:
        return set(range(MAX + 1))
    assert cell.shown is not None
    if cell.kind == EXACT:
        return {cell.shown}
    low = 0 if is_total else 5
    return {v for v in range(cell.shown - 2, cell.shown + 3) if v >= low}


def reader_can_pin(grid, p, *, row_totals, column_totals, published=None) -> list[tuple[int, int]]:
    """Brute force: all grids consistent with the shown cells and totals; small cells with one possible value."""
    n, m = len(grid), len(grid[0])
    cell_opts = [options(p.cells[r][c], is_total=False) for r in range(n) for c in range(m)]
    found: dict[int, set[int]] = {i: set() for i in range(n * m)}
    for combo in itertools.product(*[sorted(o) for o in cell_opts]):
        rows = [combo[r * m : (r + 1) * m] for r in range(n)]
        if row_totals and any(sum(rows[r]) not in options(p.row_totals[r], is_total=True) for r in range(n)):
            continue
        cols = [sum(rows[r][c] for r in range(n)) for c in range(m)]
        if column_totals and any(cols[c] not in options(p.column_totals[c], is_total=True) for c in range(m)):
            continue
        if p.grand_total is not None and sum(cols) not in options(p.grand_total, is_total=True):
            continue
        if published is not None and not (published[0] <= sum(cols) <= published[1]):
            continue
        for i, v in enumerate(combo):
            found[i].add(v)
    flat = [v for row in grid for v in row]
    return [divmod(i, m) for i, v in enumerate(flat) if 1 <= v <= 4 and len(found[i]) < 2]


def shown_numbers(p) -> list[int]:
    cells = [c for row in p.cells for c in row] + (p.row_totals or []) + (p.column_totals or [])
    cells += [p.grand_total] if p.grand_total else []
    return [c.shown for c in cells if c.shown is not None]


def test_round5() -> None:
    assert [round5(v) for v in (0, 2, 3, 7, 8, 12, 13)] == [0, 0, 5, 5, 10, 10, 15]


def test_a_count_from_1_to_4_shows_as_fewer_than_5_and_zero_shows() -> None:
    p = protect([[0], [3], [12]])
    assert [c.text for row in p.cells for c in row] == ["0", "fewer than 5", "10"]
    assert p.column_totals[0].kind == ROUNDED


def test_no_suppression_leaves_exact_figures() -> None:
    p = protect([[7, 9], [12, 30]], row_totals=True, column_totals=True)
    assert [c.text for row in p.cells for c in row] == ["7", "9", "12", "30"]
    assert p.grand_total.text == "58"


def test_crafted_row_total_minus_the_other_cells_does_not_reveal_the_suppressed_cell() -> None:
    # Exact figures would give: row total 12 - 11 = 1. Rounded: 10 - 10 could be anything from -4 to 4.
    grid = [[11, 1]]
    p = protect(grid, row_totals=True, column_totals=False)
    assert p.cells[0][1].text == "fewer than 5"
    assert p.row_totals[0].text != "12" and p.cells[0][0].text != "11"
    assert reader_can_pin(grid, p, row_totals=True, column_totals=False) == []


def test_crafted_total_that_would_still_pin_the_cell_is_not_shown() -> None:
    # 8 + 8 + 1 = 17 → 15; cells 10, 10 → the small cell could only be 1: the total must go.
    grid = [[8], [8], [1]]
    p = protect(grid)
    assert p.column_totals[0].text == "not shown"
    assert reader_can_pin(grid, p, row_totals=False, column_totals=True) == []


def test_a_total_published_exactly_elsewhere_is_taken_into_account() -> None:
    grid = [[5], [1]]
    p = protect(grid, published_total=(6, 6))
    assert reader_can_pin(grid, p, row_totals=False, column_totals=True, published=(6, 6)) == []


@pytest.mark.parametrize(("rows", "cols", "row_totals", "column_totals", "top"), [
    (3, 1, False, True, 13),
    (1, 3, True, False, 13),
    (2, 2, True, True, 8),
])  # fmt: skip
def test_exhaustively_no_small_count_is_shown_or_can_be_worked_out(rows, cols, row_totals, column_totals, top) -> None:
    for values in itertools.product(range(top + 1), repeat=rows * cols):
        grid = [list(values[r * cols : (r + 1) * cols]) for r in range(rows)]
        p = protect(grid, row_totals=row_totals, column_totals=column_totals)
        assert not [v for v in shown_numbers(p) if 1 <= v <= 4], grid
        assert reader_can_pin(grid, p, row_totals=row_totals, column_totals=column_totals) == [], grid


def test_random_larger_tables_show_no_small_numbers() -> None:
    rng = random.Random(7)
    for _ in range(300):
        n, m = rng.randint(1, 12), rng.randint(1, 5)
        grid = [[rng.choice([0, 1, 2, 3, 4, 5, 6, 9, 14, 30]) for _ in range(m)] for _ in range(n)]
        p = protect(grid, row_totals=rng.random() < 0.5, column_totals=True)
        assert not [v for v in shown_numbers(p) if 1 <= v <= 4]
