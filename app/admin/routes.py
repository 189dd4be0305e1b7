"""The coordinators' workspace home under /admin/: the dashboard and the audit log."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import sqlalchemy as sa
from flask import Blueprint, render_template, request
from flask_babel import gettext as _

from app.admin import labels as audit_labels
from app.admin.dashboard import panels, partnership_health
from app.admin.forms import AuditFilterForm
from app.admin.labels import ACTION_LABELS, OBJECT_LABELS
from app.agreements import panels as agreement_panels
from app.audit import CREATE, DELETE, UPDATE, AuditEntry
from app.auth.permissions import require_coordinator
from app.calendar import version
from app.extensions import db
from app.i18n import show_moment
from app.timeutil import localize, to_local, utcnow

bp = require_coordinator(Blueprint("admin", __name__, url_prefix="/admin"))

DECISION_HORIZON_DAYS = 180
PANEL_ROWS = 10  # rows of a dashboard list; the rest behind an "N more" link


@bp.get("/")
def dashboard():
    from app import health as checks
    from app.partners.services import home_timezone

    version.current()  # before any row: what is kept by it is never older than its key
    zone = home_timezone()
    today = to_local(utcnow(), zone).date()  # home_today(), without reading the zone twice
    state = checks.check()
    alarms = [a.message(show_moment(a.since, zone) if a.since else "") for a in state.alarms]
    return render_template(
        "admin/dashboard.html",
        today=today,
        horizon=DECISION_HORIZON_DAYS,
        panel_rows=PANEL_ROWS,
        decisions=agreement_panels.decisions_due(today, DECISION_HORIZON_DAYS),
        expired=agreement_panels.expired_agreements(today),
        health=version.kept_html(
            "dashboard-health",
            today,
            lambda: render_template(
                "admin/_health.html", health=partnership_health(today), today=today
            ),
            size=4,
        ),
        panels=panels(today),
        alarms=alarms,
        waiting_mail=state.mail_queued,
        failed_mail=state.mail_failed,
    )


# --- audit log -----------------------------------------------------------------------


@bp.app_template_filter("audit_time")
def audit_time(moment: datetime, zone: str) -> str:
    """Show a stored UTC moment as local date and time, in the page's date style."""
    return show_moment(moment, zone)


MAX_AUDIT_PAGE = 100_000
AUDIT_PAGE_SIZE = 50


@bp.get("/audit/")
def audit_log():
    form = AuditFilterForm(request.args)
    types = db.session.scalars(
        sa.select(AuditEntry.object_type).distinct().order_by(AuditEntry.object_type)
    ).all()
    form.object_type.choices = [("", _("Any"))] + [(t, str(OBJECT_LABELS.get(t, t))) for t in types]
    form.action.choices = [("", _("Any"))] + [
        (a, str(ACTION_LABELS[a])) for a in (CREATE, UPDATE, DELETE)
    ]
    stmt = sa.select(AuditEntry)
    valid = form.validate()
    from app.partners.services import home_timezone

    zone = home_timezone()
    if valid:
        if form.q.data:
            like = f"%{form.q.data.strip()}%"
            stmt = stmt.where(
                sa.or_(
                    AuditEntry.summary.ilike(like),
                    AuditEntry.message.ilike(like),
                    AuditEntry.before.ilike(like),
                    AuditEntry.after.ilike(like),
                )
            )
        if form.object_type.data:
            stmt = stmt.where(AuditEntry.object_type == form.object_type.data)
        if form.action.data:
            stmt = stmt.where(AuditEntry.action == form.action.data)
        if form.actor.data:
            stmt = stmt.where(AuditEntry.actor_email.ilike(f"%{form.actor.data.strip()}%"))
        if form.date_from.data:
            stmt = stmt.where(AuditEntry.at >= localize(form.date_from.data, time(0), zone))
        if form.date_to.data:
            end = form.date_to.data + timedelta(days=1)
            stmt = stmt.where(AuditEntry.at < localize(end, time(0), zone))
    else:
        stmt = stmt.where(sa.false())
    page = min(max(request.args.get("page", 1, type=int) or 1, 1), MAX_AUDIT_PAGE)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(stmt.subquery()))
    entries = db.session.scalars(
        stmt.order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
        .limit(AUDIT_PAGE_SIZE)
        .offset((page - 1) * AUDIT_PAGE_SIZE)
    ).all()
    args = {k: v for k, v in request.args.items() if k != "page" and v}
    return render_template(
        "admin/audit.html",
        form=form,
        entries=entries,
        total=total,
        page=page,
        pages=max((total + AUDIT_PAGE_SIZE - 1) // AUDIT_PAGE_SIZE, 1),
        args=args,
        zone=zone,
        object_labels=OBJECT_LABELS,
        action_labels=ACTION_LABELS,
        partners=audit_labels.partner_names(entries),
        describe=audit_labels.summary,
        changes=audit_labels.changes,
    ), (200 if valid else 422)
