"""Coordinators' calendar pages under /admin/calendar/: private feed addresses."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.auth.permissions import require_administrator
from app.calendar import tokens
from app.calendar.forms import RevokeForm, TokenForm
from app.calendar.models import FeedToken
from app.extensions import db
from app.formfields import show_error
from app.meetings.links import absolute_url

# Private feed addresses are the installation's keys: administrators only.
bp = require_administrator(Blueprint("calendar_admin", __name__, url_prefix="/admin/calendar"))


def _page(form: TokenForm, *, new_secret: str | None = None, status: int = 200):
    feed_url = None
    if new_secret is not None:
        feed_url = absolute_url(url_for("calendar.private", token=new_secret, lang=None))
    page = render_template(
        "calendar/admin/tokens.html",
        form=form,
        revoke_form=RevokeForm(),
        tokens=tokens.all_tokens(),
        feed_url=feed_url,
    )
    # A page showing a secret is never stored by the browser or a proxy.
    return page, status, ({"Cache-Control": "no-store"} if feed_url else {})


_NEW_ADDRESS = "vanort.new_feed_address"


@bp.get("/tokens")
def tokens_page():
    # A new address is shown once, on the page the making of it redirects to: it rides in
    # the (signed, HttpOnly) session cookie for that one redirect and is then dropped, so a
    # reload neither shows it again nor makes another one.
    return _page(TokenForm(), new_secret=session.pop(_NEW_ADDRESS, None))


@bp.post("/tokens")
def token_create():
    form = TokenForm()
    if not form.validate_on_submit():
        return _page(form, status=422)
    try:
        token, secret = tokens.create_token(form.label.data, current_user)
    except tokens.TokenError as err:
        show_error(form, err)
        return _page(form, status=422)
    # Only its hash is stored: the address is shown once, after the redirect.
    session[_NEW_ADDRESS] = secret
    flash(_("The feed address for %(label)s is made.", label=token.label), "success")
    return redirect(url_for(".tokens_page"))


@bp.post("/tokens/<int:token_id>/revoke")
def token_revoke(token_id: int):
    token = db.session.get(FeedToken, token_id)
    if token is None:
        abort(404)
    form = RevokeForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        tokens.revoke(token)
    except tokens.TokenError as err:
        flash(str(err), "error")
        return redirect(url_for(".tokens_page"))
    flash(_("The feed address for %(label)s no longer works.", label=token.label), "success")
    return redirect(url_for(".tokens_page"))
