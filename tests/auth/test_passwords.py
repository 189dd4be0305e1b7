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


@pytest.mark.parametrize(
    ("lang", "own", "said"),
    [
        ("en", True, "The password must not be your e-mail address."),
        ("en", False, "The password must not be the account's e-mail address."),
        ("sv", True, "Lösenordet får inte vara din e-postadress."),
        ("sv", False, "Lösenordet får inte vara kontots e-postadress."),
    ],
)
def test_the_address_refusal_speaks_of_your_address_only_for_ones_own_account(app, lang, own, said):
    from flask_babel import force_locale

    with app.test_request_context(), force_locale(lang):
        with pytest.raises(PasswordError) as refused:
            check_password("anna.berg@goteborg.se", "anna.berg@goteborg.se", own=own)
        assert str(refused.value.message).startswith(said)


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
        ("en", "new.person@example.org", "must not be the account's e-mail address"),
        ("sv", "12345678", "Fel: Lösenordet måste ha minst 12 tecken."),
        ("sv", "password1234", "ett av de vanligaste"),
        ("sv", "new.person@example.org", "får inte vara kontots e-postadress"),
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


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("en", "Error: The name may have at most 120 characters."),
        ("sv", "Fel: Namnet får ha högst 120 tecken."),
    ],
)
def test_create_coordinator_refuses_a_name_longer_than_the_form_allows(app, runner, lang, said):
    app.config["DEFAULT_LANGUAGE"] = lang
    result = runner.invoke(
        args=[
            "create-coordinator",
            "new.person@example.org",
            "--password",
            "long enough pw",
            "--name",
            "N" * 121,
        ]
    )
    assert result.exit_code == 1
    assert result.output.strip() == said  # no traceback, no password hash
    assert _count() == 0
    fits = runner.invoke(
        args=[
            "create-coordinator",
            "new.person@example.org",
            "--password",
            "long enough pw",
            "--name",
            "  " + "N" * 120 + "  ",
        ]
    )
    assert fits.exit_code == 0, fits.output
    assert db.session.scalar(sa.select(Coordinator.name)) == "N" * 120


@pytest.mark.parametrize(
    "args",
    [
        ["not-an-address"],
        ["office@example.org"],  # taken
        ["new.person@example.org", "--name", "N" * 121],
    ],
)
def test_create_coordinator_checks_the_address_and_name_before_asking_for_a_password(
    app, runner, coordinator, args
):
    app.config["DEFAULT_LANGUAGE"] = "en"
    result = runner.invoke(args=["create-coordinator", *args], input="")
    assert result.exit_code == 1
    assert result.output.startswith("Error: ")
    assert "Password" not in result.output  # never prompted
    assert _count() == 1
