"""The OpenAPI 3 document of /api/v1, and a docs page rendered from it (no JavaScript)."""
from __future__ import annotations

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import current_app, jsonify, render_template

from search_index.model import MAX_PAGE_SIZE, MAX_RESULTS

from ..notation import JSON_SCHEMA_PATTERN
from ..services.citations import JSON_SCHEMA_PATTERN as CITATION_PATTERN
from ..vocabulary import STATUS_LABELS
from .schemas import (CitationSchema, DocumentSchema, FeedbackCreatedSchema, IssueDetailSchema,
                      IssueSchema, NewsSchema, VolumeSchema)
from .views import bp

ERROR = {"$ref": "#/components/schemas/Error"}
COMMON = {
    "400": {"description": "Tham số không hợp lệ (trường được nêu trong field)",
            "content": {"application/json": {"schema": ERROR}}},
    "429": {"description": "Quá nhiều yêu cầu; xem Retry-After",
            "headers": {"Retry-After": {"schema": {"type": "integer"}}},
            "content": {"application/json": {"schema": ERROR}}},
}
NOT_FOUND = {"404": {"description": "Không tìm thấy",
                     "content": {"application/json": {"schema": ERROR}}}}
NOT_MODIFIED = {"304": {"description": "Không đổi từ ETag đã gửi (If-None-Match)"}}


def _json(schema: str) -> dict:
    return {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}}


# Control characters are refused in every parameter (400), and tab and line breaks only are
# accepted in JSON text (security._refuse_control_characters).
NO_CONTROLS = "^[^\\x00-\\x1f\\x7f]*$"
TEXT_WITHOUT_CONTROLS = "^[^\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f]*$"


def _query(name: str, schema: dict, description: str, required: bool = False) -> dict:
    if schema.get("type") == "string" and not {"enum", "format", "pattern"} & set(schema):
        schema = {**schema, "pattern": NO_CONTROLS}
    return {"name": name, "in": "query", "required": required, "schema": schema,
            "description": description}


def _path(name: str, description: str) -> dict:
    return {"name": name, "in": "path", "required": True,
            "schema": {"type": "integer", "minimum": 1, "maximum": 2147483647},
            "description": description}


