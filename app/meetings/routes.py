"""Public meeting pages: the list of coming meetings and the page of each series or meeting."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from markupsafe import Markup
from sqlalchemy.orm import selectinload

from app.calendar import version
from app.documents import pdf_download
from app.domain import DomainError
from app.extensions import db
from app.feeds.events import CalEvent
from app.formfields import show_error
from app.i18n import current_language, explicit_language, localized
from app.meetings import display, documents
from app.meetings.calendar import (
    invitation_calevent,
    meeting_calevent,
    occurrence_calevents,
    series_calevents,
)
from app.meetings.forms import ReplyForm
from app.meetings.links import occurrence_uid
from app.meetings.models import Meeting, MeetingSeries, OccurrenceChange, SeriesHost
from app.meetings.occurrences import (
    HORIZON_YEARS,
    SeriesOccurrence,
    UpcomingOccurrence,
    find_occurrence,
    listed_occurrences,
    planned_through,
    upcoming_occurrences,
)
from app.meetings.recurrence import CANCELLED, SKIPPED, parse_key
from app.meetings.replies import (
    BAD_LINK,
    STARTED,
    ReplyLinkError,
    ReplyTarget,
    open_reply,
    record_reply,
)
from app.meetings.rotation_view import rotation_picture
from app.partners.services import home_partner, home_timezone
from app.subscribe import ics_download
from app.timeutil import utcnow

bp = Blueprint("meetings", __name__, url_prefix="/meetings")


@bp.app_context_processor
def _meeting_helpers() -> dict:
    return {
        "meeting_time": display,
        "meeting_statuses": _status_labels,
        "occurrence_url": occurrence_url,
        "planned_through": planned_through,
    }


def occurrence_url(occurrence: UpcomingOccurrence) -> str:
    """Return the page of an occurrence, keeping the page's chosen language."""
    anchor = f"o{occurrence.key}" if occurrence.is_series else None
    return url_for("meetings.detail", public_id=occurrence.item.public_id, _anchor=anchor)


def _status_labels() -> dict:
    return {
        "confirmed": "",
        "moved": _("Moved"),
        "cancelled": _("Cancelled"),
        "skipped": _("Skipped"),
    }


def _item_by_public_id(public_id: str) -> MeetingSeries | Meeting:
    prefix, number = public_id[:1], public_id[1:]
    if prefix not in ("s", "m") or not (number.isascii() and number.isdigit()) or len(number) > 9:
        abort(404)
    if prefix == "s":
        item = db.session.scalar(
            sa.select(MeetingSeries)
            .where(MeetingSeries.id == int(number))
            .options(
                selectinload(MeetingSeries.hosts).joinedload(SeriesHost.partner),
                selectinload(MeetingSeries.changes).joinedload(OccurrenceChange.host),
            )
        )
    else:
        item = db.session.get(Meeting, int(number))
    if item is None or not item.published:
        abort(404)
    return item


LISTED = 50  # coming meetings on /meetings/


@bp.get("/")
def index():
    return render_template(
        "meetings/index.html", coming=coming_meetings("meetings/_coming.html", LISTED)
    )


def coming_meetings(template: str, limit: int) -> Markup:
    """Return the list of the next `limit` meetings rendered with `template`.

    Rendered once per data version, language and minute (`version.kept_html`): every word
    of it comes from the meetings, their hosts and the home city; a meeting leaves it
    within a minute of its end.
    """
    now = utcnow().replace(second=0, microsecond=0)

    def render() -> str:
        home = home_partner()
        return render_template(
            template,
            occurrences=upcoming_occurrences(now, limit=limit),
            home=home,
            home_zone=home_timezone(home),
        )

    return version.kept_html("coming-meetings", (template, limit, now), render)


@bp.get("/<public_id>")
def detail(public_id: str):
    item = _item_by_public_id(public_id)
    home = home_partner()
    context = {"item": item, "home": home, "home_zone": home_timezone(home)}
    if isinstance(item, MeetingSeries):
        now = utcnow()
        context["occurrences"] = listed_occurrences(item, now)
        context["now"] = now
        context["occurrence_events"] = _coming_events(item, context["occurrences"], now)
        context["extras"] = documents.public_extras(item)
        context["rotation"] = rotation_picture(item, context["occurrences"], now)
        return render_template("meetings/series.html", series=item, **context)
    context["event"] = meeting_calevent(item, lang=current_language())
    return render_template("meetings/meeting.html", meeting=item, **context)


