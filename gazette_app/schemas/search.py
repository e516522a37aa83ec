"""The search in both directions: its arguments from a URL, validated the same way for the
public page and the API, and the result the API sends (``SearchResultSchema``, which the
OpenAPI document also describes, so the JSON and its documentation cannot drift apart)."""
from __future__ import annotations

import re
import time
from datetime import date

from flask import current_app
from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate, validates_schema
from sqlalchemy import select

from search_index.analysis import slugify
from search_index.model import MAX_PAGE_SIZE, MAX_RESULTS, SearchQuery

from ..extensions import db
from ..models import Document, Issuer
from ..models.title import TITLE_SLUG
from ..vocabulary import STATUS_LABELS
from .api import ref
from .records import Text


class SearchArgsSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    q = Text(load_default="", validate=validate.Length(max=500,
             error="Từ khoá dài quá 500 ký tự."))
    issuer = Text(load_default=None, validate=validate.Length(max=200))
    doc_type = Text(load_default=None, validate=validate.Length(max=120))
    legal = fields.Boolean(load_default=None, truthy={"1", "true", "yes"},
                           falsy={"0", "false", "no"},
                           error_messages={"invalid": "Nhóm văn bản phải là 1 (QPPL) hoặc 0."})
    status = fields.String(load_default=None, validate=validate.OneOf(
        list(STATUS_LABELS), error="Tình trạng hiệu lực không hợp lệ."))
    field = Text(load_default=None, validate=validate.Length(max=120))
    date_from = fields.Date(load_default=None,
                            error_messages={"invalid": "Ngày không hợp lệ (YYYY-MM-DD)."})
    date_to = fields.Date(load_default=None,
                          error_messages={"invalid": "Ngày không hợp lệ (YYYY-MM-DD)."})
    year = fields.Integer(load_default=None, strict=False, validate=validate.Range(
        1945, 2100, error="Năm phải từ 1945 đến 2100."),
        error_messages={"invalid": "Năm phải là số."})
    issue = fields.Integer(load_default=None, validate=validate.Range(
        1, 9999, error="Số Công báo phải từ 1."), error_messages={"invalid": "Số phải là số."})
    title = fields.String(load_default=None, validate=[validate.Length(max=40), validate.Regexp(
        TITLE_SLUG, error="Mã tên Công báo không hợp lệ.")])  # one gazette title (its slug)
    sort = fields.String(load_default="relevance", validate=validate.OneOf(
        ["relevance", "date"], error="Sắp xếp theo relevance hoặc date."))
    page = fields.Integer(load_default=1, validate=validate.Range(
        1, MAX_RESULTS, error=f"Trang phải từ 1 đến {MAX_RESULTS}."),
        error_messages={"invalid": "Trang phải là số."})
    size = fields.Integer(load_default=20, validate=validate.Range(
        1, MAX_PAGE_SIZE, error=f"Mỗi trang từ 1 đến {MAX_PAGE_SIZE} kết quả."),
        error_messages={"invalid": "Số kết quả mỗi trang phải là số."})

    @validates_schema
    def _dates_in_order(self, data: dict, **kwargs) -> None:
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            raise ValidationError("Ngày bắt đầu sau ngày kết thúc.",
                                  "date_to")


DATE_FIELDS = ("date_from", "date_to")
_VN_DATE = re.compile(r"^\s*(\d{1,2})/(\d{1,2})/(\d{4})\s*$")


def vn_dates_to_iso(args: dict) -> dict:
    """The site's date fields are written as Vietnamese readers write dates (15/03/2026);
    they become ISO for the schema. Anything else is left for the schema to refuse."""
    converted = dict(args)
    for name in DATE_FIELDS:
        match = _VN_DATE.match(converted.get(name) or "")
        if match:
            day, month, year = (int(part) for part in match.groups())
            try:
                converted[name] = date(year, month, day).isoformat()
            except ValueError:
                pass
    return converted


def resolve_codes(values: dict) -> tuple[dict, dict[str, dict]]:
    """Filters named by code become what the index holds: ``issuer`` stays a code (checked to
    exist), ``doc_type=quyet-dinh`` becomes the type's name. Returns the values and, per facet,
    the code of each value the index answers (names -> codes), for the facets' ``code``.
    Raises ValidationError naming the field for a code nobody uses."""


    issuers = dict(db.session.execute(select(Issuer.name, Issuer.code)).all())
    types = _type_codes(values.get("doc_type"))
    resolved = dict(values)
    if values.get("issuer") and values["issuer"] not in issuers.values():
        raise ValidationError({"issuer": [
            f"Không có cơ quan ban hành mã “{values['issuer']}”."]})
    if values.get("doc_type"):
        by_code = {code: name for name, code in types.items()}
        if values["doc_type"] not in by_code:
            raise ValidationError({"doc_type": [
                f"Không có loại văn bản mã “{values['doc_type']}”."]})
        resolved["doc_type"] = by_code[values["doc_type"]]
    return resolved, {"issuer": issuers, "doc_type": types}


