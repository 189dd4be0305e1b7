"""Meetings pages: the public list and pages, and the coordinators' workspace."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from sqlalchemy.orm import selectinload

from app.auth.permissions import require_coordinator, safe_local_target
from app.dbutil import begin_write_transaction, lock_for_update
from app.extensions import db
from app.meetings import display, services
from app.meetings.forms import (
    CancelForm,
    ConfirmForm,
    DelegateForm,
    MeetingCancelForm,
    MeetingForm,
    MoveForm,
    SeriesForm,
    SwapForm,
    choices,
)
from app.meetings.invitations import invite_delegates
from app.meetings.models import Delegate, Meeting, MeetingSeries, OccurrenceChange, SeriesHost
from app.meetings.occurrences import (
    SeriesOccurrence,
    UpcomingOccurrence,
    find_occurrence,
    listed_occurrences,
    series_occurrences,
    upcoming_occurrences,
)
from app.partners.models import Partner
from app.partners.services import home_partner, home_timezone
from app.timeutil import timezone_choices, to_local, utcnow

bp = Blueprint("meetings", __name__, url_prefix="/meetings")
admin_bp = require_coordinator(Blueprint("meetings_admin", __name__, url_prefix="/admin/meetings"))

UPCOMING_CHOICES = 20  # meetings offered in the lists of the move, cancel and swap forms

# Every blueprint of this area; create_app registers them all.
blueprints: list[Blueprint] = [bp, admin_bp]


@bp.app_context_processor
def _meeting_helpers() -> dict:
    return {
        "meeting_time": display,
        "meeting_statuses": _status_labels,
        "occurrence_url": occurrence_url,
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


def _item_by_public_id(public_id: str, include_unpublished: bool) -> MeetingSeries | Meeting:
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
    if item is None or not (item.published or include_unpublished):
        abort(404)
    return item


# --- public -----------------------------------------------------------------------------


@bp.get("/")
def index():
    home = home_partner()
    occurrences = upcoming_occurrences(utcnow(), limit=50)
    return render_template(
        "meetings/index.html",
        occurrences=occurrences,
        home=home,
        home_zone=home_timezone(home),
    )


@bp.get("/<public_id>")
def detail(public_id: str):
    item = _item_by_public_id(public_id, include_unpublished=False)
    home = home_partner()
    context = {"item": item, "home": home, "home_zone": home_timezone(home)}
    if isinstance(item, MeetingSeries):
        now = utcnow()
        context["occurrences"] = listed_occurrences(item, now)
        context["now"] = now
        return render_template("meetings/series.html", series=item, **context)
    return render_template("meetings/meeting.html", meeting=item, **context)


# --- coordinators -----------------------------------------------------------------------


def _partner_choices() -> list[tuple[str, str]]:
    partners = db.session.scalars(sa.select(Partner).order_by(Partner.name)).all()
    return [(str(p.id), p.name) for p in partners]


def _attach(form: FlaskForm, error: services.MeetingError) -> None:
    """Show a service's complaint beside the field it concerns."""
    target = getattr(form, error.field, None)
    if target is None or not hasattr(target, "errors"):
        target = next(f for f in form if f.name != "csrf_token")
    if isinstance(target.errors, tuple):
        target.errors = list(target.errors)
    target.errors.append(error.message)


def _invalid(template: str, **context: object):
    db.session.rollback()
    return render_template(template, **context), 422


@admin_bp.get("/")
def admin_index():
    series = db.session.scalars(sa.select(MeetingSeries).order_by(MeetingSeries.id)).all()
    meetings = db.session.scalars(sa.select(Meeting).order_by(Meeting.starts_at.desc())).all()
    return render_template(
        "meetings/admin/index.html", series=series, meetings=meetings, confirm=ConfirmForm()
    )


