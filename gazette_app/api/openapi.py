"""The OpenAPI 3 document of /api/v1, and a docs page rendered from it (no JavaScript)."""
from __future__ import annotations

import json

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import current_app, jsonify, render_template
from marshmallow import Schema

from search_index.model import MAX_PAGE_SIZE, MAX_RESULTS

from ..inputs import DB_INT_MAX
from ..notation import JSON_SCHEMA_PATTERN
from ..schemas.api import (
    CitationSchema,
    DocumentListSchema,
    DocumentSchema,
    FeedbackCreatedSchema,
    IssueDetailSchema,
    IssueListSchema,
    IssueSchema,
    NewsListSchema,
    NewsSchema,
    PublicationSchema,
    RelationSchema,
    SignatureSchema,
    VolumeListSchema,
    VolumeSchema,
)
from ..schemas.search import (
    FacetSchema,
    FacetsSchema,
    HitPublicationSchema,
    HitSchema,
    SearchResultSchema,
)
from ..services.citations import JSON_SCHEMA_PATTERN as CITATION_PATTERN
from ..vocabulary import STATUS_LABELS
from .blueprint import bp
from .intake import openapi_paths as intake_paths

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
TITLE_PARAMETER = {"name": "title", "in": "query", "required": False,
                   "schema": {"type": "string", "maxLength": 40,
                              "pattern": "^[a-z0-9]+(-[a-z0-9]+)*$"},
                   "description": "Mã tên Công báo của tỉnh cũ (ví dụ binh-phuoc); bỏ trống: "
                                  "Công báo hiện hành"}


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
            "schema": {"type": "integer", "minimum": 1, "maximum": DB_INT_MAX},
            "description": description}


# The API's schemas, the same classes that serialise the answers.
COMPONENTS: tuple[tuple[str, type[Schema]], ...] = (
    ("Publication", PublicationSchema), ("Relation", RelationSchema),
    ("Document", DocumentSchema), ("Issue", IssueSchema), ("IssueDetail", IssueDetailSchema),
    ("Volume", VolumeSchema), ("Citation", CitationSchema), ("News", NewsSchema),
    ("FeedbackCreated", FeedbackCreatedSchema), ("Facet", FacetSchema), ("Facets", FacetsSchema),
    ("HitPublication", HitPublicationSchema), ("Hit", HitSchema),
    ("SearchResult", SearchResultSchema), ("Signature", SignatureSchema),
    ("DocumentList", DocumentListSchema), ("IssueList", IssueListSchema),
    ("VolumeList", VolumeListSchema), ("NewsList", NewsListSchema))


