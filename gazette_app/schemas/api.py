"""Marshmallow schemas of the JSON API (they also generate the OpenAPI components).

Computed fields state their OpenAPI type in ``metadata`` (apispec copies it), so that a client
generated from the spec is typed; every field is always present in an answer (marshmallow
dumps them all, ``null`` where ``allow_none``), which the spec states as ``required``."""
from __future__ import annotations

from marshmallow import Schema, fields

from search_index.analysis import slugify

from ..public_record import citation, document_url, public_relations
from ..security import absolute_url, public_url_for
from ..services.titles import title_name
from ..signature_words import signature_summary
from ..vocabulary import RELATION_LABELS, STATUS_LABELS, document_title

STRING = {"type": "string"}
INTEGER = {"type": "integer"}
URI = {"type": "string", "format": "uri"}
NULLABLE = {"nullable": True}


def ref(name: str) -> dict:
    """A computed object field typed as a component (nullable: absent means null)."""
    return {"allOf": [{"$ref": f"#/components/schemas/{name}"}], "nullable": True}


def relation_view(relation, document, public_ids: set[int]) -> dict:
    """A relation seen from ``document``: which way, its label, the other document."""
    outgoing = relation.source_id == document.id
    other = relation.target if outgoing else relation.source
    other_id = other.id if other is not None else None
    shown = other_id if other_id in public_ids else None
    return {"kind": relation.kind, "direction": "outgoing" if outgoing else "incoming",
            "label": RELATION_LABELS[relation.kind][0 if outgoing else 1],
            "notation": other.notation if other is not None else relation.target_text,
            "document_id": shown,
            "url": absolute_url(document_url(other)) if shown else None}


def _document_url(document) -> str:
    return public_url_for("public.document_page", issuer=document.issuer.code,
                          year=document.year, slug=document.slug)


class FileSchema(Schema):
    id = fields.Integer()
    role = fields.String(metadata={"description": "original | pdf | attachment"})
    filename = fields.String()
    media_type = fields.String()
    size = fields.Integer()
    sha256 = fields.String()
    url = fields.Function(lambda f: public_url_for("public.document_file",
                                                   document_id=f.document_id,
                                                   file_id=f.id, tai=1), metadata=URI)


class PublicationSchema(Schema):
    """Where a document was published: the issue, its page, the citation."""
    year = fields.Integer()
    numbers = fields.List(fields.Integer())
    label = fields.Function(lambda p: "Số " + " + ".join(f"{n:02d}" for n in p["numbers"]),
                            metadata=STRING)
    date = fields.Date()
    page = fields.Integer(allow_none=True)
    citation = fields.String()
    url = fields.String(metadata={"format": "uri", "description": "the issue's page"})


class RelationSchema(Schema):
    """A confirmed relation, from this document ("outgoing": it amends, repeals ...) or to it
    ("incoming": it is amended by ...). The other document is named; linked when public."""
    kind = fields.String(metadata={"enum": ["amends", "replaces", "repeals", "suspends",
                                            "corrects", "guides"]})
    direction = fields.String(metadata={"enum": ["outgoing", "incoming"]})
    label = fields.String(metadata={"description": "Sửa đổi, bổ sung / Bị bãi bỏ bởi ..."})
    notation = fields.String()
    document_id = fields.Integer(allow_none=True)
    url = fields.String(allow_none=True, metadata={"format": "uri"})


class DocumentSchema(Schema):
    id = fields.Integer()
    notation = fields.String()
    issuer = fields.String(attribute="issuer.name")
    issuer_code = fields.String(attribute="issuer.code")
    doc_type = fields.String()
    doc_type_code = fields.Function(lambda d: slugify(d.doc_type), metadata=STRING)
    type_name = fields.String(metadata={"description": "Quyết định, Nghị quyết, ..."})
    title = fields.Function(lambda d: document_title(d.type_name, d.notation, d.issuer.name),
                            metadata=STRING)
    legal = fields.Boolean()
    abstract = fields.String()
    signer = fields.String()
    issued = fields.Date()
    effective = fields.Date(allow_none=True)
    expires = fields.Date(allow_none=True)
    field = fields.String()
    status = fields.String(attribute="current_status",
                           metadata={"enum": list(STATUS_LABELS), "description": "today's"})
    status_label = fields.String()
    url = fields.Function(_document_url, metadata=URI)
    pdf_url = fields.Method("_pdf_url", allow_none=True, metadata=URI | NULLABLE)
    # Files the public may download (never one withheld for its active content).
    files = fields.List(fields.Nested(FileSchema), attribute="public_files")
    publication = fields.Method("_publication", allow_none=True, metadata=ref("Publication"))
    relations = fields.Method("_relations", metadata={
        "type": "array", "items": {"$ref": "#/components/schemas/Relation"}})

    def _pdf_url(self, document):
        pdf = document.file("pdf")
        return public_url_for("api.document_pdf", document_id=document.id) \
            if pdf else None

    def _publication(self, document):
        entry = document.published_entry
        if entry is None:
            return None
        return PublicationSchema().dump({
            "year": entry.issue.year, "numbers": entry.issue.number_list,
            "date": entry.issue.date, "page": document.published_page,
            "citation": citation(document),
            "url": public_url_for("public.issue_page", **entry.issue.address)})

    def _relations(self, document):
        relations, public_ids = public_relations(document)
        return RelationSchema(many=True).dump(
            [relation_view(r, document, public_ids) for r in relations])