def _series_form_data(form: SeriesForm) -> dict:
    return {
        name: getattr(form, name).data
        for name in (
            "title_sv",
            "title_en",
            "description_sv",
            "description_en",
            "freq",
            "interval",
            "first_date",
            "until_date",
            "count",
            "start_time",
            "duration_minutes",
            "timezone",
            "in_host_timezone",
            "venue",
            "published",
        )
    }


def _series_form_page(form: SeriesForm, series: MeetingSeries | None, status: int = 200):
    html = render_template(
        "meetings/admin/series_form.html",
        form=form,
        series=series,
        zones=timezone_choices(),
    )
    return html, status


@admin_bp.route("/series/new", methods=["GET", "POST"])
def series_new():
    form = SeriesForm()
    if request.method == "GET":
        form.interval.data = form.interval.data or 2
        form.freq.data = "years"
        form.in_host_timezone.data = True
        form.duration_minutes.data = 6 * 60
    form.set_partner_choices(_partner_choices())
    if form.validate_on_submit():
        try:
            series = services.create_series(host_ids=form.host_ids(), **_series_form_data(form))
        except services.MeetingError as error:
            _attach(form, error)
        else:
            db.session.commit()
            flash(_("The meeting series was saved."), "success")
            return redirect(url_for(".series_admin", series_id=series.id))
    if request.method == "POST":
        db.session.rollback()
        return _series_form_page(form, None, 422)
    return _series_form_page(form, None)


def _series_or_404(series_id: int) -> MeetingSeries:
    return db.get_or_404(MeetingSeries, series_id)


@admin_bp.route("/series/<int:series_id>/edit", methods=["GET", "POST"])
def series_edit(series_id: int):
    series = _series_or_404(series_id)
    form = SeriesForm(obj=series if request.method == "GET" else None)
    form.set_partner_choices(_partner_choices())
    if request.method == "GET":
        for entry, host in zip(form.hosts, series.hosts, strict=False):
            entry.data = str(host.partner_id)
    if form.validate_on_submit():
        try:
            services.update_series(series, host_ids=form.host_ids(), **_series_form_data(form))
        except services.MeetingError as error:
            _attach(form, error)
        else:
            db.session.commit()
            flash(_("The meeting series was saved."), "success")
            return redirect(url_for(".series_admin", series_id=series.id))
    if request.method == "POST":
        db.session.rollback()
        return _series_form_page(form, series, 422)
    return _series_form_page(form, series)


@admin_bp.get("/series/<int:series_id>")
def series_admin(series_id: int):
    series = _series_or_404(series_id)
    now = utcnow()
    occurrences = listed_occurrences(series, now)
    return render_template(
        "meetings/admin/series.html",
        series=series,
        occurrences=occurrences,
        confirm=ConfirmForm(),
        now=now,
    )


def _occurrence_label(occ: SeriesOccurrence) -> str:
    host = occ.host.name if occ.host is not None else "–"
    return f"{display.when(occ.start, occ.timezone)} ({occ.timezone}), {host}"


def _occurrence_choices(series: MeetingSeries, *wanted: str | None) -> list[tuple[str, str]]:
    """Return the next meetings of a series, plus any other real one asked for by key."""
    now = utcnow()
    found = []
    for occ in series_occurrences(series):
        if occ.end > now and len(found) < UPCOMING_CHOICES:
            found.append((occ.key, _occurrence_label(occ)))
    keys = {key for key, _label in found}
    for key in wanted:
        # A meeting further ahead (or past) than the list reaches must not be swapped
        # silently for the first one on the list.
        if key and key not in keys:
            occ = find_occurrence(series, key)
            if occ is not None:
                found.append((occ.key, _occurrence_label(occ)))
                keys.add(occ.key)
    return found


def _wanted_keys(*names: str) -> list[str | None]:
    return [request.values.get(name) for name in names]


def _lock_series(series_id: int) -> MeetingSeries:
    """Take the series for writing, so two coordinators' changes cannot collide."""
    begin_write_transaction()
    series = lock_for_update(MeetingSeries, series_id)
    if series is None:
        abort(404)
    return series


