"""Money is integer pence. Forms accept "£12.50", "12.50", "12" or "1,250"; pages show "£1,250.00"."""

from __future__ import annotations

import re

_AMOUNT = re.compile(r"^£?\s*(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,2}))?$")
MAX_PENCE = 10**12  # £10,000,000,000: far above any budget, and far below the column's limit


def parse_pence(text: str) -> int | None:
    """Pence for a pounds-and-pence string, or None when it is not one."""
    match = _AMOUNT.match((text or "").strip())
    if not match:
        return None
    pounds = int(match.group(1).replace(",", ""))
    pence = int((match.group(2) or "0").ljust(2, "0"))
    total = pounds * 100 + pence
    return total if total <= MAX_PENCE else None


def format_pence(pence: int | None) -> str:
    """£1,234.50 (and -£3.00 for a negative amount)."""
    value = int(pence or 0)
    sign = "-" if value < 0 else ""
    pounds, rest = divmod(abs(value), 100)
    return f"{sign}£{pounds:,}.{rest:02d}"
