"""All models, imported here so that Alembic and the app see every table."""
from .audit import AuditEvent
from .document import (
    Document,
    DocumentFile,
    DocumentRelation,
    DuplicateFlag,
    Issuer,
    public_documents,
)
from .feedback import ApiKey, Feedback, NewsItem
from .issue import Issue, IssueEntry, IssueNumber
from .receipt import Job, Receipt
from .refresh import StatusRefresh
from .search import SearchLog, SearchOutbox
from .user import Role, User
from .volume import Verification, Volume, volume_issues

__all__ = ["public_documents", "ApiKey", "AuditEvent", "Feedback", "NewsItem", "Document",
           "DocumentFile", "DocumentRelation", "DuplicateFlag", "Issue", "IssueEntry",
           "IssueNumber", "Issuer", "Job", "Receipt", "Role", "SearchLog", "SearchOutbox",
           "StatusRefresh", "User", "Verification", "Volume", "volume_issues"]
