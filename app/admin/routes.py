"""The dashboard: what needs attention first."""

from __future__ import annotations

import sqlalchemy as sa
from flask import render_template

from app.admin import bp
from app.extensions import db
from app.mail import FAILED, QUEUED, OutboxMail


@bp.get("/")
def dashboard():  # noqa: ANN201
    waiting_mail = db.session.scalar(
        sa.select(sa.func.count()).select_from(OutboxMail).where(OutboxMail.status == QUEUED)
    )
    failed_mail = db.session.scalar(
        sa.select(sa.func.count()).select_from(OutboxMail).where(OutboxMail.status == FAILED)
    )
    return render_template(
        "admin/dashboard.html", waiting_mail=waiting_mail, failed_mail=failed_mail
    )
