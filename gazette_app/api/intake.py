"""The intake API: issuing bodies' document systems send documents to the gazette.

``POST /api/v1/intake`` (multipart: ``document`` the signed PDF, ``source`` the editable copy,
``annexes``, and the metadata the sender knows) answers 202 with the receipt; the same
``Idempotency-Key`` answers the same receipt again (202, ``Idempotent-Replayed: true``).
``GET /api/v1/intake/<id>`` gives its state as processing goes on. A key (X-API-Key)
belongs to one issuer and sends for it only.

CSRF: the view is exempt from the form token only when a valid key authenticates the request;
without one, the token is checked as for any form post (a browser's cookies never suffice)."""
from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request, url_for

from ..extensions import csrf
from ..inputs import DB_INT_MAX
from ..intake.circular02 import CHECKS
from ..jobs import wake
from ..models import Receipt
from ..ratelimits import api_key, limiter, limits_off
from ..services.intake_api import IntakeRefused, receipt_for, send, sender_key

bp = Blueprint("intake", __name__, url_prefix="/api/v1")


def intake_rate() -> str:
    return current_app.config["GAZETTE_INTAKE_RATE"]


def _refused(error: IntakeRefused):
    body: dict = {"code": error.code, "message": error.message}
    if error.field:
        body["field"] = error.field
    return jsonify(error=body), error.status


def _authenticated():
    """The sender's key; a request without a valid key must carry the CSRF token."""
    key = api_key()
    if key is None and not request.headers.get("X-API-Key"):
        csrf.protect()  # raises CSRFError (400) for a cookie-only post
    return sender_key(key)  # a wrong or revoked key: 401, and nothing is done


def receipt_json(receipt: Receipt) -> dict:
    proposal = receipt.proposal or {}
    return {
        "id": receipt.id, "state": receipt.state, "state_label": receipt.state_label,
        "received_at": receipt.received_at.isoformat(),
        "status_url": url_for("intake.status", receipt_id=receipt.id),
        "files": [{"filename": f["filename"], "kind": f["kind"], "role": f.get("role", "main"),
                   "sha256": f["sha256"], "size": f["size"]} for f in receipt.files],
        "proposal": {k: proposal.get(k, "") for k in ("number", "type_name", "issuer", "issued",
                                                       "abstract", "signer")},
        "checks": [{"code": c, "message": CHECKS.get(c, c)} for c in (receipt.checks or [])],
        "ocr_settings": receipt.ocr_settings, "message": receipt.message,
        "document_id": receipt.document_id,
    }


def _file(name: str) -> tuple[str | None, bytes] | None:
    upload = request.files.get(name)
    return (upload.filename, upload.read()) if upload is not None else None


@bp.route("/intake", methods=["POST"])
@csrf.exempt
@limiter.limit(intake_rate, exempt_when=limits_off)
def intake():
    try:
        key = _authenticated()
        annexes = [(u.filename, u.read()) for u in request.files.getlist("annexes")]
        sent = send(key, request.headers.get("Idempotency-Key", "").strip(), _file("document"),
                    _file("source"), annexes, request.form.to_dict())
    except IntakeRefused as error:
        return _refused(error)
    if sent.created:
        wake()
    response = jsonify(receipt_json(sent.receipt))
    response.status_code = 202  # a replay answers as the first time did, and says so
    response.headers["Idempotent-Replayed"] = "false" if sent.created else "true"
    response.headers["Location"] = url_for("intake.status", receipt_id=sent.receipt.id)
    return response


@bp.route("/intake/<int:receipt_id>")
@limiter.limit(intake_rate, exempt_when=limits_off)
def status(receipt_id: int):
    try:
        key = sender_key(api_key())
    except IntakeRefused as error:
        return _refused(error)
    receipt = receipt_for(key, receipt_id)
    if receipt is None:
        return _refused(IntakeRefused(404, "not_found", "Không có hồ sơ này của cơ quan."))
    return jsonify(receipt_json(receipt))


# --- OpenAPI --------------------------------------------------------------------------------