def _occurrence_page(template: str, series: MeetingSeries, form: FlaskForm, status: int = 200):
    return (
        render_template(template, series=series, form=form, zones=timezone_choices()),
        status,
    )


def _occurrence_action(series: MeetingSeries, form: FlaskForm, template: str, act, done: str):
    """Show an occurrence form; on a valid POST run `act`, commit, flash `done`, go back."""
    if request.method == "GET":
        form.occurrence.data = request.args.get("occurrence")
    if form.validate_on_submit():
        try:
            act()
        except services.MeetingError as error:
            _attach(form, error)
        else:
            db.session.commit()
            flash(done, "success")
            return redirect(url_for(".series_admin", series_id=series.id))
    if request.method == "POST":
        db.session.rollback()
        return _occurrence_page(template, series, form, 422)
    return _occurrence_page(template, series, form)


def _series_for(series_id: int) -> MeetingSeries:
    return _lock_series(series_id) if request.method == "POST" else _series_or_404(series_id)


@admin_bp.route("/series/<int:series_id>/move", methods=["GET", "POST"])
def occurrence_move(series_id: int):
    series = _series_for(series_id)
    form = MoveForm()
    form.occurrence.choices = choices(_occurrence_choices(series, *_wanted_keys("occurrence")))
    form.host.choices = choices([("", _("Unchanged")), *_partner_choices()])

    def move() -> None:
        raw_host = str(form.host.data or "")
        host = None
        if raw_host.isascii() and raw_host.isdigit() and len(raw_host) < 10:
            host = db.session.get(Partner, int(raw_host))
        services.move_occurrence(
            series,
            form.occurrence.data,
            new_date=form.new_date.data,
            new_time=form.new_time.data,
            new_timezone=form.new_timezone.data,
            venue=form.venue.data,
            host=host,
            reason=form.reason.data or "",
        )

    return _occurrence_action(
        series, form, "meetings/admin/move.html", move, _("The meeting was moved.")
    )


@admin_bp.route("/series/<int:series_id>/cancel", methods=["GET", "POST"])
def occurrence_cancel(series_id: int):
    series = _series_for(series_id)
    form = CancelForm()
    form.occurrence.choices = choices(_occurrence_choices(series, *_wanted_keys("occurrence")))
    return _occurrence_action(
        series,
        form,
        "meetings/admin/cancel.html",
        lambda: services.cancel_occurrence(
            series, form.occurrence.data, reason=form.reason.data or "", skip=form.skip.data
        ),
        _("The meeting was cancelled."),
    )


@admin_bp.route("/series/<int:series_id>/swap", methods=["GET", "POST"])
def occurrence_swap(series_id: int):
    series = _series_for(series_id)
    form = SwapForm()
    both = _occurrence_choices(series, *_wanted_keys("occurrence", "other"))
    form.occurrence.choices = choices(both)
    form.other.choices = choices(both)
    return _occurrence_action(
        series,
        form,
        "meetings/admin/swap.html",
        lambda: services.swap_hosts(
            series, form.occurrence.data, form.other.data, reason=form.reason.data or ""
        ),
        _("The hosts were swapped."),
    )


@admin_bp.post("/series/<int:series_id>/restore/<key>")
def occurrence_restore(series_id: int, key: str):
    series = _lock_series(series_id)
    if ConfirmForm().validate_on_submit():
        services.restore_occurrence(series, key)
        db.session.commit()
        flash(_("The meeting is back as planned."), "success")
    return redirect(url_for(".series_admin", series_id=series.id))


def _publish(item: MeetingSeries | Meeting):
    if ConfirmForm().validate_on_submit():
        published = request.form.get("published") == "1"
        services.set_published(item, published)
        db.session.commit()
        flash(_("Published.") if published else _("No longer published."), "success")
    return redirect(safe_local_target(request.form.get("next")) or url_for(".admin_index"))


