"""Coordinators' exchange pages under /admin/exchanges/."""

from __future__ import annotations

import sqlalchemy as sa
from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext
from wtforms import SelectChoice

from app.auth.permissions import require_coordinator
from app.exchanges import models as m
from app.exchanges import notices, queries, reports, services
from app.exchanges.display import SCHOOL_KIND_LABELS, SIGNUP_STATUS_LABELS, title_in
from app.exchanges.errors import ExchangeError
from app.exchanges.forms import (
    CancelGroupForm,
    ConfirmForm,
    ExchangeForm,
    MessageForm,
    MoveForm,
)
from app.extensions import db
from app.formfields import show_error
from app.i18n import current_language, show_date
from app.partners.models import Partner
from app.partners.services import home_timezone
from app.timeutil import localize, to_local_naive, utcnow

bp = require_coordinator(Blueprint("exchanges_admin", __name__, url_prefix="/admin/exchanges"))

# Free texts whose line endings and outer spaces are tidied before saving.
_TEXTS = (
    "title_en",
    "description_sv",
    "description_en",
    "programme_sv",
    "programme_en",
    "practical_sv",
    "practical_en",
)


def _partner_choices() -> list[tuple[int, str]]:
    partners = db.session.scalars(sa.select(Partner).order_by(Partner.name)).all()
    return [SelectChoice(p.id, p.name) for p in partners]


def _form_values(form: ExchangeForm, zone: str) -> dict:
    values = {
        name: form[name].data
        for name in services.EXCHANGE_FIELDS
        if name not in ("signup_opens_at", "signup_closes_at")
    }
    for name in _TEXTS:
        values[name] = (values[name] or "").replace("\r\n", "\n").strip()
    values["title_sv"] = values["title_sv"].strip()
    # The form gives wall-clock minutes in the home zone.
    for name in ("signup_opens_at", "signup_closes_at"):
        local = form[name].data
        values[name] = localize(local.date(), local.time(), zone)
    return values


@bp.get("/")
def index():
    exchanges = queries.all_exchanges()
    return render_template(
        "exchanges/admin/index.html",
        exchanges=exchanges,
        places_left=queries.places_left_for(exchanges),
    )


@bp.route("/new", methods=["GET", "POST"])
def new():
    form = ExchangeForm()
    form.partner_id.choices = _partner_choices()
    zone = home_timezone()
    if form.validate_on_submit():
        try:
            exchange = services.create_exchange(**_form_values(form, zone))
        except ExchangeError as err:
            show_error(form, err)
        else:
            flash(_("The exchange is saved."), "success")
            return redirect(url_for("exchanges_admin.detail", exchange_id=exchange.id))
    status = 422 if form.is_submitted() else 200
    return render_template("exchanges/admin/form.html", form=form, exchange=None, zone=zone), status


@bp.route("/<int:exchange_id>/edit", methods=["GET", "POST"])
def edit(exchange_id: int):
    exchange = db.get_or_404(m.Exchange, exchange_id)
    zone = home_timezone()
    form = ExchangeForm(obj=exchange)
    form.partner_id.choices = _partner_choices()
    # The sign-up times as the form holds them: home-zone wall clock. A field a POST leaves
    # out keeps the stored (UTC) value, which the form's checks must not meet as it is.
    for field in (form.signup_opens_at, form.signup_closes_at):
        if field.data is not None and field.data.tzinfo is not None:
            field.data = to_local_naive(field.data, zone)
    if form.validate_on_submit():
        try:
            result = services.change_exchange(exchange, **_form_values(form, zone))
        except ExchangeError as err:
            show_error(form, err)
        else:
            flash(_("The exchange is saved."), "success")
            if result.offered:
                flash(
                    ngettext(
                        "Places were offered to %(num)d waiting group.",
                        "Places were offered to %(num)d waiting groups.",
                        len(result.offered),
                    ),
                    "success",
                )
            if result.told:
                flash(
                    ngettext(
                        "%(num)d signed-up school was sent the change and an updated calendar entry.",
                        "%(num)d signed-up schools were sent the change and an updated calendar entry.",
                        result.told,
                    ),
                    "success",
                )
            return redirect(url_for("exchanges_admin.detail", exchange_id=exchange_id))
    status = 422 if form.is_submitted() else 200
    return render_template(
        "exchanges/admin/form.html", form=form, exchange=exchange, zone=zone
    ), status


def _detail(exchange: m.Exchange, message_form: MessageForm | None = None, status: int = 200):
    others = queries.move_targets(exchange)
    move_form = MoveForm()
    lang = current_language()  # the coordinator's page language, not always Swedish
    move_form.target.choices = [
        SelectChoice(e.id, f"{title_in(e, lang)} ({show_date(e.starts_on, lang)})") for e in others
    ]
    signups = queries.signups_of(exchange)
    return (
        render_template(
            "exchanges/admin/detail.html",
            exchange=exchange,
            signups=signups,
            duplicates=queries.possible_duplicates(signups),
            holding=[s for s in signups if s.status in m.HOLDING],
            waiting=[s for s in signups if s.status == m.WAITLISTED],
            gone=[s for s in signups if s.status in (m.EXPIRED, m.SIGNUP_CANCELLED)],
            confirmed_pupils=queries.confirmed_pupils(exchange.id),
            places_left=queries.places_left(exchange),
            action_form=ConfirmForm(),
            move_form=move_form,
            can_move=bool(others),
            message_form=message_form or MessageForm(formdata=None),
            zone=home_timezone(),
        ),
        status,
    )