def build_spec() -> dict:
    spec = APISpec(title=f"Công báo tỉnh {current_app.config['GAZETTE_PROVINCE']} — API",
                   version="1.0.0", openapi_version="3.0.3", plugins=[MarshmallowPlugin()],
                   info={"description": "API cho ứng dụng di động: tìm kiếm, văn bản, số Công "
                                        "báo, tập lưu trữ, góp ý, tin Công báo. Lỗi trả về "
                                        "JSON có code và message; API key (X-API-Key) cho "
                                        "hạn mức cao hơn."},
                   servers=[{"url": "/"}])
    spec.components.security_scheme("ApiKey", {
        "type": "apiKey", "in": "header", "name": "X-API-Key",
        "description": "Tuỳ chọn: khoá của ứng dụng (flask create-api-key) cho hạn mức cao hơn"})
    for name, schema in COMPONENTS:
        spec.components.schema(name, schema=schema)
    spec.components.schema("Error", {"type": "object", "required": ["error"], "properties": {
        "error": {"type": "object", "required": ["code", "message"], "properties": {
            "code": {"type": "string"}, "message": {"type": "string"},
            "field": {"type": "string"}, "fields": {"type": "object"}}}}})
    date = {"type": "string", "format": "date"}
    spec.path("/api/v1/search", operations={"get": {
        "summary": "Tìm văn bản (có dấu hoặc không dấu, theo số ký hiệu, cụm từ trong ngoặc kép)",
        "parameters": [
            _query("q", {"type": "string", "maxLength": 500}, "Từ khoá hoặc số ký hiệu"),
            _query("issuer", {"type": "string", "maxLength": 200},
                   "Mã cơ quan ban hành (ví dụ ubnd-tinh; code của facet issuer)"),
            _query("doc_type", {"type": "string", "maxLength": 120},
                   "Mã loại văn bản (ví dụ quyet-dinh-cua-ubnd-tinh; code của facet doc_type)"),
            _query("legal", {"type": "string", "enum": ["0", "1"]}, "1: QPPL, 0: văn bản khác"),
            _query("status", {"type": "string", "enum": list(STATUS_LABELS)}, "Tình trạng"),
            _query("field", {"type": "string"}, "Lĩnh vực"),
            _query("date_from", date, "Ban hành từ ngày"),
            _query("date_to", date, "Ban hành đến ngày"),
            _query("year", {"type": "integer", "minimum": 1945, "maximum": 2100}, "Năm"),
            _query("issue", {"type": "integer", "minimum": 1, "maximum": 9999},
                   "Số Công báo (kèm year)"),
            {**TITLE_PARAMETER, "description": "Chỉ văn bản đăng trên một tên Công báo: mã "
                                               "của tỉnh cũ, hoặc hien-hanh (Công báo hiện "
                                               "hành); bỏ trống: mọi tên Công báo"},
            _query("sort", {"type": "string", "enum": ["relevance", "date"]}, "Sắp xếp"),
            _query("page", {"type": "integer", "minimum": 1, "maximum": MAX_RESULTS}, "Trang"),
            _query("size", {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE},
                   f"Kết quả mỗi trang (tối đa {MAX_PAGE_SIZE}; tối đa {MAX_RESULTS} kết quả)"),
        ],
        "responses": {"200": {"description": "Kết quả", "content": _json("SearchResult")},
                      **NOT_MODIFIED, **COMMON}}})
    spec.path("/api/v1/documents", operations={"get": {
        "summary": "Danh sách văn bản, mới nhất trước; lọc theo số ký hiệu (cùng số có thể của "
                   "nhiều cơ quan), cơ quan, năm",
        "parameters": [_query("notation", {"type": "string", "maxLength": 64,
                                           "pattern": JSON_SCHEMA_PATTERN},
                              "Số, ký hiệu: 37/2026/QĐ-UBND"),
                       _query("issuer", {"type": "string", "maxLength": 200},
                              "Mã cơ quan ban hành"),
                       _query("year", {"type": "integer", "minimum": 1945, "maximum": 2100},
                              "Năm"),
                       _query("page", {"type": "integer", "minimum": 1, "maximum": 100000},
                              "Trang"),
                       _query("size", {"type": "integer", "minimum": 1, "maximum": 100},
                              "Văn bản mỗi trang")],
        "responses": {"200": {"description": "Văn bản", "content": _json("DocumentList")},
                      **NOT_MODIFIED, **COMMON}}})
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
        "summary": "Các số Công báo đã phát hành trong năm, mới nhất trước (không có year: "
                   "năm gần nhất)",
        "parameters": [_query("year", {"type": "integer", "minimum": 1945, "maximum": 2100},
                              "Năm"), TITLE_PARAMETER],
        "responses": {"200": {"description": "Các số", "content": _json("IssueList")},
                      **NOT_MODIFIED, **COMMON}}})
    spec.path("/api/v1/issues/{year}/{number}", operations={"get": {
        "summary": "Một số Công báo với mục lục và số trang",
        "parameters": [_path("year", "Năm"), _path("number", "Số"), TITLE_PARAMETER],
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
            "200": {"description": summary, "content": _json(f"{name}List")},
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
                                "maximum": DB_INT_MAX}}}}}},
        "responses": {"201": {"description": "Đã nhận", "content": _json("FeedbackCreated")},
                      "404": {"description": "Không có văn bản document_id",
                              "content": {"application/json": {"schema": ERROR}}},
                      **COMMON}}})
    intake_paths(spec)
    document = spec.to_dict()
    document["security"] = [{}, {"ApiKey": []}]  # the key is optional: anonymous works too
    _nullable_references(document["components"]["schemas"])
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            operation["operationId"] = OPERATION_IDS[method, path]
    _every_property_required(document)
    _examples(document)
    return document


SAMPLE = {"string": "…", "integer": 1, "number": 1.0, "boolean": True}
SAMPLE_FORMATS = {"date": "2026-07-13", "date-time": "2026-07-13T08:30:00+00:00",
                  "uri": "https://congbao.example.vn/van-ban/ubnd-tinh/2026/47-2026-qd-ubnd"}


