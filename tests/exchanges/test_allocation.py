"""The pure place allocation: never more than the places, never a split group, queue order."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.exchanges.allocation import CONFIRM, OFFER, WAIT, Group, allocate, fits, places_left

groups = st.lists(st.integers(min_value=1, max_value=12), max_size=25)


@st.composite
def situations(draw):
    places = draw(st.integers(min_value=0, max_value=60))
    held = draw(st.lists(st.integers(min_value=1, max_value=8), max_size=8))
    waiting = draw(groups)
    arriving = draw(st.none() | st.integers(min_value=1, max_value=12))
    queue = [Group(i, n) for i, n in enumerate(waiting)]
    if arriving is not None:
        queue.append(Group("new", arriving, arriving=True))
    return places, held, queue


@given(situations())
def test_places_given_never_exceed_the_places_left(situation):
    places, held, queue = situation
    result = allocate(places, held, queue)
    sizes = {g.key: g.pupils for g in queue}
    given_out = sum(sizes[k] for k in result.confirm + result.offer)
    assert given_out <= places_left(places, held)
    if sum(held) <= places:
        assert sum(held) + given_out <= places
    assert result.places_left == places_left(places, held) - given_out


@given(situations())
def test_every_group_is_decided_whole_exactly_once(situation):
    places, held, queue = situation
    result = allocate(places, held, queue)
    assert [k for k, _ in result.decisions] == [g.key for g in queue]
    assert sorted(map(str, result.confirm + result.offer + result.wait)) == sorted(
        str(g.key) for g in queue
    )


@given(situations())
def test_a_group_waits_only_when_it_does_not_fit_at_its_turn(situation):
    places, held, queue = situation
    result = allocate(places, held, queue)
    left = places_left(places, held)
    for group in queue:
        decision = result.of(group.key)
        if group.pupils <= left:
            assert decision in (CONFIRM, OFFER)
            left -= group.pupils
        else:
            assert decision == WAIT


@given(situations())
def test_waiting_groups_are_offered_and_the_arriving_group_confirmed(situation):
    places, held, queue = situation
    result = allocate(places, held, queue)
    for group in queue:
        if result.of(group.key) != WAIT:
            assert result.of(group.key) == (CONFIRM if group.arriving else OFFER)


def test_a_big_first_group_keeps_its_place_while_a_smaller_one_behind_it_is_offered():
    result = allocate(10, [7], [Group("big", 4), Group("small", 2), Group("also", 2)])
    assert result.decisions == (("big", WAIT), ("small", OFFER), ("also", WAIT))


def test_a_newcomer_is_confirmed_only_after_every_earlier_group_that_fits():
    result = allocate(10, [4], [Group("w", 3), Group("new", 3, arriving=True)])
    assert result.decisions == (("w", OFFER), ("new", CONFIRM))
    result = allocate(10, [5], [Group("w", 4), Group("new", 3, arriving=True)])
    assert result.decisions == (("w", OFFER), ("new", WAIT))


def test_more_held_than_places_leaves_nothing_to_give():
    assert places_left(10, [8, 4]) == 0
    assert not fits(10, [8, 4], 1)


def test_an_empty_group_is_refused():
    with pytest.raises(ValueError):
        allocate(10, [], [Group("x", 0)])