@admin_bp.post("/series/<int:series_id>/publish")
def series_publish(series_id: int):
    return _publish(_series_or_404(series_id))


# --- one-off meetings -------------------------------------------------------------------


def _meeting_form_data(form: MeetingForm) -> dict:
    return {
        name: getattr(form, name).data
        for name in (
            "title_sv",
            "title_en",
            "partner_id",
            "venue",
            "agenda",
            "timezone",
            "start_date",
            "start_time",
            "end_date",
            "end_time",
            "published",
        )
    }


def _meeting_form_page(form: MeetingForm, meeting: Meeting | None, status: int = 200):
    html = render_template(
        "meetings/admin/meeting_form.html", form=form, meeting=meeting, zones=timezone_choices()
    )
    return html, status


@admin_bp.route("/new", methods=["GET", "POST"])
def meeting_new():
    form = MeetingForm()
    form.partner_id.choices = choices([("", "–"), *_partner_choices()])
    if form.validate_on_submit():
        try:
            meeting = services.create_meeting(**_meeting_form_data(form))
        except services.MeetingError as error:
            _attach(form, error)
        else:
            db.session.commit()
            flash(_("The meeting was saved."), "success")
            return redirect(url_for(".meeting_admin", meeting_id=meeting.id))
    if request.method == "POST":
        db.session.rollback()
        return _meeting_form_page(form, None, 422)
    return _meeting_form_page(form, None)


@admin_bp.route("/meeting/<int:meeting_id>/edit", methods=["GET", "POST"])
def meeting_edit(meeting_id: int):
    meeting = _lock_meeting(meeting_id) if request.method == "POST" else _meeting_or_404(meeting_id)
    if meeting.cancelled:
        db.session.rollback()
        flash(_("This meeting has been cancelled and can no longer be changed."), "error")
        return redirect(url_for(".meeting_admin", meeting_id=meeting_id))
    form = MeetingForm()
    form.partner_id.choices = choices([("", "–"), *_partner_choices()])
    if request.method == "GET":
        start = to_local(meeting.starts_at, meeting.timezone)
        end = to_local(meeting.ends_at, meeting.timezone)
        form.title_sv.data, form.title_en.data = meeting.title_sv, meeting.title_en
        form.partner_id.data = str(meeting.partner_id)
        form.venue.data, form.agenda.data = meeting.venue, meeting.agenda
        form.timezone.data = meeting.timezone
        form.start_date.data, form.start_time.data = start.date(), start.time()
        form.end_date.data, form.end_time.data = end.date(), end.time()
        form.published.data = meeting.published
    if form.validate_on_submit():
        sequence = meeting.sequence
        try:
            services.update_meeting(meeting, **_meeting_form_data(form))
        except services.MeetingError as error:
            _attach(form, error)
        else:
            updated = sum(
                1 for d in meeting.delegates if sequence != meeting.sequence == d.invited_sequence
            )
            db.session.commit()
            flash(_("The meeting was saved."), "success")
            if updated:
                flash(_("Updated invitations were sent to %(n)s delegates.", n=updated), "success")
            return redirect(url_for(".meeting_admin", meeting_id=meeting.id))
    if request.method == "POST":
        db.session.rollback()
        return _meeting_form_page(form, meeting, 422)
    return _meeting_form_page(form, meeting)


def _meeting_admin_page(meeting: Meeting, form: DelegateForm, status: int = 200):
    return (
        render_template(
            "meetings/admin/meeting.html", meeting=meeting, form=form, confirm=ConfirmForm()
        ),
        status,
    )


def _meeting_or_404(meeting_id: int) -> Meeting:
    return db.get_or_404(Meeting, meeting_id)


