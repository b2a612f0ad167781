"""Names that never collide: the next free suffix for a file or a version made twice in one instant."""

from __future__ import annotations

from collections.abc import Iterator

SUFFIX_LIMIT = 1000


def suffixed(base: str, *, limit: int = SUFFIX_LIMIT) -> Iterator[str]:
    """``base``, then ``base-2``, ``base-3`` ... up to ``base-<limit - 1>``; the caller takes the first free one."""
    yield base
    for number in range(2, limit):
        yield f"{base}-{number}"
