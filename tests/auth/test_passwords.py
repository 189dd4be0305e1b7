"""Passwords: long enough, not a common one, not the account's own address."""

import pytest
import sqlalchemy as sa

from app.auth.models import Coordinator
from app.auth.passwords import PasswordError, check_password, common_passwords
from app.extensions import db


@pytest.mark.parametrize(
    "weak",
    [
        "12345678",
        "password",
        "Password1234",
        "P@ssw0rd",
        "qwertyuiop123",
        "lösenord123",
        "aaaaaaaaaaaaaaa",
        "1111111111111111",
    ],
)
def test_common_and_short_passwords_are_refused(weak):
    with pytest.raises(PasswordError):
        check_password(weak, "someone@example.org")


def test_the_accounts_own_address_is_refused():
    for weak in ("anna.berg@goteborg.se", "ANNA.BERG@goteborg.se", "anna.berg@goteborg.se!"):
        with pytest.raises(PasswordError, match="e-mail"):
            check_password(weak, "anna.berg@goteborg.se")


def test_a_long_uncommon_password_is_accepted():
    check_password("tre glada kaniner i Majorna", "anna.berg@goteborg.se")


def test_the_shipped_list_holds_the_most_common_passwords():
    common = common_passwords()
    assert len(common) > 150
    assert {"123456", "password", "qwerty", "12345678", "iloveyou"} <= common


def _count():
    return db.session.scalar(sa.select(sa.func.count()).select_from(Coordinator))


@pytest.mark.parametrize(
    ("lang", "password", "said"),
    [
        ("en", "12345678", "Error: The password must have at least 12 characters."),
        ("en", "password1234", "among the most common"),
        ("en", "new.person@example.org", "must not be your e-mail address"),
        ("sv", "12345678", "Fel: Lösenordet måste ha minst 12 tecken."),
        ("sv", "password1234", "ett av de vanligaste"),
        ("sv", "new.person@example.org", "får inte vara din e-postadress"),
    ],
)
def test_create_coordinator_refuses_weak_passwords_in_the_installations_language(
    app, runner, lang, password, said
):
    app.config["DEFAULT_LANGUAGE"] = lang
    result = runner.invoke(
        args=["create-coordinator", "new.person@example.org", "--password", password]
    )
    assert result.exit_code != 0
    assert said in result.output
    assert _count() == 0


def test_create_coordinator_makes_a_coordinator_by_default_and_an_administrator_when_asked(
    app, runner
):
    app.config["DEFAULT_LANGUAGE"] = "en"
    plain = runner.invoke(
        args=["create-coordinator", "c@example.org", "--password", "long enough pw"]
    )
    admin = runner.invoke(
        args=["create-coordinator", "a@example.org", "--password", "long enough pw", "--admin"]
    )
    role = runner.invoke(
        args=[
            "create-coordinator",
            "r@example.org",
            "--password",
            "long enough pw",
            "--role",
            "administrator",
        ]
    )
    assert plain.exit_code == admin.exit_code == role.exit_code == 0, plain.output + admin.output
    assert "Coordinator c@example.org created." in plain.output
    assert "Administrator a@example.org created." in admin.output
    roles = dict(db.session.execute(sa.select(Coordinator.email, Coordinator.role)).all())
    assert roles == {
        "c@example.org": "coordinator",
        "a@example.org": "administrator",
        "r@example.org": "administrator",
    }
