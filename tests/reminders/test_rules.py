"""Reminder rules: offsets as coordinators write them, defaults, and their changes."""

from __future__ import annotations

import pytest
from flask_babel import force_locale
from hypothesis import given
from hypothesis import strategies as st

from app.extensions import db
from app.reminders.rules import (
    DEFINITIONS,
    RuleError,
    effective_rules,
    offsets_text,
    parse_offsets,
    update_rule,
)


@pytest.mark.parametrize(
    "text, minutes",
    [
        ("180d, 90d, 30d, 0d", (180 * 1440, 90 * 1440, 30 * 1440, 0)),
        ("24h", (1440,)),
        ("2d 14d;60d", (60 * 1440, 14 * 1440, 2 * 1440)),
        ("30 d, 30d, 720h", (30 * 1440,)),
        (" 36H ", (36 * 60,)),
    ],
)
def test_offsets_parse_as_days_or_hours_largest_first_without_repeats(text, minutes):
    assert parse_offsets(text) == minutes


@pytest.mark.parametrize(
    "text", ["", "soon", "30", "-3d", "1.5d", "30m", "401d", "٣d", "1d,2d,3d,4d,5d,6d,7d,8d,9d"]
)
def test_bad_offsets_are_refused_with_a_message(app, text):
    with pytest.raises(RuleError) as refused, force_locale("sv"):
        parse_offsets(text)
    assert refused.value.field == "offsets"
    with force_locale("sv"):
        assert str(refused.value.message)  # a sentence, in Swedish where it matters


@given(st.lists(st.integers(0, 400 * 24), min_size=1, max_size=8, unique=True))
def test_written_offsets_read_back_the_same(hours):
    minutes = tuple(sorted((h * 60 for h in hours), reverse=True))
    assert parse_offsets(offsets_text(minutes)) == minutes


def test_every_rule_has_usable_defaults_and_a_change_is_kept(app, coordinator):
    rules = effective_rules()
    assert set(rules) == {d.key for d in DEFINITIONS}
    assert all(r.enabled and r.offsets for r in rules.values())
    update_rule("meeting", offsets="30d, 1d", enabled=False, actor=coordinator)
    db.session.commit()
    changed = effective_rules()["meeting"]
    assert (changed.offsets, changed.enabled) == ((30 * 1440, 1440), False)
