"""Host rotation of a meeting series: pure, no Flask.

Occurrence k of a series is hosted by rotation[slot(k) mod n], where slot(k) counts the
occurrences before k that were not skipped: a skipped year (a meeting not held, with
its reason) does not use up a host's turn, so the city whose turn it was hosts the next
one. A cancelled meeting, by contrast, does use up its turn (it is not this module's
concern: it is just not skipped). A recorded swap exchanges the hosts of two
occurrences, with a reason; every other occurrence keeps its host.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class Swap:
    """Occurrences a and b exchange their hosts."""

    a: int
    b: int
    reason: str = ""


@dataclass(frozen=True)
class Skip:
    """Occurrence `index` is not held; the rotation waits."""

    index: int
    reason: str = ""


class RotationError(ValueError):
    """The swaps and skips given contradict each other."""


def check(swaps: Iterable[Swap], skips: Iterable[Skip]) -> None:
    """Raise RotationError if an occurrence is swapped twice, with itself, or skipped."""
    skipped = {s.index for s in skips}
    seen: set[int] = set()
    for swap in swaps:
        if swap.a == swap.b:
            raise RotationError("an occurrence cannot swap hosts with itself")
        for k in (swap.a, swap.b):
            if k < 0:
                raise RotationError("occurrence index must not be negative")
            if k in seen:
                raise RotationError("an occurrence can take part in one swap only")
            if k in skipped:
                raise RotationError("a skipped occurrence has no host to swap")
            seen.add(k)


def slot(k: int, skips: Iterable[Skip]) -> int:
    """Return the rotation position of occurrence k: k minus the skips before it."""
    return k - sum(1 for s in skips if s.index < k)


def scheduled_host(k: int, rotation: Sequence[T], skips: Iterable[Skip] = ()) -> T:
    """Return the host occurrence k has by turn, before swaps."""
    if not rotation:
        raise RotationError("the rotation is empty")
    return rotation[slot(k, tuple(skips)) % len(rotation)]


def host(
    k: int,
    rotation: Sequence[T],
    swaps: Iterable[Swap] = (),
    skips: Iterable[Skip] = (),
) -> T | None:
    """Return the host of occurrence k (None when it is skipped), applying swaps."""
    swaps, skips = tuple(swaps), tuple(skips)
    if any(s.index == k for s in skips):
        return None
    for swap in swaps:
        if k in (swap.a, swap.b):
            other = swap.b if k == swap.a else swap.a
            return scheduled_host(other, rotation, skips)
    return scheduled_host(k, rotation, skips)


def swap_for(k: int, swaps: Iterable[Swap]) -> Swap | None:
    """Return the swap occurrence k takes part in, if any."""
    return next((s for s in swaps if k in (s.a, s.b)), None)


def hosts(
    count: int,
    rotation: Sequence[T],
    swaps: Iterable[Swap] = (),
    skips: Iterable[Skip] = (),
) -> list[T | None]:
    """Return the hosts of occurrences 0..count-1."""
    swaps, skips = tuple(swaps), tuple(skips)
    check(swaps, skips)
    return [host(k, rotation, swaps, skips) for k in range(count)]
