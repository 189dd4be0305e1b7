import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from flask_babel import format_date

from app import create_app
from app.config import ConfigError, from_environment, normalise_database_url, secret_key_for
from app.i18n import select_locale

ROOT = Path(__file__).resolve().parent.parent


def test_secret_key_is_generated_once_into_the_instance_folder(tmp_path):
    first = secret_key_for(str(tmp_path))
    assert len(first) >= 32
    assert (tmp_path / "secret_key").read_text() == first
    assert secret_key_for(str(tmp_path)) == first


def test_environment_overrides_defaults_with_typed_values():
    values = from_environment(
        {"SMTP_PORT": "2525", "SMTP_STARTTLS": "true", "MAIL_FROM": "x@example.org"}
    )
    assert values == {"SMTP_PORT": 2525, "SMTP_STARTTLS": True, "MAIL_FROM": "x@example.org"}


def test_plain_postgres_urls_use_psycopg3():
    assert normalise_database_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_database_url("sqlite:///x.db") == "sqlite:///x.db"


def test_default_database_is_sqlite_in_the_instance_folder(tmp_path):
    app = create_app({"INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "x"})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'planner.db'}"


def test_instance_config_file_is_read(tmp_path, monkeypatch):
    (tmp_path / "config.py").write_text('MAIL_FROM = "office@example.org"\n')
    monkeypatch.setenv("VANORT_INSTANCE_PATH", str(tmp_path))
    monkeypatch.delenv("MAIL_FROM", raising=False)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'x.db'}")
    app = create_app()
    assert app.config["MAIL_FROM"] == "office@example.org"
    assert (tmp_path / "secret_key").exists()


def test_unreachable_database_gives_one_clear_line_not_a_traceback(tmp_path):
    env = {
        **os.environ,
        "DATABASE_URL": "postgresql+psycopg://nobody@127.0.0.1:1/nothing",
        "VANORT_INSTANCE_PATH": str(tmp_path),
    }
    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "app", "seed-demo"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert "cannot reach the database" in lines[0]
    assert "127.0.0.1" in lines[0]


def test_session_cookie_is_secure_behind_https(tmp_path):
    app = create_app(
        {
            "INSTANCE_PATH": str(tmp_path),
            "SECRET_KEY": "x",
            "PUBLIC_BASE_URL": "https://planner.example.org",
        }
    )
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_gunicorn_stops_once_when_the_database_is_unreachable(tmp_path):
    """The master must not restart failing workers forever with the port open."""
    env = {
        **os.environ,
        "DATABASE_URL": "postgresql+psycopg://nobody@127.0.0.1:1/nothing",
        "VANORT_INSTANCE_PATH": str(tmp_path),
    }
    result = subprocess.run(
        [sys.executable, "-m", "gunicorn", "-w", "2", "-b", "127.0.0.1:0", "app:create_app()"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert result.stderr.count("cannot reach the database") <= 2  # once per worker, no loop
    assert "cannot reach the database" in result.stderr
    assert "Worker failed to boot" in result.stderr


def test_default_language_is_one_the_pages_speak(tmp_path):
    """`sv-SE` or `EN` name a language the pages have; any other is refused at start,
    not answered with a 500 on the first page."""
    for given, used in (("sv-SE", "sv"), ("EN", "en"), ("en_GB", "en")):
        app = create_app(
            {"INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "x", "DEFAULT_LANGUAGE": given}
        )
        assert app.config["DEFAULT_LANGUAGE"] == used
        with app.test_request_context("/", headers={"Accept-Language": "de"}):
            assert select_locale() == used
            assert format_date(date(2026, 12, 1))  # Babel knows the locale
    with pytest.raises(ConfigError, match="DEFAULT_LANGUAGE"):
        create_app({"INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "x", "DEFAULT_LANGUAGE": "xx"})


@pytest.mark.parametrize(
    ("name", "value", "said"),
    [("DEFAULT_LANGUAGE", "de", "DEFAULT_LANGUAGE must be one of sv, en"),
     ("SMTP_PORT", "twenty-five", "SMTP_PORT must be a whole number")],
)  # fmt: skip
def test_a_bad_setting_stops_the_command_with_one_clear_line(tmp_path, name, value, said):
    env = {**os.environ, name: value, "VANORT_INSTANCE_PATH": str(tmp_path),
           "DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}"}  # fmt: skip
    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "app", "seed-demo"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert said in result.stderr