class ContentsEntrySchema(Schema):
    document_id = fields.Integer()
    part = fields.String(metadata={"description": "legal | other"})
    notation = fields.String(attribute="document.notation")
    doc_type = fields.String(attribute="document.doc_type")
    issuer = fields.String(attribute="document.issuer.name")
    issued = fields.Date(attribute="document.issued")
    abstract = fields.String(attribute="document.abstract")
    page = fields.Function(lambda e: e.issue.first_page + e.start_page - 1, metadata=INTEGER)
    url = fields.Function(lambda e: _document_url(e.document), metadata=URI)
    page_count = fields.Integer()


DATE_TIME = {"type": "string", "format": "date-time", "nullable": True}


class SignatureSchema(Schema):
    """The e-edition's signature as validated when it was published or last re-stamped
    (stored then, not validated per request)."""
    signer = fields.String(metadata={"description": "the signing certificate's common name"})
    signed_at = fields.String(allow_none=True, metadata=DATE_TIME | {
        "description": "the signature timestamp (from the time-stamping authority)"})
    timestamped_at = fields.String(allow_none=True, metadata=DATE_TIME | {
        "description": "the last document timestamp (PAdES B-LTA), else signed_at"})
    timestamp_expires = fields.String(allow_none=True, metadata=DATE_TIME | {
        "description": "when the last timestamp's TSA certificate expires"})
    valid = fields.Boolean()
    ltv = fields.Boolean(metadata={"description": "valid from the validation data the file "
                                                  "carries alone (long-term validation)"})
    level = fields.String(metadata={"description": "PAdES B-B, B-T, B-LT or B-LTA"})
    checked_at = fields.String(metadata={"format": "date-time"})
    summary = fields.String(metadata={"description": "the state in Vietnamese words"})
    revisions = fields.Integer(metadata={"description": "re-stampings since publication"})


class IssueSchema(Schema):
    title = fields.Function(lambda i: i.title.route_slug, allow_none=True, metadata={
        "type": "string", "nullable": True,
        "description": "a former province's title (null: the current Công báo)"})
    gazette = fields.Function(lambda i: title_name(i.title), metadata=STRING)
    year = fields.Integer()
    numbers = fields.List(fields.Integer(), attribute="number_list")
    label = fields.String()
    date = fields.Date()
    page_count = fields.Integer(allow_none=True)
    documents = fields.Function(lambda i: len(i.entries), metadata=INTEGER)
    pdf_sha256 = fields.String(allow_none=True)
    signed = fields.Function(lambda i: bool(i.signed_pdf_sha256), metadata={"type": "boolean"})
    signature = fields.Method("_signature", allow_none=True, metadata=ref("Signature"))
    url = fields.Function(lambda i: public_url_for("public.issue_page", **i.address),
                          metadata=URI)
    pdf_url = fields.Function(lambda i: public_url_for("public.issue_pdf", **i.address),
                              metadata=URI)


    def _signature(self, issue):
        state = issue.signature_state
        if not state:
            return None
        return SignatureSchema().dump({**state, "summary": signature_summary(state),
                                       "revisions": len(issue.signed_revisions or ())})


class IssueDetailSchema(IssueSchema):
    contents = fields.List(fields.Nested(ContentsEntrySchema), attribute="entries")


class VolumeSchema(Schema):
    year = fields.Integer()
    quarter = fields.Integer()
    label = fields.String()
    page_count = fields.Integer(allow_none=True)
    sheet_count = fields.Integer(allow_none=True)
    double_sided = fields.Boolean()
    pdf_sha256 = fields.String(allow_none=True)
    manifest_sha256 = fields.String(allow_none=True)
    content_sha256 = fields.String(allow_none=True,
                                   metadata={"description": "printed in the volume's manifest"})
    built_at = fields.DateTime(allow_none=True)
    issues = fields.Function(lambda v: [i.label for i in v.issues],
                             metadata={"type": "array", "items": STRING})
    pdf_url = fields.Function(lambda v: public_url_for("public.volume_pdf", **v.address),
                              metadata=URI)
    manifest_url = fields.Function(lambda v: public_url_for("public.volume_manifest",
                                                            **v.address), metadata=URI)


class CitationSchema(Schema):
    """What a citation ("Số 12/2026, tr. 23") leads to."""

    citation = fields.String(attribute="text")
    year = fields.Integer(attribute="citation.year")
    number = fields.Integer(attribute="citation.number")
    page = fields.Integer(attribute="citation.page")
    issue = fields.String(attribute="issue.label")
    issue_url = fields.Function(lambda r: public_url_for("api.issue", year=r.issue.year,
                                                  number=r.issue.first_number),
                                metadata=URI)
    where = fields.String(metadata={"enum": ["document", "front", "colophon"]})
    document = fields.Nested(lambda: DocumentSchema(), allow_none=True)


class NewsSchema(Schema):
    id = fields.Integer()
    title = fields.String()
    body = fields.String()
    published_at = fields.DateTime()


class FeedbackCreatedSchema(Schema):
    id = fields.Integer()
    created_at = fields.DateTime()
    message = fields.String()


# --- lists: the answers' envelopes, dumped by these very schemas ---------------------------

class DocumentListSchema(Schema):
    total = fields.Integer()
    page = fields.Integer()
    size = fields.Integer()
    pages = fields.Integer()
    results = fields.List(fields.Nested(DocumentSchema))


class IssueListSchema(Schema):
    year = fields.Integer()
    results = fields.List(fields.Nested(IssueSchema))


class VolumeListSchema(Schema):
    results = fields.List(fields.Nested(VolumeSchema))


class NewsListSchema(Schema):
    results = fields.List(fields.Nested(NewsSchema))
