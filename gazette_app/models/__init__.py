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
from .issue import Issue, IssueEntry, IssueNumber, in_current_title, published_issues
from .past_issue import PastIssueImport
from .receipt import Job, Receipt
from .refresh import StatusRefresh
from .search import SearchLog, SearchOutbox
from .states import DocumentState, IssueState
from .title import GazetteTitle, current_title_id
from .user import Role, User
from .volume import Verification, Volume, volume_issues

__all__ = ["current_title_id", "in_current_title", "public_documents", "published_issues",
           "ApiKey", "AuditEvent", "Document",
           "DocumentFile", "DocumentRelation", "DocumentState", "DuplicateFlag", "Feedback",
           "GazetteTitle", "PastIssueImport",
           "Issue", "IssueEntry", "IssueNumber", "IssueState", "Issuer", "Job", "NewsItem",
           "Receipt", "Role", "SearchLog", "SearchOutbox", "StatusRefresh", "User",
           "Verification", "Volume", "volume_issues"]
