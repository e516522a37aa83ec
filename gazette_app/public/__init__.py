"""The public site: home, documents, issues and volumes, search, feeds, feedback.

Importing the package imports every route module, so ``bp`` carries all its routes."""
from . import documents, feedback, feeds, gazette, search, views  # noqa: F401  (route modules)
from .blueprint import bp

__all__ = ["bp"]
