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
from .issue import Issue, IssueEntry, IssueNumber, published_issues
from .receipt import Job, Receipt
from .refresh import StatusRefresh
from .search import SearchLog, SearchOutbox
from .states import DocumentState, IssueState
from .user import Role, User
from .volume import Verification, Volume, volume_issues

__all__ = ["public_documents", "published_issues", "ApiKey", "AuditEvent", "Document",
           "DocumentFile", "DocumentRelation", "DocumentState", "DuplicateFlag", "Feedback",
           "Issue", "IssueEntry", "IssueNumber", "IssueState", "Issuer", "Job", "NewsItem",
           "Receipt", "Role", "SearchLog", "SearchOutbox", "StatusRefresh", "User",
           "Verification", "Volume", "volume_issues"]
