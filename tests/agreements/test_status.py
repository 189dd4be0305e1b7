"""The status of an agreement, computed the same way everywhere (pure)."""

from datetime import date

from app.agreements.models import (
    ACTIVE,
    DECISION_DUE,
    DRAFT,
    ENDED,
    EXPIRED,
    RENEWED,
    STATUSES,
    UPCOMING,
    compute_status,
    decision_date,
    term_end,
)

END = date(2026, 12, 31)


def status(today, *, signed=date(2024, 1, 1), renewed=False, ended_on=None, lead=120, starts=None):
    return compute_status(
        signed_on=signed,
        starts_on=starts,
        ends_on=END,
        lead_days=lead,
        renewed=renewed,
        ended_on=ended_on,
        today=today,
    )


def test_an_unsigned_agreement_is_a_draft():
    assert status(date(2025, 1, 1), signed=None) == DRAFT


def test_a_signed_agreement_before_its_decision_date_is_active():
    assert status(date(2025, 1, 1)) == ACTIVE


def test_the_decision_is_due_from_the_decision_date_until_the_end():
    assert decision_date(END, 120) == date(2026, 9, 2)
    assert status(date(2026, 9, 1)) == ACTIVE
    assert status(date(2026, 9, 2)) == DECISION_DUE
    assert status(END) == DECISION_DUE


def test_an_agreement_is_expired_the_day_after_it_ends():
    assert status(date(2027, 1, 1)) == EXPIRED


def test_a_renewed_term_is_active_until_its_last_day_and_renewed_after():
    assert status(date(2026, 10, 1), renewed=True) == ACTIVE  # no decision due: renewed
    assert status(END, renewed=True) == ACTIVE
    assert status(date(2027, 1, 1), renewed=True) == RENEWED
    assert status(date(2030, 1, 1), renewed=True) == RENEWED


def test_a_signed_term_that_has_not_begun_is_upcoming_and_an_unsigned_one_a_draft():
    assert status(date(2023, 10, 1), starts=date(2024, 1, 1)) == UPCOMING
    assert status(date(2024, 1, 1), starts=date(2024, 1, 1)) == ACTIVE
    assert status(date(2023, 10, 1), starts=date(2024, 1, 1), signed=None) == DRAFT


def test_an_ended_partnership_shows_ended_above_everything_else():
    assert status(date(2025, 1, 1), renewed=True, ended_on=date(2025, 1, 1)) == ENDED
    assert status(date(2025, 1, 1), signed=None, ended_on=date(2025, 1, 1)) == ENDED


def test_a_three_year_term_ends_the_day_before_the_same_date_three_years_on():
    assert term_end(date(2024, 1, 1)) == date(2026, 12, 31)


def test_overlapping_terms_of_one_partner_go_on_separate_lines():
    from app.agreements.timeline import Term, lanes

    chain = [Term(date(y, 1, 1), date(y + 2, 12, 31), ACTIVE, "") for y in (2019, 2022, 2025)]
    treaty = Term(date(1986, 1, 1), date(2036, 12, 31), ACTIVE, "")
    result = lanes([*chain, treaty])
    assert result == [[treaty], chain]


def test_the_timeline_marks_today_with_its_date_and_draws_each_term():
    from app.agreements.timeline import Term, timeline_svg

    svg = timeline_svg(
        [("Shanghai", [Term(date(2024, 1, 1), date(2026, 12, 31), DECISION_DUE, "MoU <1>")])],
        date(2026, 11, 24),
        title="Timeline",
        description="Terms",
        today_label="Today 2026-11-24",
        status_labels={s: s for s in STATUSES},
    )
    assert 'data-status="decision_due"><title>MoU &lt;1&gt;</title>' in svg
    assert "Today 2026-11-24" in svg
    assert 'class="chart-today tl-today"' in svg  # the shared style's line for today
