"""The gazette application: ``create_app`` wires settings, extensions and blueprints."""
from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import cast

from flask import Flask
from flask.json.provider import DefaultJSONProvider

from .config import PROJECT_ROOT, from_environment, instance_path
from .extensions import csrf, db, login_manager, migrate
from .models.types import include_object, render_item
from .ratelimits import limiter


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
    from . import logs, security
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

    from . import models  # noqa: F401  (registers every table)
    from .api import openapi as _api_openapi  # noqa: F401  (adds the OpenAPI document)
    from .api import search as _api_search  # noqa: F401  (adds /api/v1/search)
    from .api.intake import bp as intake_bp
    from .api.views import bp as api_bp
    from .auth.views import bp as auth_bp
    from .errors import init_app as init_errors
    from .public import documents as _p1  # noqa: F401
    from .public import feedback as _p4  # noqa: F401
    from .public import feeds as _p2  # noqa: F401
    from .public import gazette as _p3  # noqa: F401
    from .public import search as _public_search  # noqa: F401  (adds /tim-kiem)
    from .public.views import bp as public_bp
    from .staff import feedback as _staff_feedback  # noqa: F401
    from .staff import issues as _staff_issues  # noqa: F401  (adds the issue pages)
    from .staff import news as _staff_news  # noqa: F401
    from .staff import notices as _staff_notices  # noqa: F401  (adds notify-the-issuer pages)
    from .staff import receiving as _staff_receiving  # noqa: F401  (adds receiving pages)
    from .staff import statistics as _staff_statistics  # noqa: F401
    from .staff import volumes as _staff_volumes  # noqa: F401  (adds the archive pages)
    from .staff.views import bp as staff_bp

    for blueprint in (auth_bp, staff_bp, public_bp, api_bp, intake_bp):
        app.register_blueprint(blueprint)
    csrf.exempt(api_bp)  # JSON API: no cookies are trusted there, so no CSRF token
    init_errors(app)

    from . import cli, jobs, recovery, search, templating
    from .services import freeze, receiving, statuses, volumes  # noqa: F401  (their jobs)
    freeze.init_app(app)
    cli.init_app(app)
    jobs.init_app(app, on_start=recovery.recover_at_start)
    templating.init_app(app)
    search.init_app(app)
    return app
