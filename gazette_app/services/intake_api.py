"""Documents sent by the issuing bodies' own systems (the intake API): the same checks, store
and "receive" job as the upload page, for the issuer the sender's key belongs to only, once per
client-supplied idempotency key.

A key belongs to one issuer (``ApiKey.issuer_id``) and is kept hashed; ``flask intake-key``
creates and revokes them."""
from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..intake import IntakeError
from ..intake.checks import DOCUMENT_KINDS, check_file, shown_name
from ..intake.files import Kind
from ..intake.metadata import match_type
from ..jobs import enqueue
from ..models import ApiKey, Issuer, Receipt
from ..vocabulary import fold_key
from .audit import record
from .receiving import store_group

IDEMPOTENCY_KEY = re.compile(r"^[\x21-\x7e]{8,128}$")  # printable ASCII, no spaces
MAX_ANNEXES = 20
SENDER_FIELDS = {"number": 64, "type_name": 40, "issued": 10, "abstract": 2000, "signer": 200,
                 "issuer": 200}


class IntakeRefused(ValueError):
    """A request the API refuses: ``status`` and a Vietnamese ``message`` (``field`` if any)."""

    def __init__(self, status: int, code: str, message: str, field: str = ""):
        super().__init__(message)
        self.status, self.code, self.message, self.field = status, code, message, field


@dataclass
class Sent:
    receipt: Receipt
    created: bool  # False: the same idempotency key was used before, this is that receipt


def create_key(issuer_name: str, rate: str, name: str = "") -> tuple[ApiKey, str]:
    """A new key for an issuing body (the issuer must be in the register); the key is
    returned once, only its hash is stored."""
    wanted = fold_key(issuer_name)
    issuer = next((i for i in db.session.scalars(select(Issuer)) if fold_key(i.name) == wanted),
                  None)
    if issuer is None:
        raise LookupError(f"no issuer named {issuer_name!r} in the register")
    key = "cb_" + secrets.token_urlsafe(32)
    api_key = ApiKey(name=(name or f"Tiếp nhận: {issuer.name}")[:120], key_hash=ApiKey.hash(key),
                     rate_limit=rate, issuer_id=issuer.id)
    db.session.add(api_key)
    db.session.flush()
    record("api_key.create", "api_key", api_key.id,
           after={"name": api_key.name, "rate": rate, "issuer": issuer.name})
    db.session.commit()
    return api_key, key


def revoke_key(key_id: int) -> ApiKey:
    api_key = db.session.get(ApiKey, key_id)
    if api_key is None:
        raise LookupError(f"no API key #{key_id}")
    api_key.active = False
    record("api_key.revoke", "api_key", api_key.id, after={"active": False})
    db.session.commit()
    return api_key


def sender_key(key: ApiKey | None) -> ApiKey:
    if key is None:
        raise IntakeRefused(401, "unauthorized", "Cần khoá API của cơ quan ban hành (X-API-Key).")
    if key.issuer_id is None:
        raise IntakeRefused(403, "forbidden", "Khoá API này không phải của một cơ quan ban hành: "
                                              "không gửi văn bản được.")
    return key


def _metadata(form: dict, key: ApiKey) -> dict:
    values = {}
    for name, limit in SENDER_FIELDS.items():
        value = " ".join(str(form.get(name, "")).split())
        if len(value) > limit:
            raise IntakeRefused(400, "invalid_parameter", f"{name}: dài quá {limit} ký tự.", name)
        if value:
            values[name] = value
    issuer = db.session.get(Issuer, key.issuer_id)
    if "issuer" in values and issuer is not None and fold_key(values["issuer"]) != \
            fold_key(issuer.name):
        raise IntakeRefused(403, "wrong_issuer", f"Khoá API này chỉ gửi được văn bản của "
                                                 f"{issuer.name}.", "issuer")
    if "type_name" in values and match_type(values["type_name"].upper()) is None:
        raise IntakeRefused(400, "invalid_parameter", "type_name: loại văn bản không rõ.",
                            "type_name")
    if issuer is not None:
        values["issuer"] = issuer.name
    return values


