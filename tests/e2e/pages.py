"""Every HTML page of the url map, with its URL arguments filled in from the demo data.

The accessibility scans and the narrow-screen test walk these lists, so a page added to
the app is checked without anyone remembering to list it: a rule whose argument has no
sample value fails the tests that use it.
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask import Flask
from werkzeug.routing import Rule

from app.extensions import db

# Paths that answer with something other than an HTML page (files, JSON, feeds).
NOT_PAGES = ("/api/", "/healthz", "/logout", "/static/")
FILE_SUFFIXES = (".ics", ".csv", ".json", ".svg")


def _is_page(rule: Rule) -> bool:
    path = rule.rule
    return (
        "GET" in rule.methods
        and rule.endpoint != "static"
        and not path.startswith(NOT_PAGES)
        and not path.endswith(FILE_SUFFIXES)
        and "/documents/" not in path
        and not rule.endpoint.endswith(".document")  # a signed agreement's PDF
    )


def _samples() -> dict[str, list[dict[str, str]]]:
    """Real values for each URL argument, from the demo data: {argument: [values...]}.

    Arguments that come in pairs (an obligation of a grant, an occurrence of a series) are
    sampled together under the name of the pair.
    """
    from app.agreements.models import Agreement
    from app.auth.models import Coordinator
    from app.exchanges.links import signup_token
    from app.exchanges.models import Exchange, Signup
    from app.grants.models import Grant, GrantObligation
    from app.meetings.models import Delegate, Meeting, MeetingSeries, StandingDelegate
    from app.meetings.occurrences import series_occurrences
    from app.meetings.replies import reply_token
    from app.partners.models import Contact, Partner, Project
    from app.partners.services import home_today, public_partners

    def ids(model) -> list[str]:
        return [str(i) for i in db.session.scalars(sa.select(model.id).order_by(model.id))]

    series = db.session.scalars(sa.select(MeetingSeries).order_by(MeetingSeries.id)).all()
    occurrences = [
        {"series_id": str(s.id), "key": o.key}
        for s in series
        for o in series_occurrences(s, include_removed=True)[:3]
    ]
    obligations = [
        {"grant_id": str(o.grant_id), "obligation_id": str(o.id)}
        for o in db.session.scalars(sa.select(GrantObligation).order_by(GrantObligation.id))
    ]
    today = date.today()
    # One agreement of each status (draft, active, renewed, expired...): they differ in
    # what their page offers; 22 pages of the same kind would add nothing.
    by_status: dict[str, str] = {}
    for agreement in db.session.scalars(sa.select(Agreement).order_by(Agreement.id)):
        by_status.setdefault(agreement.status(home_today()), str(agreement.id))
    one = {
        "slug": [p.slug for p in public_partners()],
        "public_id": [s.public_id for s in series]
        + [m.public_id for m in db.session.scalars(sa.select(Meeting).order_by(Meeting.id))],
        "exchange_id": ids(Exchange),
        "agreement_id": list(by_status.values()),
        "partner_id": ids(Partner),
        "contact_id": ids(Contact),
        "project_id": ids(Project),
        "grant_id": ids(Grant),
        "meeting_id": ids(Meeting),
        "series_id": [str(s.id) for s in series],
        "account_id": ids(Coordinator),
        "year": [str(today.year)],
        "month": [str(today.month)],
        # A delegate's reply page from a demo delegate's link, and a tampered link's page.
        "meetings.reply:token": [
            reply_token(d) for d in db.session.scalars(sa.select(Delegate).limit(1))
        ]
        + ["tampered"],
        # A school's own page, from a demo sign-up's link, and a tampered link's page.
        "exchanges.signup_page:token": [
            signup_token(s) for s in db.session.scalars(sa.select(Signup).limit(1))
        ]
        + ["tampered"],
    }
    samples = {name: [{name.split(":")[-1]: v} for v in values] for name, values in one.items()}
    samples["grant_id+obligation_id"] = obligations
    samples["key+series_id"] = occurrences
    samples["month+year"] = [{"year": str(today.year), "month": str(today.month)}]
    samples["day+month+year"] = [
        {"year": str(today.year), "month": str(today.month), "day": str(today.day)}
    ]
    # A school's other pages (done, cancel, cancelled) from the same demo link.
    samples["token"] = samples["exchanges.signup_page:token"]
    delegates = db.session.scalars(sa.select(Delegate).order_by(Delegate.id)).all()
    samples["delegate_id+meeting_id"] = [
        {"meeting_id": str(d.meeting_id), "delegate_id": str(d.id)}
        for d in delegates
        if d.meeting_id is not None
    ][:1]
    keys = {
        (s.id, o.occurrence.original_start): o.key
        for s in series
        for o in series_occurrences(s, include_removed=True)
    }
    samples["delegate_id+key+series_id"] = [
        {
            "series_id": str(d.series_id),
            "key": keys[d.series_id, d.original_start],
            "delegate_id": str(d.id),
        }
        for d in delegates
        if d.series_id is not None and (d.series_id, d.original_start) in keys
    ][:1]
    samples["member_id+series_id"] = [
        {"series_id": str(m.series_id), "member_id": str(m.id)}
        for m in db.session.scalars(sa.select(StandingDelegate).order_by(StandingDelegate.id))
    ][:1]
    samples["exchange_id+signup_id"] = [
        {"exchange_id": str(x.exchange_id), "signup_id": str(x.id)}
        for x in db.session.scalars(sa.select(Signup).order_by(Signup.id)).all()
    ][:1]
    return samples


def _fill(rule: Rule, values: dict[str, str]) -> str:
    path = rule.rule
    for name, value in values.items():
        for converter in ("", "int:", "string:", "path:"):
            path = path.replace(f"<{converter}{name}>", value)
    return path


def pages(app: Flask, *, workspace: bool, all_samples: bool = True) -> list[str]:
    """Every HTML page of the url map: the workspace's (under /admin) or the others.

    A page with an argument is listed once per sample value when `all_samples` or when its
    path ends with the argument (a partner's page, an agreement's page); a page that acts
    on one object (edit, delete, renew) is listed with the first sample only.
    """
    samples = _samples()
    found = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if not _is_page(rule) or rule.rule.startswith("/admin") != workspace:
            continue
        if not rule.arguments:
            found.append(rule.rule)
            continue
        names = sorted(rule.arguments)
        key = next(
            (k for k in (f"{rule.endpoint}:{names[0]}", "+".join(names)) if k in samples),
            names[0],
        )
        values = samples.get(key)
        assert values, f"no sample value for {names} in {rule.rule}: add one in tests/e2e/pages.py"
        every = all_samples or rule.rule.endswith(">")
        found.extend(_fill(rule, v) for v in (values if every else values[:1]))
    return found
