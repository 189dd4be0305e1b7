"""Counts agree with their nouns on pages and in mails, in Swedish and English."""

from __future__ import annotations

import pytest

from app.exchanges import links
from tests.exchanges.factories import make_exchange, make_signup, signup_form


@pytest.mark.parametrize(
    ("lang", "pupils", "teachers", "expected", "wrong"),
    [
        ("sv", 1, 1, "1 elev och 1 lärare", "1 elever"),
        ("sv", 2, 1, "2 elever och 1 lärare", "2 elev "),
        ("en", 1, 1, "1 pupil and 1 teacher", "1 pupils"),
        ("en", 3, 2, "3 pupils and 2 teachers", "1 teachers"),
    ],
)
def test_the_sign_up_mail_counts_pupils_and_teachers_in_words_that_agree(
    client, app, smtp, lang, pupils, teachers, expected, wrong
):
    exchange = make_exchange(places=10)
    client.post(
        f"/exchanges/{exchange.id}/signup?lang={lang}",
        data=signup_form(students=pupils, teachers=teachers),
    )
    (mail,) = smtp.wait_for(1)
    for body in (mail.get_body(("plain",)), mail.get_body(("html",))):
        text = " ".join(body.get_content().split())
        assert expected in text
        assert wrong not in text


def test_a_waiting_group_of_one_is_told_in_the_singular(client, app):
    exchange = make_exchange(places=1)
    make_signup(exchange, pupils=1)
    page = client.post(
        f"/exchanges/{exchange.id}/signup?lang=en",
        data=signup_form(students=1),
        follow_redirects=True,
    ).text
    assert "not enough places left for 1 pupil on" in page


def test_an_offer_for_one_pupil_is_in_the_singular(client, app, smtp):
    exchange = make_exchange(places=1)
    leaving = make_signup(exchange, pupils=1)
    make_signup(exchange, pupils=1, email="next@example.org")
    client.post(links.signup_path(leaving) + "/cancel")
    smtp.wait_for(2)
    (offer,) = smtp.to("next@example.org")
    text = " ".join(offer.get_body(("plain",)).get_content().split())
    assert "Platsen för 1 elev hålls för er" in text