def _checked(role: str, filename: str | None, data: bytes) -> tuple[str, Kind, bytes]:
    try:
        name, kind = check_file(filename, data, current_app.config["MAX_FILE_BYTES"])
    except IntakeError as error:
        raise IntakeRefused(400, "file_refused", f"{shown_name(filename)}: {error}",
                            role) from None
    return name, kind, data


def send(key: ApiKey, idempotency_key: str, document: tuple[str | None, bytes] | None,
         source: tuple[str | None, bytes] | None, annexes: list[tuple[str | None, bytes]],
         form: dict) -> Sent:
    """Receive one document from an issuing body; the same idempotency key gives back the
    receipt made the first time (the files must be the same)."""
    if not IDEMPOTENCY_KEY.match(idempotency_key or ""):
        raise IntakeRefused(400, "invalid_parameter", "Idempotency-Key: cần 8-128 ký tự ASCII "
                                                      "in được, không dấu cách.", "Idempotency-Key")
    earlier = _earlier(key, idempotency_key)
    if document is None:
        raise IntakeRefused(400, "invalid_parameter", "document: cần tệp văn bản đã ký.",
                            "document")
    if len(annexes) > MAX_ANNEXES:
        raise IntakeRefused(400, "invalid_parameter", f"annexes: tối đa {MAX_ANNEXES} tệp.",
                            "annexes")
    group = [_checked("document", *document)]
    if group[0][1].name not in DOCUMENT_KINDS:
        raise IntakeRefused(400, "file_refused", "document: cần PDF, DOC hoặc DOCX.", "document")
    if source is not None:
        group.append(_checked("source", *source))
        if group[-1][1].name not in ("doc", "docx"):
            raise IntakeRefused(400, "file_refused", "source: bản chỉnh sửa được cần là DOC hoặc "
                                                     "DOCX.", "source")
    group += [_checked("annexes", *annex) for annex in annexes]
    metadata = _metadata(form, key)
    if earlier is not None:
        return _same_request(earlier, group)
    return _store(key, idempotency_key, group, source is not None, metadata)


def _earlier(key: ApiKey, idempotency_key: str) -> Receipt | None:
    return db.session.scalar(select(Receipt).where(Receipt.api_key_id == key.id,
                                                   Receipt.idempotency_key == idempotency_key))


def _same_request(earlier: Receipt, group: list[tuple[str, Kind, bytes]]) -> Sent:
    sent = [hashlib.sha256(data).hexdigest() for _, _, data in group]
    if sent != [f["sha256"] for f in earlier.files]:
        raise IntakeRefused(409, "idempotency_conflict", "Idempotency-Key này đã dùng cho một "
                                                         "văn bản khác.", "Idempotency-Key")
    return Sent(earlier, False)


def _store(key: ApiKey, idempotency_key: str, group: list[tuple[str, Kind, bytes]],
           has_source: bool, metadata: dict) -> Sent:
    try:
        stored = store_group(group)
    except OSError as error:
        raise IntakeRefused(503, "storage_unavailable", "Kho tệp tạm thời không ghi được; gửi "
                                                        "lại sau.") from error
    if has_source:
        stored[1] = dict(stored[1], role="source")
    receipt = Receipt(files=stored, channel="api", api_key_id=key.id,
                      idempotency_key=idempotency_key, sender_metadata=metadata)
    db.session.add(receipt)
    try:
        db.session.flush()
    except IntegrityError:  # the same key sent twice at once: the other request made it
        db.session.rollback()
        earlier = _earlier(key, idempotency_key)
        if earlier is None:
            raise
        return _same_request(earlier, group)
    enqueue("receive", receipt_id=receipt.id)
    record("receipt.create", "receipt", receipt.id, note=f"API key #{key.id}",
           after={"files": [f"{f['filename']} ({f['sha256'][:12]})" for f in stored]})
    db.session.commit()
    return Sent(receipt, True)


def receipt_for(key: ApiKey, receipt_id: int) -> Receipt | None:
    """A receipt the key's issuer sent (any of its keys), else None."""
    receipt = db.session.get(Receipt, receipt_id)
    if receipt is None or receipt.api_key_id is None:
        return None
    sender = db.session.get(ApiKey, receipt.api_key_id)
    return receipt if sender is not None and sender.issuer_id == key.issuer_id else None