_ERROR = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
_STRING = {"type": "string"}
RECEIPT_SCHEMA = {"type": "object", "properties": {
    "id": {"type": "integer"}, "state": {"type": "string", "enum": [
        "queued", "processing", "proposed", "registered", "failed", "needs_issuer",
        "discarded"]},
    "state_label": _STRING, "received_at": {"type": "string", "format": "date-time"},
    "status_url": _STRING,
    "files": {"type": "array", "items": {"type": "object", "properties": {
        "filename": _STRING, "kind": _STRING,
        "role": {"type": "string", "enum": ["main", "source", "annex"]},
        "sha256": _STRING, "size": {"type": "integer"}}}},
    "proposal": {"type": "object", "description": "Đề xuất đọc từ văn bản ('' khi chưa có)",
                 "properties": {k: _STRING for k in ("number", "type_name", "issuer", "issued",
                                                     "abstract", "signer")}},
    "checks": {"type": "array", "description": "Yêu cầu của Thông tư 02/2025/TT-VPCP còn thiếu",
               "items": {"type": "object", "properties": {
                   "code": {"type": "string", "enum": list(CHECKS)}, "message": _STRING}}},
    "ocr_settings": _STRING, "message": _STRING,
    "document_id": {"type": "integer", "nullable": True}}}


def openapi_paths(spec) -> None:
    """The intake operations in the API's OpenAPI document."""
    spec.components.schema("IntakeReceipt", RECEIPT_SCHEMA)
    refused = {code: {"description": text, "content": _ERROR} for code, text in (
        ("400", "Thiếu hoặc sai trường, tệp bị từ chối, hoặc gửi không có khoá (CSRF)"),
        ("401", "Không có khoá API hợp lệ"), ("403", "Khoá không phải của cơ quan ban hành, "
                                                     "hoặc gửi cho cơ quan khác"),
        ("429", "Quá nhiều yêu cầu; xem Retry-After"))}
    receipt = {"application/json": {"schema": {"$ref": "#/components/schemas/IntakeReceipt"}}}
    metadata = {name: {"type": "string", "maxLength": 200} for name in (
        "number", "type_name", "issuer", "signer")}
    metadata["issued"] = {"type": "string", "format": "date"}
    metadata["abstract"] = {"type": "string", "maxLength": 2000}
    spec.path("/api/v1/intake", operations={"post": {
        "summary": "Cơ quan ban hành gửi văn bản đăng Công báo",
        "description": "Bản PDF đã ký (document), bản chỉnh sửa được (source, DOC/DOCX), phụ "
                       "lục (annexes) và thông tin cơ quan gửi biết. Cùng Idempotency-Key trả "
                       "lại hồ sơ đã tạo.",
        "security": [{"ApiKey": []}],
        "parameters": [{"name": "Idempotency-Key", "in": "header", "required": True,
                        "schema": {"type": "string", "pattern": "^[\\x21-\\x7e]{8,128}$"}}],
        "requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
            "type": "object", "required": ["document"], "properties": {
                "document": {"type": "string", "format": "binary"},
                "source": {"type": "string", "format": "binary"},
                "annexes": {"type": "array", "items": {"type": "string", "format": "binary"}},
                **metadata}}}}},
        "responses": {"202": {"description": "Đã tiếp nhận, đang xử lý (cùng Idempotency-Key: "
                                             "hồ sơ đã tạo lần trước, Idempotent-Replayed: true)",
                              "headers": {"Idempotent-Replayed": {"schema": {
                                  "type": "string", "enum": ["true", "false"]}}},
                              "content": receipt},
                      "409": {"description": "Idempotency-Key đã dùng cho tệp khác",
                              "content": _ERROR},
                      "503": {"description": "Kho tệp tạm thời không ghi được",
                              "content": _ERROR}, **refused}}})
    spec.path("/api/v1/intake/{receipt_id}", operations={"get": {
        "summary": "Trạng thái hồ sơ đã gửi", "security": [{"ApiKey": []}],
        "parameters": [{"name": "receipt_id", "in": "path", "required": True,
                        "schema": {"type": "integer", "minimum": 1, "maximum": DB_INT_MAX}}],
        "responses": {"200": {"description": "Hồ sơ", "content": receipt},
                      "404": {"description": "Không có hồ sơ này của cơ quan",
                              "content": _ERROR}, **refused}}})
