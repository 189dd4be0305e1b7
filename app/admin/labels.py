"""The audit log in the reader's language: kinds of record, changes, fields and values.

An entry stores field keys and plain values (app/audit.py); this module turns them into
words when the page is shown: each field's label, codes (statuses, kinds) as words,
dates in the language's one style, moments in the home zone. A kind of record or a field
without a label here is shown by its name (the test lists every audited column).
"""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from app.agreements import labels as agreement_labels
from app.audit import CREATE, DELETE, UPDATE, AuditEntry
from app.auth.accounts import ROLE_LABELS
from app.exchanges import display as exchange_labels
from app.extensions import db
from app.grants import labels as grant_labels
from app.i18n import show_date, show_moment
from app.partners import labels as partner_labels
from app.timeutil import UTCDateTime

OBJECT_LABELS: dict[str, object] = {
    "Agreement": _l("Agreement"),
    "Partner": _l("Partner"),
    "Project": _l("Project"),
    "Contact": _l("Contact"),
    "Coordinator": _l("Coordinator"),
    "Grant": _l("Grant"),
    "GrantObligation": _l("Grant obligation"),
    "MeetingSeries": _l("Series of meetings"),
    "Meeting": _l("Meeting"),
    "OccurrenceChange": _l("Change to an occurrence"),
    "OccurrenceDetail": _l("Occurrence agenda"),
    "OccurrenceDocument": _l("Occurrence document"),
    "Delegate": _l("Delegate"),
    "StandingDelegate": _l("Standing delegate"),
    "Exchange": _l("Exchange"),
    "Signup": _l("Sign-up"),
    "FeedToken": _l("Private calendar feed"),
    "ReminderRule": _l("Reminder rule"),
    "PersonalData": _l("Personal data"),
    "RetentionRule": _l("Disposal rule"),
}

ACTION_LABELS: dict[str, object] = {
    CREATE: _l("Created"),
    UPDATE: _l("Changed"),
    DELETE: _l("Deleted"),
    "mail": _l("Mail sent"),
    "export": _l("Exported"),
}

