"""Vänort: the planner of a municipality's international relations office."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from flask import Flask
from werkzeug.routing import IntegerConverter

from app import config as cfg

ROOT = Path(__file__).resolve().parent.parent


class DatabaseIdConverter(IntegerConverter):
    """An <int:…> URL part in ASCII digits that fits a database integer (PostgreSQL's 4 bytes)."""

    regex = r"[0-9]+"

    def __init__(self, url_map, *args, **kwargs) -> None:
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(url_map, *args, **kwargs)


def create_app(test_config: dict | None = None) -> Flask:
    """Build the application: defaults, then instance/config.py, then the environment."""
    app = Flask(
        __name__,
        instance_relative_config=True,
        instance_path=(test_config or {}).get("INSTANCE_PATH")
        or os.environ.get("VANORT_INSTANCE_PATH")
        or str(ROOT / "instance"),
        template_folder=str(ROOT / "templates"),
    )
    app.config.from_object(cfg.Defaults)
    try:
        if test_config is None:
            app.config.from_pyfile("config.py", silent=True)
            app.config.update(cfg.from_environment(os.environ))
        else:
            app.config.update(test_config)
        app.config["DEFAULT_LANGUAGE"] = cfg.language(app.config["DEFAULT_LANGUAGE"])
    except cfg.ConfigError as error:
        if test_config is not None:
            raise
        print(f"Vänort: configuration: {error}", file=sys.stderr)
        raise SystemExit(3) from None  # as below: gunicorn's master stops
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = cfg.secret_key_for(app.instance_path)
    if not app.config.get("DATABASE_URL"):
        app.config["DATABASE_URL"] = f"sqlite:///{Path(app.instance_path) / 'planner.db'}"
    app.config["SQLALCHEMY_DATABASE_URI"] = cfg.normalise_database_url(app.config["DATABASE_URL"])
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        options = dict(app.config["SQLALCHEMY_ENGINE_OPTIONS"])
        options.setdefault("connect_args", {"connect_timeout": 5})
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options
    if str(app.config["PUBLIC_BASE_URL"]).startswith("https://"):
        app.config["SESSION_COOKIE_SECURE"] = True
    app.config["BABEL_DEFAULT_LOCALE"] = app.config["DEFAULT_LANGUAGE"]
    from app.i18n import translation_directories

    app.config["BABEL_TRANSLATION_DIRECTORIES"] = translation_directories()

    _init_extensions(app)
    # Before any rule is added: ids beyond the database's integer range name no page (404).
    app.url_map.converters["int"] = DatabaseIdConverter
    _register_blueprints(app)
    from app import logsecrets

    logsecrets.install()  # secrets in URLs stay out of the access logs
    if app.config.get("CHECK_DATABASE_ON_START", test_config is None):
        _check_database(app)
    return app


def _init_extensions(app: Flask) -> None:
    from app import boundary, dbutil, errors, i18n, mail, ratelimits, security, subscribe
    from app.calendar import fastpath
    from app.extensions import babel, csrf, db, login_manager, migrate

    db.init_app(app)
    with app.app_context():
        dbutil.configure_engine(db.engine)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    login_manager.init_app(app)
    babel.init_app(app, locale_selector=i18n.select_locale)
    i18n.init_app(app)
    subscribe.init_app(app)
    mail.init_app(app)
    errors.init_app(app)
    # Before security: its ProxyFix (TRUSTED_PROXIES) must wrap the fast path too.
    fastpath.init_app(app)
    security.init_app(app)
    # Before the boundary: its counters are written before the request's transaction begins.
    ratelimits.init_app(app)
    boundary.init_app(app)
    from app.auth import permissions

    # After the boundary: the account is read inside the request's transaction.
    permissions.init_app(app)


def _register_blueprints(app: Flask) -> None:
    """Register every blueprint by name: public pages, workspace pages, API, CLI."""
    from app import (
        cli,
        main,
        models,  # noqa: F401  (every model registered on the metadata)
    )
    from app.admin.routes import bp as admin_bp
    from app.agreements.admin import bp as agreements_admin_bp
    from app.api.routes import bp as api_bp
    from app.auth.admin import bp as accounts_admin_bp
    from app.auth.routes import bp as auth_bp
    from app.calendar.admin import bp as calendar_admin_bp
    from app.calendar.routes import bp as calendar_bp
    from app.exchanges.admin import bp as exchanges_admin_bp
    from app.exchanges.cli import bp as exchanges_cli_bp
    from app.exchanges.routes import bp as exchanges_bp
    from app.grants.admin import bp as grants_admin_bp
    from app.meetings import signals as _meetings_signals  # noqa: F401 (connects a receiver)
    from app.meetings.admin import bp as meetings_admin_bp
    from app.meetings.admin_occurrences import bp as meetings_occurrences_bp
    from app.meetings.routes import bp as meetings_bp
    from app.partners.admin import bp as partners_admin_bp
    from app.partners.routes import bp as partners_bp
    from app.records.admin import bp as records_admin_bp
    from app.records.admin import retention_bp as retention_admin_bp
    from app.records.cli import bp as records_cli_bp
    from app.records.cli import retention_bp as retention_cli_bp
    from app.reminders.admin import bp as reminders_admin_bp
    from app.reminders.cli import bp as reminders_cli_bp

    for bp in (
        main.bp,
        auth_bp,
        partners_bp,
        meetings_bp,
        exchanges_bp,
        calendar_bp,
        admin_bp,
        partners_admin_bp,
        agreements_admin_bp,
        grants_admin_bp,
        meetings_admin_bp,
        meetings_occurrences_bp,
        exchanges_admin_bp,
        calendar_admin_bp,
        reminders_admin_bp,
        records_admin_bp,
        accounts_admin_bp,
        retention_admin_bp,
        api_bp,
        cli.bp,
        exchanges_cli_bp,
        reminders_cli_bp,
        records_cli_bp,
        retention_cli_bp,
    ):
        app.register_blueprint(bp)
    from app.exchanges.charts import reciprocity_chart

    # The reciprocity page's chart, drawn in the pictures' shared style (app/charts.py).
    app.add_template_global(reciprocity_chart)


def _check_database(app: Flask) -> None:
    """Stop with one clear line when the configured database cannot be reached."""
    import sqlalchemy as sa

    from app.extensions import db

    with app.app_context():
        try:
            with db.engine.connect() as conn:
                conn.execute(sa.text("SELECT 1"))
        except Exception as exc:  # any driver's failure to connect
            url = db.engine.url.render_as_string(hide_password=True)
            reason = str(getattr(exc, "orig", exc)).strip().splitlines()[0]
            print(f"Vänort: cannot reach the database {url}: {reason}", file=sys.stderr)
            # 3 is gunicorn's "worker failed to boot": the master stops instead of
            # restarting workers forever with the port open.
            raise SystemExit(3) from None
