"""Coordinators' meeting pages under /admin/meetings/: series, their occurrences, one-off
meetings and their delegates."""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from app.auth.permissions import require_coordinator, safe_local_target
from app.extensions import db
from app.formfields import Form, show_error
from app.i18n import localized
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
from app.meetings.models import Delegate, Meeting, MeetingSeries
from app.meetings.occurrences import (
    SeriesOccurrence,
    find_occurrence,
    listed_occurrences,
    series_occurrences,
)
from app.meetings.replies import reply_totals
from app.meetings.rotation_view import rotation_picture
from app.meetings.validation import MeetingError
from app.partners.models import Partner
from app.partners.services import home_partner, home_timezone
from app.timeutil import timezone_choices, to_local, utcnow

bp = require_coordinator(Blueprint("meetings_admin", __name__, url_prefix="/admin/meetings"))

UPCOMING_CHOICES = 20  # meetings offered in the lists of the move, cancel and swap forms

SERIES_FIELDS = (
    "title_sv",
    "title_en",
    "description_sv",
    "description_en",
    "freq",
    "interval",
    "first_date",
    "until_date",
    "count",
    "by_weekday",
    "by_setpos",
    "start_time",
    "days",
    "end_time",
    "duration_minutes",
    "timezone",
    "in_host_timezone",
    "venue",
    "published",
    "confirm_gap",
)
MEETING_FIELDS = (
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
    "confirm_gap",
)


def _form_data(form: Form, names: tuple[str, ...]) -> dict:
    return {name: getattr(form, name).data for name in names}


def _status() -> int:
    """Return the status of a form page: 422 when it shows a refused POST again."""
    return 422 if request.method == "POST" else 200


def _partner_choices() -> list[tuple[str, str]]:
    partners = db.session.scalars(sa.select(Partner).order_by(Partner.name)).all()
    return [(str(p.id), p.name) for p in partners]


@bp.get("/")
def admin_index():
    series = db.session.scalars(sa.select(MeetingSeries).order_by(MeetingSeries.id)).all()
    meetings = db.session.scalars(sa.select(Meeting).order_by(Meeting.starts_at.desc())).all()
    return render_template(
        "meetings/admin/index.html", series=series, meetings=meetings, confirm=ConfirmForm()
    )


# --- series -----------------------------------------------------------------------------


def _series_form_page(form: SeriesForm, series: MeetingSeries | None):
    html = render_template(
        "meetings/admin/series_form.html", form=form, series=series, zones=timezone_choices()
    )
    return html, _status()


@bp.route("/series/new", methods=["GET", "POST"])
def series_new():
    form = SeriesForm()
    if request.method == "GET":
        form.interval.data = form.interval.data or 2
        form.freq.data = "years"
        form.in_host_timezone.data = True
    form.set_partner_choices(_partner_choices())
    if form.validate_on_submit():
        try:
            series = services.create_series(
                host_ids=form.host_ids(), **_form_data(form, SERIES_FIELDS)
            )
        except MeetingError as error:
            show_error(form, error)
        else:
            flash(_("The meeting series was saved."), "success")
            return redirect(url_for(".series_admin", series_id=series.id))
    return _series_form_page(form, None)


@bp.route("/series/<int:series_id>/edit", methods=["GET", "POST"])
def series_edit(series_id: int):
    series = db.get_or_404(MeetingSeries, series_id)
    form = SeriesForm(obj=series if request.method == "GET" else None)
    form.set_partner_choices(_partner_choices())
    if request.method == "GET":
        for entry, host in zip(form.hosts, series.hosts, strict=False):
            entry.data = str(host.partner_id)
        form.days.data, form.end_time.data = display.series_days_and_end(series)
    if form.validate_on_submit():
        try:
            services.update_series(
                series, host_ids=form.host_ids(), **_form_data(form, SERIES_FIELDS)
            )
        except MeetingError as error:
            show_error(form, error)
        else:
            flash(_("The meeting series was saved."), "success")
            return redirect(url_for(".series_admin", series_id=series.id))
    return _series_form_page(form, series)


@bp.get("/series/<int:series_id>")
def series_admin(series_id: int):
    series = db.get_or_404(MeetingSeries, series_id)
    now = utcnow()
    occurrences = listed_occurrences(series, now)
    return render_template(
        "meetings/admin/series.html",
        series=series,
        occurrences=occurrences,
        rotation=rotation_picture(series, occurrences, now),
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


def _series_for(series_id: int) -> MeetingSeries:
    """Return the series of an occurrence page, locked for writing when the form is sent."""
    if request.method == "POST":
        return services.series_for_update(series_id) or abort(404)
    return db.get_or_404(MeetingSeries, series_id)


def _occurrence_action(
    series: MeetingSeries, form: Form, template: str, act: Callable[[], object], done: str
):
    """Show an occurrence form; on a valid POST run `act`, flash `done` and go back."""
    if request.method == "GET":
        form.occurrence.data = request.args.get("occurrence")
    if form.validate_on_submit():
        try:
            act()
        except MeetingError as error:
            show_error(form, error)
        else:
            flash(done, "success")
            return redirect(url_for(".series_admin", series_id=series.id))
    html = render_template(template, series=series, form=form, zones=timezone_choices())
    return html, _status()


@bp.route("/series/<int:series_id>/move", methods=["GET", "POST"])
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
            reason_en=form.reason_en.data or "",
            confirm_gap=form.confirm_gap.data,
        )

    return _occurrence_action(
        series, form, "meetings/admin/move.html", move, _("The meeting was moved.")
    )


