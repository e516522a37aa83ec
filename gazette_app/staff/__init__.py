"""The staff area: receiving, documents, issues, volumes, statistics, news, feedback.

Importing the package imports every route module, so ``bp`` carries all its routes."""
from . import (  # noqa: F401  (route modules)
    feedback,
    issues,
    news,
    notices,
    past_issues,
    receiving,
    statistics,
    views,
    volumes,
)
from .blueprint import bp

__all__ = ["bp"]
