"""Marshmallow schemas of the JSON API (they also generate the OpenAPI components)."""
from __future__ import annotations

from marshmallow import Schema, fields

from ..security import public_url_for


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
                                                   document_id=f.document_id, file_id=f.id,
                                                   tai=1))


class PublicationSchema(Schema):
    year = fields.Integer()
    numbers = fields.List(fields.Integer())
    date = fields.Date()
    page = fields.Integer()
    citation = fields.String()


class DocumentSchema(Schema):
    id = fields.Integer()
    notation = fields.String()
    issuer = fields.Function(lambda d: d.issuer.name)
    issuer_code = fields.Function(lambda d: d.issuer.code)
    doc_type = fields.String()
    legal = fields.Boolean()
    abstract = fields.String()
    signer = fields.String()
    issued = fields.Date()
    effective = fields.Date(allow_none=True)
    expires = fields.Date(allow_none=True)
    field = fields.String()
    status = fields.Function(lambda d: d.current_status)  # today's, in Vietnam
    status_label = fields.String()
    url = fields.Function(_document_url)
    pdf_url = fields.Method("_pdf_url", allow_none=True)
    # Files the public may download (never one withheld for its active content).
    files = fields.List(fields.Nested(FileSchema), attribute="public_files")
    publication = fields.Method("_publication", allow_none=True)

    def _pdf_url(self, document):
        pdf = document.file("pdf")
        return public_url_for("api.document_pdf", document_id=document.id) \
            if pdf else None

    def _publication(self, document):
        from ..public.documents import citation
        entry = document.published_entry
        if entry is None:
            return None
        return PublicationSchema().dump({
            "year": entry.issue.year, "numbers": entry.issue.number_list,
            "date": entry.issue.date, "page": document.published_page,
            "citation": citation(document)})


class ContentsEntrySchema(Schema):
    document_id = fields.Integer()
    part = fields.String(metadata={"description": "legal | other"})
    notation = fields.Function(lambda e: e.document.notation)
    doc_type = fields.Function(lambda e: e.document.doc_type)
    issuer = fields.Function(lambda e: e.document.issuer.name)
    issued = fields.Function(lambda e: e.document.issued.isoformat())
    abstract = fields.Function(lambda e: e.document.abstract)
    page = fields.Function(lambda e: e.issue.first_page + e.start_page - 1)
    page_count = fields.Integer()


class IssueSchema(Schema):
    year = fields.Integer()
    numbers = fields.Function(lambda i: i.number_list)
    label = fields.String()
    date = fields.Date()
    page_count = fields.Integer()
    documents = fields.Function(lambda i: len(i.entries))
    pdf_sha256 = fields.String()
    signed = fields.Function(lambda i: bool(i.signed_pdf_sha256))
    url = fields.Function(lambda i: public_url_for("public.issue_page", year=i.year,
                                            number=i.first_number))
    pdf_url = fields.Function(lambda i: public_url_for("public.issue_pdf", year=i.year,
                                                number=i.first_number))


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
    built_at = fields.DateTime()
    issues = fields.Function(lambda v: [i.label for i in v.issues])
    pdf_url = fields.Function(lambda v: public_url_for("public.volume_pdf", year=v.year,
                                                quarter=v.quarter))
    manifest_url = fields.Function(lambda v: public_url_for("public.volume_manifest",
                                                            year=v.year, quarter=v.quarter))


class CitationSchema(Schema):
    """What a citation ("Số 12/2026, tr. 23") leads to."""

    citation = fields.Function(lambda r: r.citation.text)
    year = fields.Function(lambda r: r.citation.year)
    number = fields.Function(lambda r: r.citation.number)
    page = fields.Function(lambda r: r.citation.page)
    issue = fields.Function(lambda r: r.issue.label)
    issue_url = fields.Function(lambda r: public_url_for("api.issue", year=r.issue.year,
                                                  number=r.issue.first_number))
    where = fields.String(metadata={"description": "document | front | colophon"})
    document = fields.Function(lambda r: DocumentSchema().dump(r.document) if r.document
                               else None)


class NewsSchema(Schema):
    id = fields.Integer()
    title = fields.String()
    body = fields.String()
    published_at = fields.DateTime()


class FeedbackCreatedSchema(Schema):
    id = fields.Integer()
    created_at = fields.DateTime()
    message = fields.String()
