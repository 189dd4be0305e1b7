"""Exchange pages: the public list and sign-up, and a school's own link."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, session, url_for
from flask_babel import force_locale
from flask_babel import gettext as _

from app.exchanges import display, links, queries, services
from app.exchanges import models as m
from app.exchanges.calendar import exchange_event
from app.exchanges.errors import ExchangeError
from app.exchanges.forms import ChangeForm, ConfirmForm, SignupForm
from app.exchanges.services import SignupRequest
from app.formfields import show_error
from app.i18n import current_language, explicit_language
from app.pagination import page_of
from app.partners.services import home_timezone
from app.subscribe import ics_download
from app.timeutil import to_local, utcnow

bp = Blueprint("exchanges", __name__)


@bp.app_context_processor
def _exchange_helpers() -> dict:
    return {
        "exchange_display": display,
        "EXCHANGE_STATUS_LABELS": display.STATUS_LABELS,
        "DIRECTION_LABELS": display.DIRECTION_LABELS,
        "SCHOOL_KIND_LABELS": display.SCHOOL_KIND_LABELS,
        "SIGNUP_STATUS_LABELS": display.SIGNUP_STATUS_LABELS,
        "exchange_title": lambda e: display.title_in(e, current_language()),
    }


def _not_open_page():
    return (
        render_template(
            "errors/error.html",
            code=404,
            title=_("Page not found"),
            message=_("This exchange is not open for sign-up."),
        ),
        404,
    )


def _detail_page(exchange: m.Exchange, form: SignupForm, status: int = 200):
    now = utcnow()
    return (
        render_template(
            "exchanges/detail.html",
            exchange=exchange,
            form=form,
            places_left=queries.places_left(exchange),
            waiting=len(queries.waiting_list(exchange)),
            window=queries.window_state(exchange, now),
            accepts=queries.accepts_signups(exchange, now),
            zone=home_timezone(),
            event=exchange_event(exchange, current_language()),
        ),
        status,
    )


PER_PAGE = 25


@bp.get("/exchanges/")
def index():
    now = utcnow()
    zone = home_timezone()
    today = to_local(now, zone).date()
    page = page_of(queries.count_open_exchanges(now, today), PER_PAGE)
    exchanges = queries.open_exchanges(now, page.per_page, page.offset, today)
    return render_template(
        "exchanges/index.html",
        exchanges=exchanges,
        page=page,
        places_left=queries.places_left_for(exchanges),
        zone=zone,
        now=now,
    )


@bp.get("/exchanges/<int:exchange_id>")
def detail(exchange_id: int):
    exchange = queries.public_exchange(exchange_id)
    if exchange is None:
        abort(404)
    return _detail_page(exchange, SignupForm())


@bp.get("/exchanges/<int:exchange_id>.ics")
def download(exchange_id: int):
    """Answer with an exchange as an .ics file, under the feeds' own UID."""
    exchange = queries.public_exchange(exchange_id)
    if exchange is None:
        abort(404)
    lang = current_language()
    return ics_download(
        [exchange_event(exchange, lang)],
        name=display.title_in(exchange, lang),
        filename=f"exchange-{exchange.id}",
    )


@bp.post("/exchanges/<int:exchange_id>/signup")
def signup(exchange_id: int):
    exchange = queries.public_exchange(exchange_id)
    if exchange is None:
        return _not_open_page()
    form = SignupForm()
    if not form.validate_on_submit():
        return _detail_page(exchange, form, 422)
    req = SignupRequest(
        school_name=form.school_name.data,
        contact_name=form.contact_name.data,
        contact_email=form.contact_email.data,
        pupils=form.students.data,
        teachers=form.teachers.data,
        language=current_language(),
        school_kind=form.school_kind.data or m.COMPULSORY,
    )
    try:
        outcome = services.sign_up(exchange_id, req)
    except ExchangeError as err:
        if err.code == "not_found":
            return _not_open_page()
        show_error(form, err)
        return _detail_page(exchange, form, 422)
    signup_row = outcome.signup
    if outcome.duplicate:
        # Say nothing of the existing sign-up: its link went to the address on file.
        session[_CHECK_MAIL] = {"exchange": exchange.id, "address": signup_row.contact_email}
        return redirect(url_for("exchanges.check_mail", exchange_id=exchange.id), 303)
    # Post/redirect/get: a reload or a language switch shows the answer again, never a 405.
    return redirect(url_for("exchanges.signed_up", token=links.signup_token(signup_row)), 303)


_CHECK_MAIL = "exchanges.check_mail"


@bp.get("/exchanges/<int:exchange_id>/check-mail")
def check_mail(exchange_id: int):
    """Tell a school that signed up again to look for the link mailed to it."""
    exchange = queries.public_exchange(exchange_id)
    if exchange is None:
        abort(404)
    note = session.get(_CHECK_MAIL) or {}
    address = note.get("address") if note.get("exchange") == exchange.id else None
    return render_template("exchanges/check_mail.html", exchange=exchange, address=address)


# --- a school's own link -------------------------------------------------------------------


def _school_language(signup: m.Signup | None) -> str:
    return explicit_language() or (signup.language if signup is not None else current_language())


