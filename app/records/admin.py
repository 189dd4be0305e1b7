"""The privacy page of the workspace, /admin/privacy/: the disposal rules in force and what
the disposal job did, and for one e-mail address everything held about it, exported as
JSON or erased.

Administrators only (`require_administrator`), like accounts and feed tokens. The address looked up is kept in the session, never
in a URL, so that it stays out of access logs and browser history.
"""

from __future__ import annotations

import json

from flask import Blueprint, Response, abort, flash, redirect, render_template, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app import audit
from app.auth.permissions import require_administrator
from app.emails import normalise_email
from app.formfields import show_error
from app.records import subject
from app.records.disposal import recent_log
from app.records.forms import ButtonForm, EraseForm, LookupForm, RetentionForm
from app.records.rules import BY_KEY, RetentionError, rules_in_force, set_rule
from app.timeutil import utcnow

bp = require_administrator(Blueprint("records_admin", __name__, url_prefix="/admin/privacy"))
retention_bp = require_administrator(
    Blueprint("retention_admin", __name__, url_prefix="/admin/retention")
)

SUBJECT = "privacy_subject"


def _page(lookup: LookupForm | None = None, erase: EraseForm | None = None, status: int = 200):
    address = session.get(SUBJECT)
    held = subject.find(address) if address else None
    return (
        render_template(
            "records/admin/privacy.html",
            rules=rules_in_force(),
            kinds=BY_KEY,
            log=recent_log(),
            address=address,
            held=held,
            lookup=lookup or LookupForm(),
            export_form=ButtonForm(),
            erase=erase or EraseForm(),
        ),
        status,
    )


@bp.get("/")
def index():
    return _page()


@bp.post("/lookup")
def lookup():
    form = LookupForm()
    if not form.validate_on_submit():
        return _page(lookup=form, status=422)
    try:
        session[SUBJECT] = normalise_email(form.email.data)
    except ValueError:
        form.email.errors = [_("Enter an e-mail address such as name@example.org.")]
        return _page(lookup=form, status=422)
    return redirect(url_for(".index") + "#held")


@bp.post("/export")
def export():
    address = session.get(SUBJECT)
    if not ButtonForm().validate_on_submit() or not address:
        flash(_("Look up an e-mail address first."), "error")
        return redirect(url_for(".index"))
    now = utcnow()
    document = subject.export(address, now)
    audit.record(
        "export",
        object_type="PersonalData",
        summary=audit.say("Personal data of one person exported"),
    )
    response = Response(
        json.dumps(document, ensure_ascii=False, indent=2),
        mimetype="application/json",
        headers={"Content-Disposition": 'attachment; filename="personal-data.json"'},
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/erase")
def erase():
    address = session.get(SUBJECT)
    if not address:
        flash(_("Look up an e-mail address first."), "error")
        return redirect(url_for(".index"))
    form = EraseForm()
    if not form.validate_on_submit():
        return _page(erase=form, status=422)
    try:
        typed = normalise_email(form.confirm_email.data)
    except ValueError:
        typed = ""
    if typed != address:
        form.confirm_email.errors = [_("This is not the address looked up.")]
        return _page(erase=form, status=422)
    counts = subject.erase(address, utcnow())
    session.pop(SUBJECT, None)
    flash(
        _(
            "Erased: %(signups)s sign-ups (%(cancelled)s of them cancelled), %(delegates)s "
            "delegates, %(removed)s taken off coming meetings, %(mails)s mails, %(reminders)s "
            "reminders, %(entries)s log entries.",
            signups=counts["signups"],
            cancelled=counts["cancelled"],
            delegates=counts["delegates"],
            removed=counts["removed"],
            mails=counts["mails"],
            reminders=counts["reminders"],
            entries=counts["audit_entries"],
        ),
        "success",
    )
    return redirect(url_for(".index"))


def _retention_page(failed: tuple[str, RetentionForm] | None = None, status: int = 200):
    rules = rules_in_force()
    forms = {}
    for rule in rules:
        if failed and failed[0] == rule.key:
            forms[rule.key] = failed[1]
        else:
            form = RetentionForm(prefix=rule.key)
            form.months.data = rule.months or 0 if rule.set_here else None
            forms[rule.key] = form
    return (
        render_template(
            "records/admin/retention.html",
            rules=rules,
            forms=forms,
            failed_key=failed[0] if failed else None,
        ),
        status,
    )


@retention_bp.get("/")
def rules_page():
    return _retention_page()


@retention_bp.post("/<key>")
def update_rule(key: str):
    if key not in BY_KEY:
        abort(404)
    form = RetentionForm(prefix=key)
    if form.validate_on_submit():
        try:
            set_rule(key, form.months.data, actor=current_user)
        except RetentionError as err:
            show_error(form, err)
        else:
            flash(_("The disposal rule was saved."), "success")
            return redirect(url_for(".rules_page") + f"#rule-{key}")
    return _retention_page((key, form), 422)