def example_of(schema: dict, components: dict, depth: int = 0):
    """An example value built from a schema (its own ``example`` first), for the docs page
    and for the spec's response examples."""
    if "$ref" in schema:
        schema = components[schema["$ref"].rsplit("/", 1)[1]]
    for combined in ("allOf", "anyOf"):
        if combined in schema:
            return example_of(schema[combined][0], components, depth)
    if "example" in schema:
        return schema["example"]
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type", "")
    if kind == "object":
        if depth > 3:
            return {}
        return {name: example_of(prop, components, depth + 1)
                for name, prop in schema.get("properties", {}).items()}
    if kind == "array":
        return [example_of(schema.get("items", {}), components, depth + 1)] if depth <= 3 else []
    return SAMPLE_FORMATS.get(schema.get("format", ""), SAMPLE.get(kind))


def _examples(document: dict) -> None:
    components = document["components"]["schemas"]
    for operations in document["paths"].values():
        for operation in operations.values():
            for code, response in operation["responses"].items():
                content = response.get("content", {}).get("application/json")
                if content and code.startswith("2"):
                    content["example"] = example_of(content["schema"], components)


def response_fields(schema: dict, components: dict) -> tuple[str, list[dict]]:
    """The name and the fields (name, type, nullable, description) of a response schema."""
    name = schema.get("$ref", "").rsplit("/", 1)[-1]
    target = components.get(name, schema)
    rows = []
    for field, prop in target.get("properties", {}).items():
        ref = prop.get("$ref") or next((p.get("$ref") for p in prop.get("anyOf", prop.get(
            "allOf", [])) if "$ref" in p), None)
        items = prop.get("items", {})
        kind = ref.rsplit("/", 1)[1] if ref else prop.get("type", "")
        if kind == "array":
            kind = f"array of {items.get('$ref', '').rsplit('/', 1)[-1] or items.get('type')}"
        rows.append({"name": field, "type": kind + (f" ({prop['format']})" if prop.get(
            "format") else ""), "nullable": bool(prop.get("nullable")),
            "description": prop.get("description", "")})
    return name, rows


# What a generated client names each call (search(), get_document(), ...).
OPERATION_IDS = {
    ("get", "/api/v1/search"): "search", ("get", "/api/v1/documents"): "listDocuments",
    ("get", "/api/v1/documents/{document_id}"): "getDocument",
    ("get", "/api/v1/documents/{document_id}/pdf"): "getDocumentPdf",
    ("get", "/api/v1/issues"): "listIssues", ("get", "/api/v1/issues/{year}/{number}"): "getIssue",
    ("get", "/api/v1/citations"): "findCitation",
    ("get", "/api/v1/citations/{year}/{number}/{page}"): "getCitation",
    ("get", "/api/v1/volumes"): "listVolumes", ("get", "/api/v1/news"): "listNews",
    ("post", "/api/v1/feedback"): "sendFeedback", ("post", "/api/v1/intake"): "sendToIntake",
    ("get", "/api/v1/intake/{receipt_id}"): "getIntakeReceipt"}
NULL_OBJECT = {"type": "object", "nullable": True}


def _nullable_references(node) -> None:
    """apispec writes a nullable reference for OpenAPI 3.0 as ``anyOf: [{$ref}, {type: object,
    nullable: true}]``: a generated client then reads the answer as the untyped empty object
    whenever that alternative comes first (openapi-python-client did, for a citation's
    document). Written instead as ``allOf: [{$ref}], nullable: true``, which reads as
    "that schema or null"."""
    if isinstance(node, list):
        for item in node:
            _nullable_references(item)
    if not isinstance(node, dict):
        return
    choices = node.get("anyOf")
    if isinstance(choices, list) and NULL_OBJECT in choices and len(choices) == 2:
        node.pop("anyOf")
        node["allOf"] = [choice for choice in choices if choice != NULL_OBJECT]
        node["nullable"] = True
    for value in node.values():
        _nullable_references(value)


def _every_property_required(document: dict) -> None:
    """Every field of every answer is always present (``null`` when nullable): say so, so a
    generated client does not make everything optional. A property without a type would
    give an untyped client: refused here, so the spec cannot drift into it."""
    for name, schema in document["components"]["schemas"].items():
        properties = schema.get("properties", {})
        if name not in ("Error",) and properties:
            schema["required"] = sorted(properties)
        for key, prop in properties.items():
            if not ({"type", "$ref", "allOf", "anyOf"} & set(prop)):
                raise RuntimeError(f"OpenAPI: {name}.{key} has no type: {prop}")


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
    spec = app_spec()
    return render_template("api/docs.html", spec=spec, fields=response_fields,
                           components=spec["components"]["schemas"],
                           as_json=lambda value: json.dumps(value, ensure_ascii=False, indent=2))