@bp.route("/series/<int:series_id>/cancel", methods=["GET", "POST"])
def occurrence_cancel(series_id: int):
    series = _series_for(series_id)
    form = CancelForm()
    form.occurrence.choices = choices(_occurrence_choices(series, *_wanted_keys("occurrence")))
    return _occurrence_action(
        series,
        form,
        "meetings/admin/cancel.html",
        lambda: services.cancel_occurrence(
            series,
            form.occurrence.data,
            reason=form.reason.data or "",
            reason_en=form.reason_en.data or "",
            skip=form.skip.data,
        ),
        _("The meeting was cancelled."),
    )


@bp.route("/series/<int:series_id>/swap", methods=["GET", "POST"])
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
            series,
            form.occurrence.data,
            form.other.data,
            reason=form.reason.data or "",
            reason_en=form.reason_en.data or "",
        ),
        _("The hosts were swapped."),
    )


@bp.post("/series/<int:series_id>/restore/<key>")
def occurrence_restore(series_id: int, key: str):
    series = services.series_for_update(series_id) or abort(404)
    if ConfirmForm().validate_on_submit():
        services.restore_occurrence(series, key)
        flash(_("The meeting is back as planned."), "success")
    return redirect(url_for(".series_admin", series_id=series.id))


@bp.post("/series/<int:series_id>/reinstate/<key>")
def occurrence_reinstate(series_id: int, key: str):
    series = services.series_for_update(series_id) or abort(404)
    if ConfirmForm().validate_on_submit():
        try:
            services.reinstate_occurrence(series, key)
        except MeetingError as error:
            flash(str(error), "error")
        else:
            flash(_("The meeting is on again; invited delegates are told."), "success")
    return redirect(url_for(".series_admin", series_id=series.id))


def _publish(item: MeetingSeries | Meeting):
    if ConfirmForm().validate_on_submit():
        published = request.form.get("published") == "1"
        services.set_published(item, published)
        flash(_("Published.") if published else _("No longer published."), "success")
    return redirect(safe_local_target(request.form.get("next")) or url_for(".admin_index"))


@bp.post("/series/<int:series_id>/publish")
def series_publish(series_id: int):
    return _publish(db.get_or_404(MeetingSeries, series_id))


# --- one-off meetings -------------------------------------------------------------------


def _meeting_for(meeting_id: int) -> Meeting:
    """Return a one-off meeting, locked for writing when a form is sent."""
    if request.method == "POST":
        return services.meeting_for_update(meeting_id) or abort(404)
    return db.get_or_404(Meeting, meeting_id)


def _meeting_form_page(form: MeetingForm, meeting: Meeting | None):
    html = render_template(
        "meetings/admin/meeting_form.html", form=form, meeting=meeting, zones=timezone_choices()
    )
    return html, _status()


@bp.route("/new", methods=["GET", "POST"])
def meeting_new():
    form = MeetingForm()
    form.partner_id.choices = choices([("", "–"), *_partner_choices()])
    chosen = db.session.get(Partner, request.args.get("partner", 0, type=int) or 0)
    if request.method == "GET" and chosen is not None:
        # Preset the place from the partner's city; the coordinator may pick another zone.
        form.partner_id.data = str(chosen.id)
        form.timezone.data = chosen.timezone or ""
    if form.validate_on_submit():
        try:
            meeting = services.create_meeting(**_form_data(form, MEETING_FIELDS))
        except MeetingError as error:
            show_error(form, error)
        else:
            flash(_("The meeting was saved."), "success")
            return redirect(url_for(".meeting_admin", meeting_id=meeting.id))
    return _meeting_form_page(form, None)


@bp.route("/meeting/<int:meeting_id>/edit", methods=["GET", "POST"])
def meeting_edit(meeting_id: int):
    meeting = _meeting_for(meeting_id)
    if meeting.cancelled:
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
            services.update_meeting(meeting, **_form_data(form, MEETING_FIELDS))
        except MeetingError as error:
            show_error(form, error)
        else:
            updated = sum(
                1 for d in meeting.delegates if sequence != meeting.sequence == d.invited_sequence
            )
            flash(_("The meeting was saved."), "success")
            if updated:
                flash(
                    ngettext(
                        "Updated invitations were sent to %(num)d delegate.",
                        "Updated invitations were sent to %(num)d delegates.",
                        updated,
                    ),
                    "success",
                )
            return redirect(url_for(".meeting_admin", meeting_id=meeting.id))
    return _meeting_form_page(form, meeting)