def _link_error(err: ExchangeError):
    signup_row = err.params.get("signup")
    code = 400 if err.code == "link_expired" else 404
    lang = _school_language(signup_row)
    # A sign-up the office cancelled: say so, and why, rather than only "the link is dead".
    office = (
        signup_row
        if err.code == "link_revoked" and signup_row is not None and signup_row.cancelled_by_office
        else None
    )
    with force_locale(lang):
        return (
            render_template(
                "exchanges/link_error.html",
                code=code,
                message=err.message,
                exchange=signup_row.exchange if signup_row is not None else None,
                office=office,
                office_reason=display.office_reason(office, lang) if office else "",
            ),
            code,
        )


def _signup_page(
    token: str,
    signup_row: m.Signup,
    change_form: ChangeForm | None = None,
    status: int = 200,
    notice: str | None = None,
):
    with force_locale(_school_language(signup_row)):
        if change_form is None:
            change_form = ChangeForm(
                formdata=None, students=signup_row.pupils, teachers=signup_row.teachers
            )
        exchange = signup_row.exchange
        return (
            render_template(
                "exchanges/signup.html",
                token=token,
                signup=signup_row,
                exchange=exchange,
                change_form=change_form,
                action_form=ConfirmForm(),
                places_left=queries.places_left(exchange),
                zone=home_timezone(),
                notice=notice,
            ),
            status,
        )


@bp.get("/signups/<token>")
def signup_page(token: str):
    try:
        signup_row = links.signup_from_token(token)
    except ExchangeError as err:
        return _link_error(err)
    with force_locale(_school_language(signup_row)):
        notice = {
            "changed": _("Your changes are saved."),
            "accepted": _("You accepted the places: your group is confirmed."),
            "rejoined": _("Your group is back on the waiting list."),
        }.get(request.args.get("done") or "")
    return _signup_page(token, signup_row, notice=notice)


@bp.post("/signups/<token>/change")
def change(token: str):
    try:
        signup_row = links.signup_from_token(token)
    except ExchangeError as err:
        return _link_error(err)
    with force_locale(_school_language(signup_row)):
        form = ChangeForm()
        valid = form.validate_on_submit()
    if not valid:
        return _signup_page(token, signup_row, form, 422)
    try:
        services.change_group(signup_row, form.students.data, form.teachers.data)
    except ExchangeError as err:
        with force_locale(_school_language(signup_row)):
            show_error(form, err)
        return _signup_page(token, signup_row, form, 422)
    return redirect(url_for("exchanges.signup_page", token=token, done="changed"))


@bp.get("/signups/<token>/done")
def signed_up(token: str):
    """Say whether a new sign-up is confirmed or waitlisted (the answer to the sign-up form)."""
    try:
        signup_row = links.signup_from_token(token)
    except ExchangeError as err:
        return _link_error(err)
    if signup_row.status not in (m.CONFIRMED, m.WAITLISTED):
        return redirect(url_for("exchanges.signup_page", token=token))
    with force_locale(_school_language(signup_row)):
        return render_template(
            "exchanges/result.html",
            exchange=signup_row.exchange,
            status=signup_row.status,
            link=links.signup_path(signup_row),
            pupils=signup_row.pupils,
            places_left=queries.places_left(signup_row.exchange),
        )


@bp.get("/signups/<token>/cancel")
def cancel_confirm(token: str):
    """Ask a school to confirm that it cancels, saying what follows."""
    try:
        signup_row = links.signup_from_token(token)
    except ExchangeError as err:
        return _link_error(err)
    with force_locale(_school_language(signup_row)):
        return render_template(
            "exchanges/cancel_confirm.html",
            token=token,
            signup=signup_row,
            exchange=signup_row.exchange,
            form=ConfirmForm(),
        )


@bp.post("/signups/<token>/cancel")
def cancel(token: str):
    try:
        signup_row = links.signup_from_token(token)
    except ExchangeError as err:
        return _link_error(err)
    ConfirmForm().validate_on_submit()  # the CSRF check itself runs before the view
    lang = _school_language(signup_row)
    try:
        services.cancel_signup(signup_row)
    except ExchangeError as err:
        with force_locale(lang):
            message = str(err.message)
        return _signup_page(token, signup_row, status=422, notice=message)
    return redirect(url_for("exchanges.cancelled", token=token), 303)


@bp.get("/signups/<token>/cancelled")
def cancelled(token: str):
    """Confirm a school's cancellation; its link works for nothing else any more."""
    try:
        signup_row = links.signup_from_token(token)
    except ExchangeError as err:
        signup_row = err.params.get("signup")
        if err.code != "link_revoked" or signup_row is None or signup_row.cancelled_by_office:
            return _link_error(err)
    else:
        return redirect(url_for("exchanges.signup_page", token=token))
    with force_locale(_school_language(signup_row)):
        return render_template("exchanges/cancelled.html", exchange=signup_row.exchange)


def _simple_action(token: str, action, done: str):
    try:
        signup_row = links.signup_from_token(token)
    except ExchangeError as err:
        return _link_error(err)
    try:
        action(signup_row)
    except ExchangeError as err:
        with force_locale(_school_language(signup_row)):
            notice = err.message
        return _signup_page(token, signup_row, status=422, notice=notice)
    return redirect(url_for("exchanges.signup_page", token=token, done=done))


@bp.post("/signups/<token>/accept")
def accept(token: str):
    return _simple_action(token, services.accept_offer, "accepted")


@bp.post("/signups/<token>/rejoin")
def rejoin(token: str):
    return _simple_action(token, services.rejoin_waiting_list, "rejoined")
