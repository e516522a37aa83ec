"""The JSON API (/api/v1) and its OpenAPI document; ``intake_bp`` is the issuing bodies'
intake (/api/v1/intake), a blueprint of its own because it authenticates by the body's key and
checks CSRF only for a cookie-carrying post.

Importing the package imports every route module, so each blueprint carries all its routes."""
from . import openapi, search, views  # noqa: F401  (route modules)
from .blueprint import bp
from .intake import bp as intake_bp

__all__ = ["bp", "intake_bp"]