def _meeting_admin_page(meeting: Meeting, form: DelegateForm, status: int = 200):
    home = home_partner()
    html = render_template(
        "meetings/admin/meeting.html",
        meeting=meeting,
        home=home,
        home_zone=home_timezone(home),
        form=form,
        confirm=ConfirmForm(),
        totals=reply_totals(meeting.delegates),
        now=utcnow(),
    )
    return html, status


@bp.get("/meeting/<int:meeting_id>")
def meeting_admin(meeting_id: int):
    return _meeting_admin_page(db.get_or_404(Meeting, meeting_id), DelegateForm())


@bp.route("/meeting/<int:meeting_id>/cancel", methods=["GET", "POST"])
def meeting_cancel(meeting_id: int):
    meeting = _meeting_for(meeting_id)
    form = MeetingCancelForm()
    if request.method == "GET" and meeting.cancelled:
        flash(_("This meeting has already been cancelled."), "error")
        return redirect(url_for(".meeting_admin", meeting_id=meeting.id))
    if form.validate_on_submit():
        try:
            mails = services.cancel_meeting(
                meeting, reason=form.reason.data or "", reason_en=form.reason_en.data or ""
            )
        except MeetingError as error:
            show_error(form, error)
        else:
            flash(_("The meeting was cancelled."), "success")
            if mails:
                flash(
                    ngettext(
                        "A cancellation was sent to %(num)d delegate.",
                        "Cancellations were sent to %(num)d delegates.",
                        len(mails),
                    ),
                    "success",
                )
            return redirect(url_for(".meeting_admin", meeting_id=meeting.id))
    html = render_template("meetings/admin/meeting_cancel.html", meeting=meeting, form=form)
    return html, _status()


@bp.post("/meeting/<int:meeting_id>/reinstate")
def meeting_reinstate(meeting_id: int):
    meeting = services.meeting_for_update(meeting_id) or abort(404)
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            mails = services.reinstate_meeting(meeting)
        except MeetingError as error:
            show_error(form, error)
            flash(str(error.message), "error")
            return _meeting_admin_page(meeting, DelegateForm(), 422)
        flash(_("The meeting is back as planned."), "success")
        if mails:
            flash(
                ngettext(
                    "Updated invitations were sent to %(num)d delegate.",
                    "Updated invitations were sent to %(num)d delegates.",
                    len(mails),
                ),
                "success",
            )
    return redirect(url_for(".meeting_admin", meeting_id=meeting.id))


@bp.post("/meeting/<int:meeting_id>/delegates")
def delegate_add(meeting_id: int):
    meeting = services.meeting_for_update(meeting_id) or abort(404)
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
        except MeetingError as error:
            show_error(form, error)
        else:
            flash(_("The delegate was added."), "success")
            return redirect(url_for(".meeting_admin", meeting_id=meeting.id))
    return _meeting_admin_page(meeting, form, 422)


@bp.route("/meeting/<int:meeting_id>/delegates/<int:delegate_id>/delete", methods=["GET", "POST"])
def delegate_delete(meeting_id: int, delegate_id: int):
    """Take a delegate off a meeting after a page that says whether a mail goes out."""
    if request.method == "GET":
        meeting = db.get_or_404(Meeting, meeting_id)
    elif services.meeting_for_update(meeting_id) is None:
        abort(404)
    delegate = db.get_or_404(Delegate, delegate_id)
    if delegate.meeting_id != meeting_id:
        abort(404)
    if request.method == "GET":
        return render_template(
            "meetings/admin/remove_delegate.html",
            person=delegate,
            where=localized(meeting, "title"),
            standing=False,
            will_mail=delegate.invited_sequence is not None and not meeting.cancelled,
            form=ConfirmForm(),
            action=url_for(".delegate_delete", meeting_id=meeting_id, delegate_id=delegate_id),
            back_url=url_for(".meeting_admin", meeting_id=meeting_id),
        )
    if ConfirmForm().validate_on_submit():
        mail = services.remove_delegate(delegate)
        flash(_("The delegate was removed."), "success")
        if mail is not None:
            flash(_("A cancellation was sent to the delegate."), "success")
    return redirect(url_for(".meeting_admin", meeting_id=meeting_id))


@bp.post("/meeting/<int:meeting_id>/invite")
def meeting_invite(meeting_id: int):
    meeting = services.meeting_for_update(meeting_id) or abort(404)
    if ConfirmForm().validate_on_submit():
        before = len(meeting.delegates)
        mails = invite_delegates(meeting)
        if meeting.cancelled:
            flash(_("This meeting has been cancelled: nobody is invited."), "error")
        elif not before:
            flash(_("Add delegates first: nobody to invite."), "error")
        elif not mails:
            flash(_("Every delegate has already been invited."), "success")
        else:
            flash(
                ngettext(
                    "Invitations queued for %(num)d delegate.",
                    "Invitations queued for %(num)d delegates.",
                    len(mails),
                ),
                "success",
            )
    return redirect(url_for(".meeting_admin", meeting_id=meeting.id))


@bp.post("/meeting/<int:meeting_id>/publish")
def meeting_publish(meeting_id: int):
    return _publish(db.get_or_404(Meeting, meeting_id))
