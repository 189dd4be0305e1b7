"""Place allocation: which groups are confirmed, offered places, or wait. Pure, no Flask.

The order rule (also shown on every exchange's page):

1. Groups are never split: a group gets places for all its pupils or none.
2. The waiting list is first come, first served, by the moment a group joined it.
3. Whenever places are free, they go to the earliest group in the queue whose pupils
   fit in the places left; a group that does not fit keeps its place in the queue, and
   the next groups are tried in order.
4. A group already waiting is *offered* the places (held for it until a deadline); a
   group signing up right now is confirmed at once. A newcomer joins at the end of the
   queue, so it can only be confirmed when no group before it fits.
5. Confirmed and offered pupils together never exceed the places.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field

CONFIRM = "confirm"
OFFER = "offer"
WAIT = "wait"


@dataclass(frozen=True)
class Group:
    """A group in the queue: who it is, how many pupils, and whether it is signing up now."""

    key: Hashable
    pupils: int
    arriving: bool = False


@dataclass(frozen=True)
class Allocation:
    """The outcome for every queued group, in queue order."""

    decisions: tuple[tuple[Hashable, str], ...]
    places_left: int
    confirm: tuple[Hashable, ...] = field(default=())
    offer: tuple[Hashable, ...] = field(default=())
    wait: tuple[Hashable, ...] = field(default=())

    def of(self, key: Hashable) -> str:
        """Return the decision for one group."""
        return dict(self.decisions)[key]


def places_left(places: int, held: Sequence[int]) -> int:
    """Return the places not held by confirmed or offered groups (never below zero)."""
    return max(0, places - sum(held))


def allocate(places: int, held: Sequence[int], queue: Sequence[Group]) -> Allocation:
    """Decide, in queue order, which groups get the free places.

    `held` are the pupil counts of groups already confirmed or offered; `queue` is the
    waiting list in order, with any arriving group last.
    """
    if places < 0 or any(n < 0 for n in held) or any(g.pupils < 1 for g in queue):
        raise ValueError("places and groups must be positive")
    left = places_left(places, held)
    decisions: list[tuple[Hashable, str]] = []
    for group in queue:
        if group.pupils <= left:
            left -= group.pupils
            decisions.append((group.key, CONFIRM if group.arriving else OFFER))
        else:
            decisions.append((group.key, WAIT))
    return Allocation(
        decisions=tuple(decisions),
        places_left=left,
        confirm=tuple(k for k, d in decisions if d == CONFIRM),
        offer=tuple(k for k, d in decisions if d == OFFER),
        wait=tuple(k for k, d in decisions if d == WAIT),
    )


def fits(places: int, held: Sequence[int], pupils: int) -> bool:
    """Tell whether a group of this size fits in the places left."""
    return pupils <= places_left(places, held)
