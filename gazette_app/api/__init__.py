"""The JSON API (/api/v1) and its OpenAPI document.

Importing the package imports every route module, so ``bp`` carries all its routes."""
from . import openapi, search, views  # noqa: F401  (route modules)
from .blueprint import bp

__all__ = ["bp"]
