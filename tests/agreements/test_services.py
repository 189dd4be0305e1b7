"""Agreement operations: create, renew, end, with their rules and audit entries."""

from datetime import date

import pytest
import sqlalchemy as sa

from app.agreements import documents, services
from app.agreements.models import (
    ACTIVE,
    DECISION_DUE,
    ENDED,
    MEMORANDUM,
    RENEWED,
    UPCOMING,
    Agreement,
)
from app.audit import AuditEntry
from app.extensions import db
from tests.agreements.factories import make_agreement
from tests.factories import make_partner


def audit_entries():
    return db.session.scalars(sa.select(AuditEntry).order_by(AuditEntry.id)).all()


def test_a_new_memorandum_defaults_to_a_three_year_term(app):
    agreement = make_agreement(starts_on=date(2025, 3, 1))
    assert agreement.ends_on == date(2028, 2, 29)
    assert agreement.decision_lead_days == 120


def test_an_end_before_the_start_is_refused(app):
    with pytest.raises(services.AgreementError) as err:
        make_agreement(starts_on=date(2025, 1, 1), ends_on=date(2024, 12, 31))
    assert err.value.field == "ends_on"


def test_a_lead_time_longer_than_the_term_is_refused(app):
    with pytest.raises(services.AgreementError) as err:
        make_agreement(
            starts_on=date(2025, 1, 1), ends_on=date(2025, 3, 31), decision_lead_days=120
        )
    assert err.value.field == "decision_lead_days"


def test_the_database_refuses_an_end_before_the_start_even_without_the_service(app):
    partner = make_partner()
    db.session.add(
        Agreement(
            partner=partner,
            kind=MEMORANDUM,
            title="x",
            starts_on=date(2025, 1, 2),
            ends_on=date(2025, 1, 1),
        )
    )
    with pytest.raises(sa.exc.IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_renewal_starts_the_day_after_the_old_end_and_lasts_three_years(app):
    old = make_agreement(starts_on=date(2024, 1, 1))
    new = services.renew(old, signed_on=date(2026, 9, 1))
    db.session.commit()
    assert new.starts_on == date(2027, 1, 1)
    assert new.ends_on == date(2029, 12, 31)
    assert new.renews is old
    assert old.status(date(2026, 10, 1)) == ACTIVE  # running until its last day
    assert new.status(date(2026, 10, 1)) == UPCOMING
    assert old.status(date(2027, 1, 1)) == RENEWED
    assert new.status(date(2027, 1, 1)) == ACTIVE


def test_renewal_writes_both_terms_into_the_audit_log(app):
    old = make_agreement()
    new = services.renew(old)
    db.session.commit()
    entries = [(e.action, e.object_id) for e in audit_entries()]
    assert ("create", str(new.id)) in entries
    assert ("update", str(old.id)) in entries
    update = next(e for e in audit_entries() if e.object_id == str(old.id) and e.action == "update")
    assert update.after_values["renewed_by_id"] == new.id


def test_renewing_an_already_renewed_agreement_is_refused(app):
    old = make_agreement()
    services.renew(old)
    db.session.commit()
    with pytest.raises(services.AgreementError):
        services.renew(old)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Agreement)) == 2


