"""The gazette application: ``create_app`` wires settings, extensions and blueprints."""
from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import cast

from flask import Flask
from flask.json.provider import DefaultJSONProvider

from . import (
    api,
    auth,
    cli,
    jobs,
    logs,
    models,  # noqa: F401  (registers every table)
    public,
    recovery,
    search,
    security,
    staff,
    templating,
)
from .config import PROJECT_ROOT, from_environment, instance_path
from .errors import init_app as init_errors
from .extensions import csrf, db, login_manager, migrate
from .inputs import DatabaseInteger
from .models.types import include_object, render_item
from .ratelimits import limiter
from .services import freeze, receiving, relations, statuses, volumes  # noqa: F401  (jobs)


def create_app(test_config: dict | None = None, instance: Path | str | None = None) -> Flask:
    """Build the app. ``instance`` (or GAZETTE_INSTANCE) is the folder of runtime data;
    ``test_config`` overrides settings read from the environment."""
    instance = Path(instance).resolve() if instance else instance_path()
    instance.mkdir(parents=True, exist_ok=True)
    app = Flask(__name__, instance_path=str(instance))
    app.config.from_mapping(from_environment(instance))
    if test_config:
        app.config.update(test_config)
    # Vietnamese stays readable in API answers
    cast(DefaultJSONProvider, app.json).ensure_ascii = False
    logs.init_app(app)  # first: every later before_request logs with the request id
    security.init_app(app)
    if not os.environ.get("GAZETTE_SECRET_KEY") and not (app.debug or app.testing):
        logging.getLogger(__name__).warning(
            "GAZETTE_SECRET_KEY is not set: using the key generated in %s/secret_key; in "
            "production give it from the environment (the same on every server)", instance)

    db.init_app(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"), render_as_batch=True,
                     compare_type=True, render_item=render_item, include_object=include_object)
    csrf.init_app(app)
    login_manager.init_app(app)
    limiter.init_app(app)

    app.url_map.converters["int"] = DatabaseInteger  # before the rules are added
    for blueprint in (auth.bp, staff.bp, public.bp, api.bp, api.intake_bp):
        app.register_blueprint(blueprint)
    csrf.exempt(api.bp)  # JSON API: no cookies are trusted there, so no CSRF token
    init_errors(app)

    freeze.init_app(app)
    cli.init_app(app)
    jobs.init_app(app, on_start=recovery.recover_at_start)
    templating.init_app(app)
    search.init_app(app)
    return app