# Field keys of the audited records (the same key means the same thing in each).
FIELD_LABELS: dict[str, object] = {
    "id": _l("Number"),
    "active": _l("Account active"),
    "age_max": _l("Highest age"),
    "age_min": _l("Lowest age"),
    "agenda": _l("Agenda"),
    "agenda_public": _l("Agenda public"),
    "amount": _l("Amount"),
    "by_setpos": _l("Week of the month"),
    "by_weekday": _l("Weekday"),
    "cancel_reason": _l("Reason for cancelling"),
    "cancel_reason_en": _l("Reason for cancelling (English)"),
    "cancelled": _l("Cancelled"),
    "cancelled_at": _l("Cancelled at"),
    "cancelled_by_office": _l("Cancelled by the office"),
    "cap_per_school": _l("Most places per school"),
    "changed": _l("Changed fields"),
    "city": _l("City"),
    "contact_email": _l("Contact e-mail"),
    "contact_name": _l("Contact person"),
    "count": _l("Number of meetings"),
    "country": _l("Country code"),
    "created_at": _l("Created"),
    "created_by_id": _l("Created by"),
    "dates": _l("Dates"),
    "currency": _l("Currency"),
    "decision_lead_days": _l("Decision lead time (days)"),
    "description_en": _l("Description (English)"),
    "description_sv": _l("Description (Swedish)"),
    "direction": _l("Direction"),
    "document_file": _l("Stored file"),
    "document_name": _l("Signed document"),
    "document_size": _l("Document size (bytes)"),
    "done_on": _l("Done on"),
    "due_on": _l("Due on"),
    "duration_minutes": _l("Length (minutes)"),
    "email": _l("E-mail"),
    "erased_at": _l("Personal data erased"),
    "months": _l("Months"),
    # What an erasure on request took away (the counts of its audit entry).
    "signups": _l("Sign-ups"),
    "delegates": _l("Delegates"),
    "removed": _l("Delegates taken off coming meetings"),
    "schools": _l("Schools' addresses"),
    "standing_delegates": _l("Standing delegates"),
    "partner_contacts": _l("Partners' contacts"),
    "mails": _l("Mails"),
    "reminders": _l("Reminders"),
    "audit_entries": _l("Audit log entries"),
    "enabled": _l("On"),
    "end_reason": _l("Reason for ending"),
    "ended_on": _l("Ended on"),
    "ends_at": _l("Ends"),
    "ends_on": _l("Ends on"),
    "ends_year": _l("Last year"),
    "exchange_id": _l("Exchange"),
    "file": _l("Stored file"),
    "first_date": _l("First meeting"),
    "freq": _l("Repeats every"),
    "funding": _l("Funding"),
    "grant_id": _l("Grant"),
    "hint": _l("Hint"),
    "host_id": _l("Host"),
    "hosts": _l("Host rotation"),
    "in_host_timezone": _l("In the host city's time zone"),
    "incoming_pupils": _l("Visiting pupils"),
    "interval": _l("Interval"),
    "invited_sequence": _l("Invitation version"),
    "key": _l("Rule"),
    "kind": _l("Kind"),
    "label": _l("Name"),
    "language": _l("Language"),
    "last_login_at": _l("Last logged in"),
    "meeting_id": _l("Meeting"),
    "member_count": _l("Number of members (networks)"),
    "member_countries": _l("Number of member countries (networks)"),
    "membership_en": _l("Membership (English)"),
    "membership_sv": _l("Membership (Swedish)"),
    "must_change_password": _l("Must choose a new password at the next login"),
    "name": _l("Name"),
    "new_date": _l("New date"),
    "new_time": _l("New time"),
    "new_timezone": _l("New time zone"),
    "note": _l("Note"),
    "notes": _l("Notes"),
    "offer_expires_at": _l("Offer lapses"),
    "offer_hours": _l("Hours to answer an offer"),
    "offsets": _l("When"),
    "organisation": _l("Organisation"),
    "original_start": _l("Original start"),
    "other_names": _l("Other names"),
    "partner": _l("Partner"),
    "partner_id": _l("Partner"),
    "phone": _l("Phone"),
    "places": _l("Places"),
    "position": _l("Position"),
    "practical": _l("Practical information"),
    "practical_en": _l("Practical information (English)"),
    "practical_sv": _l("Practical information (Swedish)"),
    "programme": _l("Programme"),
    "programme_en": _l("Programme (English)"),
    "programme_sv": _l("Programme (Swedish)"),
    "project_id": _l("Project"),
    "public": _l("Public"),
    "published": _l("Published"),
    "pupils": _l("Pupils"),
    "queued_at": _l("Signed up"),
    "reason": _l("Reason"),
    "reason_en": _l("Reason (English)"),
    "recipients": _l("Recipients"),
    "reference": _l("Reference"),
    "region_en": _l("Region (English)"),
    "region_sv": _l("Region (Swedish)"),
    "renewed_by_id": _l("Renewed by"),
    "renews_id": _l("Renews"),
    "replied_at": _l("Replied at"),
    "reply": _l("Reply"),
    "reply_nonce": _l("Reply link version"),
    "revoked_at": _l("Revoked at"),
    "role": _l("Role"),
    "role_en": _l("Role (English)"),
    "role_sv": _l("Role (Swedish)"),
    "school_id": _l("School"),
    "school_year_max": _l("Highest school year"),
    "school_year_min": _l("Lowest school year"),
    "sequence": _l("Calendar version"),
    "session_version": _l("Session version"),
    "series_id": _l("Series of meetings"),
    "signatories": _l("Signatories"),
    "signed_on": _l("Signed on"),
    "signup_closes_at": _l("Sign-up closes"),
    "signup_opens_at": _l("Sign-up opens"),
    "since_approximate": _l("The year is approximate"),
    "since_year": _l("Partner since (year)"),
    "size": _l("Size (bytes)"),
    "skipped": _l("Skipped"),
    "slug": _l("Address name"),
    "start_time": _l("Start time"),
    "starts_at": _l("Starts"),
    "starts_on": _l("Starts on"),
    "starts_year": _l("First year"),
    "status": _l("Status"),
    "swap_reason": _l("Reason for the swap"),
    "swap_reason_en": _l("Reason for the swap (English)"),
    "swap_with": _l("Swapped with"),
    "teachers": _l("Teachers"),
    "timezone": _l("Time zone"),
    "title": _l("Title"),
    "title_en": _l("Title (English)"),
    "title_sv": _l("Title (Swedish)"),
    "token_nonce": _l("Link version"),
    "until_date": _l("Last meeting"),
    "updated_at": _l("Changed"),
    "updated_by_id": _l("Changed by"),
    "venue": _l("Venue"),
}

# Not worth a reader's time: bookkeeping every change moves.
HIDDEN_FIELDS = frozenset({"id", "created_at", "updated_at", "sequence"})

REPLY_LABELS = {"accepted": _l("Accepted"), "declined": _l("Declined")}