def test_the_database_allows_only_one_renewal_per_term(app):
    old = make_agreement()
    services.renew(old)
    db.session.commit()
    db.session.add(
        Agreement(
            partner=old.partner,
            kind=MEMORANDUM,
            title="second",
            starts_on=date(2027, 1, 1),
            ends_on=date(2029, 12, 31),
            renews_id=old.id,
        )
    )
    with pytest.raises(sa.exc.IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_ending_a_partnership_records_the_reason(app):
    agreement = make_agreement()
    services.end_partnership(agreement.partner, on=date(2025, 6, 30), reason="Council decision")
    db.session.commit()
    assert agreement.status(date(2025, 7, 1)) == ENDED
    assert agreement.end_reason == "Council decision"


def test_ending_without_a_reason_is_refused(app):
    agreement = make_agreement()
    with pytest.raises(services.AgreementError):
        services.end_agreement(agreement, on=date(2025, 6, 30), reason="  ")
    assert agreement.ended_on is None


def test_an_ended_agreement_cannot_be_renewed(app):
    agreement = make_agreement()
    services.end_agreement(agreement, on=date(2025, 6, 30), reason="Ended")
    with pytest.raises(services.AgreementError):
        services.renew(agreement)


def test_the_chain_runs_from_the_first_term_to_the_last(app):
    first = make_agreement(starts_on=date(2018, 1, 1))
    second = services.renew(first)
    third = services.renew(second)
    db.session.commit()
    assert services.chain(second) == [first, second, third]


def test_decisions_due_lists_a_decision_within_180_days_and_not_one_further_away(app):
    today = date(2026, 1, 1)
    soon = make_agreement(starts_on=date(2023, 9, 1))  # ends 2026-08-31, decides 2026-05-03
    later = make_agreement(starts_on=date(2024, 1, 1))  # ends 2026-12-31, decides 2026-09-02
    due = [a.agreement for a in services.decisions_due(today, within_days=180)]
    assert soon in due
    assert later not in due


def test_decisions_due_leaves_out_renewed_terms(app):
    old = make_agreement(starts_on=date(2023, 9, 1))
    new = services.renew(old, signed_on=date(2026, 5, 1))
    db.session.commit()
    due = [a.agreement for a in services.decisions_due(date(2026, 6, 1))]
    assert old not in due and new not in due
    assert old.status(date(2026, 6, 1)) == ACTIVE  # renewed: no decision is due any more
    assert new.status(date(2029, 6, 1)) == DECISION_DUE


def test_expired_agreements_lists_a_term_that_ran_out_unrenewed(app):
    gone = make_agreement(starts_on=date(2020, 1, 1))
    renewed = make_agreement(starts_on=date(2020, 1, 1))
    services.renew(renewed)
    db.session.commit()
    expired = services.expired_agreements(date(2024, 1, 1))
    assert gone in expired
    assert renewed not in expired


def test_a_non_pdf_upload_is_refused(app):
    with pytest.raises(services.AgreementError):
        documents.check_document("agreement.pdf", b"<html>not a pdf</html>", 1000)


def test_a_too_large_pdf_is_refused(app):
    with pytest.raises(services.AgreementError):
        documents.check_document("agreement.pdf", b"%PDF-1.7\n" + b"0" * 2000, 1000)


def test_ending_a_partnership_also_ends_a_signed_term_that_has_not_started(app):
    old = make_agreement(starts_on=date(2024, 1, 1))
    future = services.renew(old, signed_on=date(2026, 6, 1))
    services.end_partnership(old.partner, on=date(2026, 8, 1), reason="Cooperation paused")
    db.session.commit()
    assert future.ended_on == future.starts_on
    assert future.status(date(2027, 6, 1)) == ENDED


def test_decision_deadlines_lists_current_terms_deciding_in_the_window(app):
    inside = make_agreement(starts_on=date(2024, 1, 1))  # decides 2026-09-02
    outside = make_agreement(starts_on=date(2025, 1, 1))  # decides 2027-09-02
    draft = make_agreement(starts_on=date(2024, 1, 1), signed_on=None)
    renewed = make_agreement(starts_on=date(2024, 1, 1))
    services.renew(renewed)
    db.session.commit()
    found = services.decision_deadlines(date(2026, 9, 1), date(2026, 10, 1))
    assert found == [inside]
    assert outside not in found and draft not in found and renewed not in found
    assert services.decision_deadlines(date(2026, 9, 3), date(2026, 10, 1)) == []


def test_a_replaced_document_stays_until_the_replacement_commits(app):
    agreement = make_agreement()
    pdf = b"%PDF-1.4\n%%EOF\n"
    documents.attach_document(agreement, "first.pdf", pdf, 1000)
    db.session.commit()
    first = documents.document_path(agreement)
    documents.attach_document(agreement, "second.pdf", pdf, 1000)
    db.session.rollback()
    assert first.is_file()
    documents.attach_document(agreement, "third.pdf", pdf, 1000)
    db.session.commit()
    assert not first.is_file()
    assert documents.document_path(agreement).is_file()