TYPE_CODES_SECONDS = 60.0  # how long the document types are kept, per process
TYPE_CODES_RETRY_SECONDS = 1.0  # a code not known is looked up again at most this often


def _type_codes(asked: str | None) -> dict[str, str]:
    """Every document type's name -> code. Finding them reads every document (no index on
    the type; at 100,000 documents it was most of a search request's time), so they are kept
    for a minute per process; a code asked for and not known is looked up again at once
    (a type registered a moment ago), at most once a second. A type reaches the facets only
    when a document of it is published, long after it was registered and seen here."""
    now = time.monotonic()
    loaded, types = current_app.extensions.get("gazette_type_codes", (None, {}))
    if loaded is not None and now - loaded < TYPE_CODES_SECONDS and (
            not asked or asked in types.values() or now - loaded < TYPE_CODES_RETRY_SECONDS):
        return types
    types = {name: slugify(name) for name in db.session.scalars(
        select(Document.doc_type).distinct())}
    current_app.extensions["gazette_type_codes"] = (now, types)
    return types


def blank_to_none(args: dict) -> dict:
    """Empty form fields ("issuer=") mean "no filter"."""
    return {k: v for k, v in args.items() if v not in ("", None)}


def to_query(values: dict) -> SearchQuery:
    return SearchQuery(text=values["q"], issuer=values["issuer"], doc_type=values["doc_type"],
                       legal=values["legal"], status=values["status"], field=values["field"],
                       date_from=values["date_from"], date_to=values["date_to"],
                       year=values["year"], issue=values["issue"], gazette=values["title"],
                       sort=values["sort"],
                       page=values["page"], size=values["size"])


# --- the result, as /api/v1/search sends it ----------------------------------------------------



class HitPublicationSchema(Schema):
    """Where a hit was published (dumped from a ``public_record.HitView``)."""
    issue = fields.String(attribute="issue_label", metadata={"example": "Số 12/2026"})
    year = fields.Integer(attribute="issue_year")
    number = fields.Integer(attribute="issue_number")
    page = fields.Integer(allow_none=True)
    label = fields.String(attribute="publication",
                          metadata={"example": "Công báo Số 12/2026, tr. 23"})
    url = fields.String(attribute="issue_url", metadata={"format": "uri"})


class HitSchema(Schema):
    """A search hit (dumped from a ``public_record.HitView``)."""
    id = fields.Integer(attribute="hit.id")
    title = fields.String(metadata={"example": "Nghị quyết số 21/NQ-HĐND của HĐND xã Chiềng Hặc"})
    notation = fields.String(attribute="hit.notation")
    issuer = fields.String(attribute="hit.issuer")
    issuer_code = fields.String(attribute="hit.issuer_code")
    doc_type = fields.String(attribute="hit.doc_type")
    type_name = fields.String()
    issued = fields.Date(attribute="hit.issued")
    abstract = fields.String(attribute="hit.abstract")
    status = fields.String(metadata={"enum": list(STATUS_LABELS)})
    status_label = fields.String()
    legal = fields.Boolean(attribute="hit.legal")
    url = fields.String(metadata={"format": "uri", "description": "the readable URL"})
    highlights = fields.Dict(keys=fields.String(), values=fields.String(),
                             attribute="hit.highlights",
                             metadata={"description": "field → text with <mark>"})
    publication = fields.Method("_publication", allow_none=True, metadata=ref("HitPublication"))

    def _publication(self, view):
        return HitPublicationSchema().dump(view) if view.issue_label else None


class FacetSchema(Schema):
    code = fields.String(metadata={"description": "pass it back as the filter's value"})
    label = fields.String()
    count = fields.Integer()


class FacetsSchema(Schema):
    issuer = fields.List(fields.Nested(FacetSchema))
    doc_type = fields.List(fields.Nested(FacetSchema))
    year = fields.List(fields.Nested(FacetSchema))
    status = fields.List(fields.Nested(FacetSchema))


class SearchResultSchema(Schema):
    total = fields.Integer()
    total_relation = fields.String(metadata={
        "enum": ["eq", "gte"],
        "description": "gte: more than total documents match (counting stops at 10,000; the "
                       "facets then count the first 10,000 matches)"})
    page = fields.Integer()
    size = fields.Integer()
    pages = fields.Integer()
    suggestion = fields.String(allow_none=True)
    relaxed = fields.Boolean()
    results = fields.List(fields.Nested(HitSchema))
    facets = fields.Nested(FacetsSchema)
