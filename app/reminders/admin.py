"""Reminders in the coordinators' workspace under /admin/reminders/: what is coming, the
log of what went out (or did not), a retry of a failed mail, and the rules."""

from __future__ import annotations

from datetime import timedelta

from babel.dates import format_datetime
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.auth.permissions import require_coordinator
from app.formfields import show_error
from app.i18n import current_language
from app.partners.services import home_timezone
from app.reminders import rules as rule_defs
from app.reminders import services
from app.reminders.forms import ButtonForm, RuleForm
from app.reminders.labels import LOG_FILTER_LABELS, MAIL_STATUS_LABELS, reason_text
from app.reminders.sweep import offset_text
from app.timeutil import to_local, utcnow

bp = require_coordinator(Blueprint("reminders_admin", __name__, url_prefix="/admin/reminders"))

COMING_DAYS = 60
COMING_LIMIT = 500  # a page longer than this helps nobody; the rest is said in a line


@bp.app_context_processor
def _reminder_helpers() -> dict:
    return {
        "REMINDER_RULES": rule_defs.RULES,
        "REMINDER_MAIL_STATUS": MAIL_STATUS_LABELS,
        "reminder_reason": reason_text,
        "reminder_offset": offset_text,
        "reminder_time": _moment,
    }


def _moment(moment) -> str:
    """Return a moment in the home zone, in the page's language: 2 mars 2027 08:00."""
    if moment is None:
        return ""
    local = to_local(moment, home_timezone())
    return format_datetime(local, "d MMM yyyy HH:mm", locale=current_language())


@bp.get("/")
def coming():
    now = utcnow()
    planned = services.plan(now, now + timedelta(days=COMING_DAYS))
    return render_template(
        "reminders/admin/coming.html",
        planned=planned[:COMING_LIMIT],
        more=max(len(planned) - COMING_LIMIT, 0),
        days=COMING_DAYS,
        zone=home_timezone(),
    )


@bp.get("/log")
def log():
    status = request.args.get("status", "")
    if status not in LOG_FILTER_LABELS:
        status = ""
    page = request.args.get("page", "1")
    page_number = int(page) if page.isascii() and page.isdigit() and len(page) < 7 else 1
    return render_template(
        "reminders/admin/log.html",
        log=services.reminder_log(status, page_number),
        status=status,
        filters=LOG_FILTER_LABELS,
        zone=home_timezone(),
        form=ButtonForm(),
    )


@bp.post("/log/<int:reminder_id>/retry")
def retry(reminder_id: int):
    if not ButtonForm().validate_on_submit():
        abort(400)
    retried = services.retry(reminder_id)
    if retried is None:
        abort(404)
    if retried:
        flash(_("The mail is queued again and goes out within a minute."), "success")
    else:
        flash(
            _(
                "This reminder's mail has not failed (any more): it was sent or is still queued. "
                "Nothing was changed."
            ),
            "warning",
        )
    return redirect(url_for(".log", status=request.args.get("status") or None))


def _rule_forms(rules: dict, failed: tuple[str, RuleForm] | None = None) -> dict[str, RuleForm]:
    forms = {}
    for key, rule in rules.items():
        if failed is not None and failed[0] == key:
            forms[key] = failed[1]
            continue
        form = RuleForm(prefix=key, formdata=None)
        form.offsets.data = rule_defs.offsets_text(rule.offsets)
        form.enabled.data = rule.enabled
        forms[key] = form
    return forms


def _rules_page(failed: tuple[str, RuleForm] | None = None, status: int = 200):
    rules = rule_defs.effective_rules()
    return render_template(
        "reminders/admin/rules.html",
        definitions=rule_defs.DEFINITIONS,
        rules=rules,
        forms=_rule_forms(rules, failed),
        failed_key=failed[0] if failed else None,
    ), status


@bp.get("/rules")
def rules_page():
    return _rules_page()


@bp.post("/rules/<key>")
def update_rule(key: str):
    if key not in rule_defs.RULES:
        abort(404)
    form = RuleForm(prefix=key)
    if form.validate_on_submit():
        try:
            rule_defs.update_rule(
                key, offsets=form.offsets.data or "", enabled=form.enabled.data, actor=current_user
            )
        except rule_defs.RuleError as err:
            show_error(form, err)
        else:
            flash(_("The reminder rule was saved."), "success")
            return redirect(url_for(".rules_page") + f"#rule-{key}")
    return _rules_page((key, form), 422)