def _coming_events(
    series: MeetingSeries, listed: list[SeriesOccurrence], now: datetime
) -> dict[str, CalEvent]:
    """Return the calendar event of each listed occurrence to come (not called off), by key."""
    coming = [o for o in listed if o.end > now and o.status not in (CANCELLED, SKIPPED)]
    if not coming:
        return {}
    through = max(o.start for o in coming).date() + timedelta(days=2)
    events = occurrence_calevents(series, lang=current_language(), since=now, through=through)
    by_uid = {e.uid: e for e in events}
    found = {o.key: by_uid.get(occurrence_uid(series, o.key)) for o in coming}
    return {key: event for key, event in found.items() if event is not None}


@bp.get("/<public_id>.ics")
def download(public_id: str):
    """Answer with a one-off meeting, or a whole series, as an .ics file."""
    item = _item_by_public_id(public_id)
    lang = current_language()
    if isinstance(item, MeetingSeries):
        events = series_calevents(item, lang=lang)
    else:
        events = [meeting_calevent(item, lang=lang)]
    title = localized(item, "title", lang)
    return ics_download(events, name=title, filename=item.public_id)


@bp.get("/<public_id>/<key>.ics")
def occurrence_download(public_id: str, key: str):
    """Answer with one occurrence of a series as an .ics file, under the feeds' own UID."""
    item = _item_by_public_id(public_id)
    original = parse_key(key)
    if not isinstance(item, MeetingSeries) or original is None:
        abort(404)
    # No occurrence lies beyond the horizon pages show; and far years would take long.
    year = max(utcnow().year, item.first_date.year)
    if original.date() > (planned_through(item) or date(year + HORIZON_YEARS, 12, 31)):
        abort(404)
    occurrence = find_occurrence(item, key)
    if occurrence is None:
        abort(404)
    # The event the feeds give this meeting, without attendees (see invitation_calevent).
    found = [invitation_calevent(occurrence, lang=current_language())]
    title = localized(item, "title", current_language())
    return ics_download(found, name=title, filename=f"{item.public_id}-{occurrence.key}")


@bp.get("/<public_id>/documents/<int:document_id>")
def document(public_id: str, document_id: int):
    """Answer with a document of an occurrence marked public, of a published series."""
    item = _item_by_public_id(public_id)
    found = (
        documents.public_document(item, document_id) if isinstance(item, MeetingSeries) else None
    )
    if found is None:
        abort(404)
    return pdf_download(documents.document_path(found), found.name, public=True)


# --- a delegate's reply links --------------------------------------------------------------

LINK_STATUS = {BAD_LINK: 404, STARTED: 409}  # removed, called off: 410


def _reply_link_error(error: ReplyLinkError):
    language = explicit_language() or error.language or current_language()
    with force_locale(language):
        status = LINK_STATUS.get(error.code, 410)
        html = render_template(
            "meetings/reply_error.html", message=error.message, view=error.view, code=error.code
        )
        return html, status


def _reply_page(token: str, target: ReplyTarget, form: ReplyForm, status: int = 200):
    with force_locale(explicit_language() or target.delegate.language):
        html = render_template(
            "meetings/reply.html",
            token=token,
            delegate=target.delegate,
            view=target.view,
            form=form,
            chosen=request.args.get("answer"),
            home_zone=home_timezone(),
        )
        return html, status


@bp.get("/replies/<token>")
def reply(token: str):
    """Show a delegate the meeting and their answer; only the buttons change anything."""
    try:
        target = open_reply(token)
    except ReplyLinkError as error:
        return _reply_link_error(error)
    return _reply_page(token, target, ReplyForm(formdata=None))


@bp.post("/replies/<token>")
def reply_send(token: str):
    try:
        target = open_reply(token, for_update=True)
    except ReplyLinkError as error:
        return _reply_link_error(error)
    form = ReplyForm()
    if form.validate_on_submit():
        try:
            record_reply(target, form.answer.data or "")
        except DomainError as error:
            with force_locale(explicit_language() or target.delegate.language):
                show_error(form, error)
        else:
            with force_locale(explicit_language() or target.delegate.language):
                flash(_("Thank you: your answer is saved."), "success")
            return redirect(url_for(".reply", token=token))
    return _reply_page(token, target, form, 422)