def _lock_meeting(meeting_id: int) -> Meeting:
    """Take a one-off meeting for writing, so two coordinators' changes cannot collide."""
    begin_write_transaction()
    meeting = lock_for_update(Meeting, meeting_id)
    if meeting is None:
        abort(404)
    return meeting


@admin_bp.get("/meeting/<int:meeting_id>")
def meeting_admin(meeting_id: int):
    return _meeting_admin_page(_meeting_or_404(meeting_id), DelegateForm())


@admin_bp.route("/meeting/<int:meeting_id>/cancel", methods=["GET", "POST"])
def meeting_cancel(meeting_id: int):
    meeting = _lock_meeting(meeting_id) if request.method == "POST" else _meeting_or_404(meeting_id)
    form = MeetingCancelForm()
    if request.method == "GET" and meeting.cancelled:
        flash(_("This meeting has already been cancelled."), "error")
        return redirect(url_for(".meeting_admin", meeting_id=meeting.id))
    if form.validate_on_submit():
        try:
            mails = services.cancel_meeting(meeting, reason=form.reason.data or "")
        except services.MeetingError as error:
            _attach(form, error)
        else:
            db.session.commit()
            flash(_("The meeting was cancelled."), "success")
            if mails:
                flash(_("Cancellations were sent to %(n)s delegates.", n=len(mails)), "success")
            return redirect(url_for(".meeting_admin", meeting_id=meeting.id))
    status = 200
    if request.method == "POST":
        db.session.rollback()
        status = 422
    html = render_template("meetings/admin/meeting_cancel.html", meeting=meeting, form=form)
    return html, status


@admin_bp.post("/meeting/<int:meeting_id>/delegates")
def delegate_add(meeting_id: int):
    begin_write_transaction()
    meeting = lock_for_update(Meeting, meeting_id) or abort(404)
    form = DelegateForm()
    if form.validate_on_submit():
        try:
            services.add_delegate(
                meeting,
                name=form.name.data,
                role=form.role.data,
                organisation=form.organisation.data,
                city=form.city.data,
                email=form.email.data,
                language=form.language.data,
            )
        except services.MeetingError as error:
            _attach(form, error)
        else:
            db.session.commit()
            flash(_("The delegate was added."), "success")
            return redirect(url_for(".meeting_admin", meeting_id=meeting.id))
    db.session.rollback()
    return _meeting_admin_page(meeting, form, 422)


@admin_bp.post("/meeting/<int:meeting_id>/delegates/<int:delegate_id>/delete")
def delegate_delete(meeting_id: int, delegate_id: int):
    _lock_meeting(meeting_id)
    delegate = db.get_or_404(Delegate, delegate_id)
    if delegate.meeting_id != meeting_id:
        abort(404)
    if ConfirmForm().validate_on_submit():
        mail = services.remove_delegate(delegate)
        db.session.commit()
        flash(_("The delegate was removed."), "success")
        if mail is not None:
            flash(_("A cancellation was sent to the delegate."), "success")
    return redirect(url_for(".meeting_admin", meeting_id=meeting_id))


@admin_bp.post("/meeting/<int:meeting_id>/invite")
def meeting_invite(meeting_id: int):
    meeting = _lock_meeting(meeting_id)
    if ConfirmForm().validate_on_submit():
        before = len(meeting.delegates)
        mails = invite_delegates(meeting)
        db.session.commit()
        if meeting.cancelled:
            flash(_("This meeting has been cancelled: nobody is invited."), "error")
        elif not before:
            flash(_("Add delegates first: nobody to invite."), "error")
        elif not mails:
            flash(_("Every delegate has already been invited."), "success")
        else:
            flash(_("Invitations queued for %(n)s delegates.", n=len(mails)), "success")
    return redirect(url_for(".meeting_admin", meeting_id=meeting.id))


@admin_bp.post("/meeting/<int:meeting_id>/publish")
def meeting_publish(meeting_id: int):
    return _publish(db.get_or_404(Meeting, meeting_id))