def build_spec() -> dict:
    spec = APISpec(title=f"Công báo tỉnh {current_app.config['GAZETTE_PROVINCE']} — API",
                   version="1.0.0", openapi_version="3.0.3", plugins=[MarshmallowPlugin()],
                   info={"description": "API cho ứng dụng di động: tìm kiếm, văn bản, số Công "
                                        "báo, tập lưu trữ, góp ý, tin Công báo. Lỗi trả về "
                                        "JSON có code và message; API key (X-API-Key) cho "
                                        "hạn mức cao hơn."},
                   servers=[{"url": "/"}])
    for name, schema in (("Document", DocumentSchema), ("Issue", IssueSchema),
                         ("IssueDetail", IssueDetailSchema), ("Volume", VolumeSchema),
                         ("Citation", CitationSchema), ("News", NewsSchema), ("FeedbackCreated", FeedbackCreatedSchema)):
        spec.components.schema(name, schema=schema)
    spec.components.schema("Error", {"type": "object", "required": ["error"], "properties": {
        "error": {"type": "object", "required": ["code", "message"], "properties": {
            "code": {"type": "string"}, "message": {"type": "string"},
            "field": {"type": "string"}, "fields": {"type": "object"}}}}})
    spec.components.schema("Hit", {"type": "object", "properties": {
        "id": {"type": "integer"}, "notation": {"type": "string"},
        "issuer": {"type": "string"}, "issuer_code": {"type": "string"},
        "doc_type": {"type": "string"}, "issued": {"type": "string", "format": "date"},
        "abstract": {"type": "string"}, "status": {"type": "string"},
        "legal": {"type": "boolean"}, "url": {"type": "string"},
        "highlights": {"type": "object", "additionalProperties": {"type": "string"}}}})
    facet = {"type": "array", "items": {"type": "object", "properties": {
        "value": {"type": "string"}, "count": {"type": "integer"}}}}
    spec.components.schema("SearchResult", {"type": "object", "properties": {
        "total": {"type": "integer"}, "page": {"type": "integer"}, "size": {"type": "integer"},
        "pages": {"type": "integer"}, "suggestion": {"type": "string", "nullable": True},
        "relaxed": {"type": "boolean"},
        "results": {"type": "array", "items": {"$ref": "#/components/schemas/Hit"}},
        "facets": {"type": "object", "properties": {n: facet for n in
                                                    ("issuer", "doc_type", "year", "status")}}}})
    date = {"type": "string", "format": "date"}
    spec.path("/api/v1/search", operations={"get": {
        "summary": "Tìm văn bản (có dấu hoặc không dấu, theo số ký hiệu, cụm từ trong ngoặc kép)",
        "parameters": [
            _query("q", {"type": "string", "maxLength": 500}, "Từ khoá hoặc số ký hiệu"),
            _query("issuer", {"type": "string"}, "Mã cơ quan ban hành (ví dụ ubnd-tinh)"),
            _query("doc_type", {"type": "string"}, "Loại văn bản"),
            _query("legal", {"type": "string", "enum": ["0", "1"]}, "1: QPPL, 0: văn bản khác"),
            _query("status", {"type": "string", "enum": list(STATUS_LABELS)}, "Tình trạng"),
            _query("field", {"type": "string"}, "Lĩnh vực"),
            _query("date_from", date, "Ban hành từ ngày"),
            _query("date_to", date, "Ban hành đến ngày"),
            _query("year", {"type": "integer", "minimum": 1945, "maximum": 2100}, "Năm"),
            _query("issue", {"type": "integer", "minimum": 1, "maximum": 9999},
                   "Số Công báo (kèm year)"),
            _query("sort", {"type": "string", "enum": ["relevance", "date"]}, "Sắp xếp"),
            _query("page", {"type": "integer", "minimum": 1, "maximum": MAX_RESULTS}, "Trang"),
            _query("size", {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE},
                   f"Kết quả mỗi trang (tối đa {MAX_PAGE_SIZE}; tối đa {MAX_RESULTS} kết quả)"),
        ],
        "responses": {"200": {"description": "Kết quả", "content": _json("SearchResult")},
                      **NOT_MODIFIED, **COMMON}}})
    spec.path("/api/v1/documents", operations={"get": {
        "summary": "Văn bản theo số ký hiệu (cùng số có thể của nhiều cơ quan)",
        "parameters": [_query("notation", {"type": "string", "maxLength": 64,
                                           "pattern": JSON_SCHEMA_PATTERN},
                              "Số, ký hiệu: 37/2026/QĐ-UBND", required=True),
                       _query("issuer", {"type": "string"}, "Mã cơ quan ban hành")],
        "responses": {"200": {"description": "Văn bản", "content": {"application/json": {
            "schema": {"type": "object", "properties": {
                "total": {"type": "integer"},
                "results": {"type": "array", "items": {"$ref": "#/components/schemas/Document"}}
            }}}}}, **NOT_MODIFIED, **COMMON}}})
    spec.path("/api/v1/documents/{document_id}", operations={"get": {
        "summary": "Một văn bản", "parameters": [_path("document_id", "Mã văn bản")],
        "responses": {"200": {"description": "Văn bản", "content": _json("Document")},
                      **NOT_MODIFIED, **NOT_FOUND, **COMMON}}})
    spec.path("/api/v1/documents/{document_id}/pdf", operations={"get": {
        "summary": "Toàn văn PDF", "parameters": [_path("document_id", "Mã văn bản")],
        "responses": {"200": {"description": "PDF", "content": {"application/pdf": {
            "schema": {"type": "string", "format": "binary"}}}}, **NOT_MODIFIED, **NOT_FOUND,
            **COMMON}}})
    spec.path("/api/v1/issues", operations={"get": {
        "summary": "Các số Công báo đã phát hành trong năm",
        "parameters": [_query("year", {"type": "integer", "minimum": 1945, "maximum": 2100},
                              "Năm", required=True)],
        "responses": {"200": {"description": "Các số", "content": {"application/json": {
            "schema": {"type": "object", "properties": {
                "year": {"type": "integer"},
                "results": {"type": "array", "items": {"$ref": "#/components/schemas/Issue"}}
            }}}}}, **NOT_MODIFIED, **COMMON}}})
    spec.path("/api/v1/issues/{year}/{number}", operations={"get": {
        "summary": "Một số Công báo với mục lục và số trang",
        "parameters": [_path("year", "Năm"), _path("number", "Số")],
        "responses": {"200": {"description": "Số Công báo", "content": _json("IssueDetail")},
                      **NOT_MODIFIED, **NOT_FOUND, **COMMON}}})
    cited = {"200": {"description": "Văn bản ở trang đó (hoặc bìa, mục lục)",
                     "content": _json("Citation")}, **NOT_MODIFIED, **NOT_FOUND, **COMMON}
    spec.path("/api/v1/citations", operations={"get": {
        "summary": "Văn bản theo trích dẫn “Công báo tỉnh …, Số 12/2026, tr. 23”",
        "parameters": [_query("q", {"type": "string", "maxLength": 200,
                                    "pattern": CITATION_PATTERN},
                              "Trích dẫn như được viết (không dấu cũng được)", required=True)],
        "responses": cited}})
    spec.path("/api/v1/citations/{year}/{number}/{page}", operations={"get": {
        "summary": "Văn bản in ở trang của một số Công báo",
        "parameters": [_path("year", "Năm"), _path("number", "Số"), _path("page", "Trang")],
        "responses": cited}})
    for path, name, summary in (("/api/v1/volumes", "Volume", "Tập lưu trữ theo quý"),
                                ("/api/v1/news", "News", "Tin Công báo")):
        spec.path(path, operations={"get": {"summary": summary, "responses": {
            "200": {"description": summary, "content": {"application/json": {"schema": {
                "type": "object", "properties": {"results": {
                    "type": "array", "items": {"$ref": f"#/components/schemas/{name}"}}}}}}},
            **NOT_MODIFIED, **COMMON}}})
    spec.path("/api/v1/feedback", operations={"post": {
        "summary": "Gửi góp ý (chung hoặc về một văn bản)",
        "requestBody": {"required": True, "content": {"application/json": {"schema": {
            "type": "object", "required": ["message"], "properties": {
                "message": {"type": "string", "minLength": 10, "maxLength": 5000,
                            "pattern": TEXT_WITHOUT_CONTROLS},
                "name": {"type": "string", "maxLength": 120, "pattern": TEXT_WITHOUT_CONTROLS},
                "email": {"type": "string", "format": "email"},
                "document_id": {"type": "integer", "nullable": True, "minimum": 1,
                                "maximum": 2147483647}}}}}},
        "responses": {"201": {"description": "Đã nhận", "content": _json("FeedbackCreated")},
                      "404": {"description": "Không có văn bản document_id",
                              "content": {"application/json": {"schema": ERROR}}},
                      **COMMON}}})
    return spec.to_dict()


def app_spec() -> dict:
    """The document, built once per app: it only changes with the code and the settings."""
    spec = current_app.extensions.get("gazette_openapi")
    if spec is None:
        spec = current_app.extensions["gazette_openapi"] = build_spec()
    return spec


@bp.route("/openapi.json")
def openapi():
    return jsonify(app_spec())


@bp.route("/docs")
def docs():
    return render_template("api/docs.html", spec=app_spec())
