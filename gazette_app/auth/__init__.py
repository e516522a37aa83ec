"""Signing in and out, roles and the access checks the other areas use.

Importing the package imports every route module, so ``bp`` carries all its routes."""
from . import views  # noqa: F401  (route modules)
from .blueprint import bp

__all__ = ["bp"]
