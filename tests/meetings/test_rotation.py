"""Host rotation: in turn, except where swapped; a skipped year makes the rotation wait."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.meetings.rotation import RotationError, Skip, Swap, host, hosts, scheduled_host, swap_for

CITIES = ["Göteborg", "Århus", "Åbo", "Bergen"]


@st.composite
def swaps_and_skips(draw, count: int):
    indices = draw(st.permutations(range(count)))
    n_swaps = draw(st.integers(0, count // 2))
    swaps = [Swap(indices[2 * i], indices[2 * i + 1], "reason") for i in range(n_swaps)]
    rest = indices[2 * n_swaps :]
    skips = (
        [Skip(k, "no meeting") for k in draw(st.lists(st.sampled_from(rest), unique=True))]
        if rest
        else []
    )
    return swaps, skips


@settings(max_examples=200, deadline=None)
@given(
    rotation=st.lists(st.text(min_size=1), min_size=1, max_size=6, unique=True),
    count=st.integers(0, 30),
)
def test_without_changes_host_k_is_rotation_k_mod_n(rotation, count):
    assert hosts(count, rotation) == [rotation[k % len(rotation)] for k in range(count)]


@settings(max_examples=200, deadline=None)
@given(count=st.integers(2, 20), data=st.data())
def test_hosts_cycle_in_order_except_where_swapped(count, data):
    swaps, _ = data.draw(swaps_and_skips(count))
    result = hosts(count, CITIES, swaps)
    swapped = {k for s in swaps for k in (s.a, s.b)}
    for k in range(count):
        if k not in swapped:
            assert result[k] == CITIES[k % 4]
    for s in swaps:
        assert result[s.a] == CITIES[s.b % 4] and result[s.b] == CITIES[s.a % 4]
    # The swapped hosts are a permutation: nobody gains or loses a turn.
    assert sorted(result) == sorted(CITIES[k % 4] for k in range(count))


@settings(max_examples=200, deadline=None)
@given(count=st.integers(2, 20), data=st.data())
def test_a_skipped_year_makes_the_rotation_wait(count, data):
    swaps, skips = data.draw(swaps_and_skips(count))
    result = hosts(count, CITIES, swaps, skips)
    skipped = {s.index for s in skips}
    assert {k for k, h in enumerate(result) if h is None} == skipped
    held = [k for k in range(count) if k not in skipped]
    swapped = {k for s in swaps for k in (s.a, s.b)}
    for turn, k in enumerate(held):
        if k not in swapped:
            assert result[k] == CITIES[turn % 4]


def test_a_swap_exchanges_two_hosts_and_says_why():
    swaps = [Swap(1, 2, "Århus celebrates its jubilee")]
    assert hosts(4, CITIES, swaps) == ["Göteborg", "Åbo", "Århus", "Bergen"]
    assert swap_for(2, swaps).reason == "Århus celebrates its jubilee"
    assert swap_for(0, swaps) is None


def test_a_skip_keeps_the_host_for_the_next_meeting():
    assert hosts(4, CITIES, skips=[Skip(1, "pandemic")]) == ["Göteborg", None, "Århus", "Åbo"]
    assert scheduled_host(2, CITIES, [Skip(1)]) == "Århus"


@pytest.mark.parametrize(
    ("swaps", "skips"),
    [
        ([Swap(1, 1)], []),
        ([Swap(0, 1), Swap(1, 2)], []),
        ([Swap(0, 1)], [Skip(1)]),
    ],
)
def test_contradictory_swaps_and_skips_are_refused(swaps, skips):
    with pytest.raises(RotationError):
        hosts(4, CITIES, swaps, skips)


def test_an_empty_rotation_is_refused():
    with pytest.raises(RotationError):
        host(0, [])
