"""No endpoint answers bad input with a 500: every rule, garbage in, as anyone and as a coordinator."""

import re

import pytest
import sqlalchemy as sa

from app.extensions import db
from tests.conftest import seed_demo

GARBAGE_VALUES = ["", "-1", "0", "abc", "9" * 30, "x" * 10_000, "2026-13-45", "<script>", "ÅÄÖ\x00"]


def sample_values() -> dict[str, list[str]]:
    from app.agreements.models import Agreement
    from app.auth.models import Coordinator
    from app.exchanges.models import Exchange, Signup
    from app.grants.models import Grant, GrantObligation
    from app.meetings.models import (
        Delegate,
        Meeting,
        MeetingSeries,
        OccurrenceDocument,
        StandingDelegate,
    )
    from app.partners.models import Contact, Partner, Project

    def ids(model):
        return [str(i) for i in db.session.scalars(sa.select(model.id).limit(2))]

    return {
        "slug": [s for s in db.session.scalars(sa.select(Partner.slug).limit(2))] + ["nowhere"],
        "public_id": ["s1", "m1", "x9", "s999"],
        "exchange_id": ids(Exchange) + ["999"],
        "signup_id": ids(Signup) + ["999"],
        "agreement_id": ids(Agreement) + ["999"],
        "grant_id": ids(Grant) + ["999"],
        "obligation_id": ids(GrantObligation) + ["999"],
        "partner_id": ids(Partner) + ["999"],
        "project_id": ids(Project) + ["999"],
        "contact_id": ids(Contact) + ["999"],
        "meeting_id": ids(Meeting) + ["999"],
        "series_id": ids(MeetingSeries) + ["999"],
        "delegate_id": ids(Delegate) + ["999"],
        "member_id": ids(StandingDelegate) + ["999"],
        "document_id": ids(OccurrenceDocument) + ["1", "999"],
        "account_id": ids(Coordinator) + ["999"],
        "token_id": ["1", "999"],
        "reminder_id": ["1", "999"],
        "token": ["not-a-token", "x" * 300],
        "key": ["20280610T080000Z", "bogus"],
        "filename": ["nothing.pdf"],
        "id": ["1", "999"],
        "year": ["2026", "1899", "2201"],
        "month": ["6", "0", "13"],
        "day": ["15", "0", "31"],
    }


def urls(app) -> list[tuple[str, str]]:
    samples = sample_values()
    found = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        paths = [rule.rule]
        for argument in rule.arguments:
            values = samples.get(argument)
            assert values, f"no sample for <{argument}> in {rule.rule}"
            paths = [re.sub(rf"<(?:[a-z]+:)?{argument}>", v, p) for p in paths for v in values[:3]]
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            found.extend((method, p) for p in paths)
    return found


@pytest.fixture
def demo(app):
    from app.scheduler import beat

    seed_demo("goteborg")
    beat()  # a scheduler runs beside: /healthz answers 503 only for a real alarm
    db.session.commit()


def garbage_form(i: int) -> dict:
    value = GARBAGE_VALUES[i % len(GARBAGE_VALUES)]
    names = [
        "school_name",
        "contact_name",
        "contact_email",
        "students",
        "teachers",
        "email",
        "password",
        "title",
        "title_sv",
        "title_en",
        "name",
        "slug",
        "kind",
        "starts_on",
        "ends_on",
        "signed_on",
        "lead_days",
        "decision_lead_days",
        "partner_id",
        "places",
        "interval",
        "first_date",
        "until",
        "count",
        "start_time",
        "duration_minutes",
        "days",
        "end_time",
        "by_weekday",
        "by_setpos",
        "timezone",
        "occurrence",
        "other",
        "new_date",
        "new_time",
        "reason",
        "q",
        "sort",
        "from",
        "to",
        "status",
        "language",
        "hosts",
        "rotation",
        "target_exchange_id",
        "message",
        "subject",
        "body",
        "country",
        "since_year",
        "member_count",
    ]
    return {n: value for n in names}


def check(client, method: str, path: str, i: int) -> int:
    if method == "GET":
        response = client.get(
            path, query_string={"q": GARBAGE_VALUES[i % 9], "sort": "x", "from": "y"}
        )
    else:
        response = client.open(path, method=method, data=garbage_form(i))
    return response.status_code


def test_no_endpoint_answers_garbage_with_a_500_anonymous(app, client, demo):
    failures = []
    for i, (method, path) in enumerate(urls(app)):
        status = check(client, method, path, i)
        if status >= 500:
            failures.append((method, path, status))
    assert failures == []


def test_no_endpoint_answers_garbage_with_a_500_as_coordinator(app, client, demo):
    from app.demo import DEMO_COORDINATOR_EMAIL, DEMO_COORDINATOR_PASSWORD

    failures = []
    for i, (method, path) in enumerate(urls(app)):
        if path == "/logout":
            continue
        client.post(
            "/login", data={"email": DEMO_COORDINATOR_EMAIL, "password": DEMO_COORDINATOR_PASSWORD}
        )
        for j in range(2):  # two different kinds of garbage per endpoint
            status = check(client, method, path, i + j * 4)
            if status >= 500:
                failures.append((method, path, status))
    assert failures == []