# Codes shown as words: by field key (any record), or by (record, field) where a key means
# different things in different records, and by the kind named with `audit.code(...)`.
CODE_LABELS: dict[str, dict] = {
    "agreement_kind": agreement_labels.KIND_LABELS,
    "agreement_status": agreement_labels.STATUS_LABELS,
    "partner_kind": partner_labels.KIND_LABELS,
    "obligation_kind": grant_labels.KIND_LABELS,
    "exchange_status": exchange_labels.STATUS_LABELS,
    "direction": exchange_labels.DIRECTION_LABELS,
    "school_kind": exchange_labels.SCHOOL_KIND_LABELS,
    "signup_status": exchange_labels.SIGNUP_STATUS_LABELS,
    "reply": REPLY_LABELS,
    "role": ROLE_LABELS,
}
FIELD_CODES: dict[tuple[str, str], str] = {
    ("Agreement", "kind"): "agreement_kind",
    ("Agreement", "status"): "agreement_status",
    ("Partner", "kind"): "partner_kind",
    ("GrantObligation", "kind"): "obligation_kind",
    ("Exchange", "status"): "exchange_status",
    ("Exchange", "direction"): "direction",
    ("Signup", "status"): "signup_status",
    ("Delegate", "reply"): "reply",
    ("Coordinator", "role"): "role",
}


def object_label(object_type: str) -> str:
    return str(OBJECT_LABELS.get(object_type, object_type))


def field_label(name: str) -> str:
    return str(FIELD_LABELS.get(name, name))


def _column_type(object_type: str, name: str) -> object | None:
    mapper = next((m for m in db.Model.registry.mappers if m.class_.__name__ == object_type), None)
    if mapper is None or name not in mapper.columns:
        return None
    return mapper.columns[name].type


PARTNER_FIELDS = frozenset({"partner_id", "host_id"})


def partner_names(entries: list[AuditEntry]) -> dict[int, str]:
    """Return the names of the partners the entries' values refer to (one query)."""
    from app.partners.models import Partner

    ids = {
        value
        for entry in entries
        for values in (entry.before_values, entry.after_values)
        for name, value in values.items()
        if name in PARTNER_FIELDS and isinstance(value, int)
    }
    if not ids:
        return {}
    rows = db.session.execute(sa.select(Partner.id, Partner.name).where(Partner.id.in_(ids)))
    return dict(rows.all())


def show_value(
    entry: AuditEntry, name: str, value: object, zone: str, partners: dict[int, str] | None = None
) -> str:
    """Return a stored value as words: yes/no, a date, a local time, a code's label."""
    if value is None or value == "":
        return "–"
    if name in PARTNER_FIELDS and partners and value in partners:
        return f"{partners[value]} ({value})"
    code = FIELD_CODES.get((entry.object_type, name))
    if code is not None and isinstance(value, str):
        return str(CODE_LABELS[code].get(value, value))
    kind = _column_type(entry.object_type, name)
    try:
        if isinstance(value, bool) or isinstance(kind, sa.Boolean):
            return gettext("Yes") if value else gettext("No")
        if isinstance(kind, UTCDateTime) and isinstance(value, str):
            return show_moment(datetime.fromisoformat(value), zone)
        if isinstance(kind, sa.Date) and isinstance(value, str):
            return show_date(date.fromisoformat(value))
    except ValueError:
        pass
    if isinstance(value, list):
        words = (field_label(v) if name == "changed" else str(v) for v in value)
        return ", ".join(words)
    return str(value)


def _message_value(value: object, zone: str) -> object:
    if not isinstance(value, dict):
        return value
    if "code" in value:
        return str(CODE_LABELS.get(value["code"], {}).get(value["value"], value["value"]))
    if "date" in value:
        return show_date(date.fromisoformat(value["date"]))
    if "moment" in value:
        return show_moment(datetime.fromisoformat(value["moment"]), zone)
    return str(value)


def summary(entry: AuditEntry, zone: str) -> str:
    """Return what happened in the reader's language (older entries: as they were stored)."""
    parts = entry.message_parts
    if parts is None:
        return entry.summary
    msgid, values = parts
    return gettext(msgid, **{k: _message_value(v, zone) for k, v in values.items()})


def changes(
    entry: AuditEntry, zone: str, partners: dict[int, str] | None = None
) -> list[tuple[str, str | None, str | None]]:
    """Return each changed field as (label, before, after) in words; None where absent.

    A new or deleted record shows only its filled-in fields.
    """
    before, after = entry.before_values, entry.after_values
    rows = []
    for name in entry.changed_fields:
        if name in HIDDEN_FIELDS:
            continue
        old = show_value(entry, name, before[name], zone, partners) if name in before else None
        new = show_value(entry, name, after[name], zone, partners) if name in after else None
        if entry.action != UPDATE and (old or "–") == "–" and (new or "–") == "–":
            continue
        rows.append((field_label(name), old, new))
    return sorted(rows, key=lambda row: row[0].casefold())
