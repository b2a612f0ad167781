"""Small-number suppression: one pure function used by every page and every export.

The rule (docs/monitoring.md, "Small numbers"):

1. A count from 1 to 4 shows as "fewer than 5". Zero shows as 0.
2. If any count in a table is suppressed, every other figure in that table (counts of 5 or
   more and every total) is rounded to the nearest 5, so that a total minus the other cells
   gives only a range, never the suppressed value.
3. In a table with both row and column totals, a small count hides the row totals and the overall
   total, so that the remaining totals (one per column) never overlap.
4. The table is then attacked as a reader would: each row and column with a total, and the
   table's overall total (which may be shown exactly elsewhere, ``published_total``), bound the
   cells; bounds are tightened until nothing changes. If a count from 1 to 4 would still be
   pinned to a single value, the total that pins it shows "not shown"; if a total shown
   elsewhere still pins it, the whole line it sits in shows "not shown". The attack is
   repeated until no count from 1 to 4 can be worked out.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

SMALL_MIN, SMALL_MAX, BASE = 1, 4, 5
SUPPRESSED_TEXT = "fewer than 5"
WITHHELD_TEXT = "not shown"
INF = math.inf

EXACT, ROUNDED, SUPPRESSED, WITHHELD = "exact", "rounded", "suppressed", "withheld"


@dataclass(frozen=True)
class Cell:
    """One figure as published: the number shown (None if not a number) and how it was treated."""

    shown: int | None
    kind: str

    @property
    def text(self) -> str:
        if self.kind == SUPPRESSED:
            return SUPPRESSED_TEXT
        if self.kind == WITHHELD:
            return WITHHELD_TEXT
        return f"{self.shown:,}"

    @property
    def bar(self) -> int:
        """The length a chart may draw: only published numbers."""
        return self.shown or 0


@dataclass
class Protected:
    """A grid of counts after protection, with its row, column and overall totals."""

    cells: list[list[Cell]]
    row_totals: list[Cell] | None
    column_totals: list[Cell] | None
    grand_total: Cell | None
    any_suppressed: bool = False
    lines_withheld: int = 0
    notes: list[str] = field(default_factory=list)


def round5(value: int) -> int:
    """Round half up to the nearest multiple of 5."""
    return BASE * math.floor((value + BASE / 2) / BASE)


def is_small(value: int) -> bool:
    return SMALL_MIN <= value <= SMALL_MAX


def protect(
    values: list[list[int]],
    *,
    row_totals: bool = False,
    column_totals: bool = True,
    published_total: tuple[int, int] | None = None,
) -> Protected:
    """Apply the rule above to a grid (rows of equal length) of non-negative counts."""
    n_rows = len(values)
    n_cols = len(values[0]) if values else 0
    cells = [(r, c) for r in range(n_rows) for c in range(n_cols)]
    any_small = any(is_small(values[r][c]) for r, c in cells)
    withheld_cells: set[tuple[int, int]] = set()
    withheld_lines: set[tuple[str, int]] = set()
    withheld_totals: set[tuple[str, int]] = set()

    def line_cells(line: tuple[str, int]) -> list[tuple[int, int]]:
        kind, i = line
        if kind == "row":
            return [(i, c) for c in range(n_cols)]
        if kind == "col":
            return [(r, i) for r in range(n_rows)]
        return cells

    lines: list[tuple[str, int]] = []
    if row_totals:
        lines += [("row", r) for r in range(n_rows)]
    if column_totals:
        lines += [("col", c) for c in range(n_cols)]
    show_grand = row_totals and column_totals
    if show_grand or published_total is not None:
        lines.append(("all", 0))

    if row_totals and column_totals and any_small:
        # Crossing totals constrain cells jointly, which the line-by-line check below cannot follow;
        # with a small count present, only the column totals are shown.
        withheld_totals.update(line for line in lines if line[0] != "col")

    def total_cell(line: tuple[str, int]) -> Cell:
        true = sum(values[r][c] for r, c in line_cells(line))
        if line in withheld_lines or line in withheld_totals:
            return Cell(None, WITHHELD)
        if is_small(true):
            return Cell(None, SUPPRESSED)
        if any_small:
            return Cell(round5(true), ROUNDED)
        return Cell(true, EXACT)

    def cell(r: int, c: int) -> Cell:
        v = values[r][c]
        if (r, c) in withheld_cells:
            return Cell(None, WITHHELD)
        if is_small(v):
            return Cell(None, SUPPRESSED)
        if any_small and v:
            return Cell(round5(v), ROUNDED)
        return Cell(v, EXACT)

    def bounds_of(shown: Cell, *, is_cell: bool) -> tuple[float, float]:
        if shown.kind == WITHHELD:
            return 0, INF
        if shown.kind == SUPPRESSED:
            return SMALL_MIN, SMALL_MAX
        assert shown.shown is not None
        if shown.kind == ROUNDED:
            low = shown.shown - BASE // 2
            return (max(low, SMALL_MAX + 1) if is_cell else max(low, 0)), shown.shown + BASE // 2
        return shown.shown, shown.shown

    def pinned() -> list[tuple[int, int]]:
        """Sensitive cells (true value 1-4) a reader could work out exactly from what is shown."""
        bound = {(r, c): list(bounds_of(cell(r, c), is_cell=True)) for r, c in cells}
        constraints = []
        for line in lines:
            lo, hi = bounds_of(total_cell(line), is_cell=False)
            if line == ("all", 0) and published_total is not None:
                lo, hi = max(lo, published_total[0]), min(hi, published_total[1])
            constraints.append((line_cells(line), lo, hi))
        for _ in range(100):
            changed = False
            for members, lo, hi in constraints:
                for m in members:
                    others_lo = sum(bound[x][0] for x in members if x != m)
                    others_hi = sum(bound[x][1] for x in members if x != m)
                    new_lo = max(bound[m][0], lo - others_hi)
                    new_hi = min(bound[m][1], hi - others_lo)
                    new_lo = math.ceil(new_lo) if new_lo != -INF else new_lo
                    new_hi = math.floor(new_hi) if new_hi != INF else new_hi
                    if [new_lo, new_hi] != bound[m]:
                        bound[m] = [new_lo, new_hi]
                        changed = True
            if not changed:
                break
        return [m for m in cells if is_small(values[m[0]][m[1]]) and bound[m][1] - bound[m][0] < 1]

    for _ in range(2 * len(lines) + 2):
        exposed = pinned()
        if not exposed:
            break
        r, c = exposed[0]
        through = [line for line in lines if (r, c) in line_cells(line)]
        # First take away a total that pins it (not one published elsewhere), then whole lines.
        totals = [li for li in through if li not in withheld_totals and not (li == ("all", 0) and published_total)]
        if totals:
            withheld_totals.add(min(totals, key=lambda li: (len(line_cells(li)), li[0] != "row")))
            continue
        candidates = [li for li in through if li not in withheld_lines]
        if not candidates:
            withheld_lines.update(lines)
            withheld_cells.update(cells)
            break
        line = min(candidates, key=lambda li: (len(line_cells(li)), li[0] != "row"))
        withheld_lines.add(line)
        withheld_cells.update(line_cells(line))
    else:
        withheld_lines.update(lines)
        withheld_cells.update(cells)

    out_cells = [[cell(r, c) for c in range(n_cols)] for r in range(n_rows)]
    result = Protected(
        cells=out_cells,
        row_totals=[total_cell(("row", r)) for r in range(n_rows)] if row_totals else None,
        column_totals=[total_cell(("col", c)) for c in range(n_cols)] if column_totals else None,
        grand_total=total_cell(("all", 0)) if show_grand else None,
        any_suppressed=any_small,
        lines_withheld=len(withheld_lines | withheld_totals),
    )
    if any_small:
        result.notes.append(
            "Counts from 1 to 4 show as “fewer than 5”; the other figures are rounded to the nearest 5."
        )
    if withheld_lines or withheld_totals:
        result.notes.append("Some figures are not shown because they would reveal a count from 1 to 4.")
    return result