@bp.get("/<int:exchange_id>")
def detail(exchange_id: int):
    return _detail(db.get_or_404(m.Exchange, exchange_id))


def _signup_of(exchange_id: int, signup_id: int) -> m.Signup:
    signup = db.get_or_404(m.Signup, signup_id)
    if signup.exchange_id != exchange_id:
        abort(404)
    return signup


def _group_action(exchange_id: int, signup_id: int, action, success: str):
    # A refusal is flashed on the exchange's page; the service refused before changing anything.
    signup = _signup_of(exchange_id, signup_id)
    if ConfirmForm().validate_on_submit():
        try:
            action(signup)
        except ExchangeError as err:
            flash(err.message, "error")
        else:
            flash(success, "success")
    return redirect(url_for("exchanges_admin.detail", exchange_id=exchange_id))


@bp.post("/<int:exchange_id>/signups/<int:signup_id>/confirm")
def confirm(exchange_id: int, signup_id: int):
    return _group_action(
        exchange_id, signup_id, services.confirm_group, _("The group is confirmed.")
    )


def _cancel_page(signup: m.Signup, form: CancelGroupForm, status: int = 200):
    return render_template(
        "exchanges/admin/cancel_signup.html",
        exchange=signup.exchange,
        signup=signup,
        form=form,
        waiting=len(queries.waiting_list(signup.exchange)),
    ), status


@bp.route("/<int:exchange_id>/signups/<int:signup_id>/cancel", methods=["GET", "POST"])
def cancel(exchange_id: int, signup_id: int):
    """Cancel a school's sign-up after a confirmation page that asks for the reason."""
    signup = _signup_of(exchange_id, signup_id)
    form = CancelGroupForm()
    if signup.status == m.SIGNUP_CANCELLED:  # a second tab, or another coordinator, was first
        flash(_("This sign-up is already cancelled."), "error")
        return redirect(url_for("exchanges_admin.detail", exchange_id=exchange_id))
    if request.method == "GET":
        return _cancel_page(signup, form)
    if not form.validate_on_submit():
        return _cancel_page(signup, form, 422)
    reason = form.reason.data.replace("\r\n", "\n").strip()
    reason_en = (form.reason_en.data or "").replace("\r\n", "\n").strip()
    try:
        services.cancel_signup(signup, reason=reason, reason_en=reason_en)
    except ExchangeError as err:
        show_error(form, err)
        return _cancel_page(signup, form, 422)
    flash(_("The group is cancelled; the school is told why by e-mail."), "success")
    return redirect(url_for("exchanges_admin.detail", exchange_id=exchange_id))


@bp.post("/<int:exchange_id>/signups/<int:signup_id>/move")
def move(exchange_id: int, signup_id: int):
    signup = _signup_of(exchange_id, signup_id)
    form = MoveForm()
    lang = current_language()
    form.target.choices = [
        SelectChoice(e.id, title_in(e, lang)) for e in queries.other_exchanges(exchange_id)
    ]
    if not form.validate_on_submit():
        flash(_("Choose another exchange to move the group to."), "error")
        return redirect(url_for("exchanges_admin.detail", exchange_id=exchange_id))
    target = db.get_or_404(m.Exchange, form.target.data)
    try:
        moved = services.move_group(signup, target)
    except ExchangeError as err:
        flash(err.message, "error")
    else:
        label = SIGNUP_STATUS_LABELS[moved.status]
        flash(_("The group is moved: %(status)s.", status=label), "success")
    return redirect(url_for("exchanges_admin.detail", exchange_id=exchange_id))


@bp.get("/<int:exchange_id>/participants.csv")
def participants(exchange_id: int):
    exchange = db.get_or_404(m.Exchange, exchange_id)
    labels = {k: str(v) for k, v in {**SCHOOL_KIND_LABELS, **SIGNUP_STATUS_LABELS}.items()}
    header = [
        _("School"),
        _("Kind of school"),
        _("Contact person"),
        _("Contact e-mail"),
        _("Pupils"),
        _("Teachers"),
        _("Status"),
        _("Signed up"),
    ]
    data = reports.participants_csv(exchange, labels, header)
    return Response(
        data,
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="exchange-{exchange.id}-participants.csv"'
        },
    )


@bp.post("/<int:exchange_id>/message")
def message(exchange_id: int):
    exchange = db.get_or_404(m.Exchange, exchange_id)
    form = MessageForm()
    if not form.validate_on_submit():
        return _detail(exchange, form, 422)
    count = notices.mail_confirmed(exchange, form.subject.data.strip(), form.message.data)
    flash(
        ngettext(
            "The message is on its way to %(num)d confirmed school.",
            "The message is on its way to %(num)d confirmed schools.",
            count,
        ),
        "success",
    )
    return redirect(url_for("exchanges_admin.detail", exchange_id=exchange_id))


@bp.get("/reciprocity")
def reciprocity():
    return render_template(
        "exchanges/admin/reciprocity.html", partners=reports.reciprocity(), now=utcnow()
    )
