"""What people send through forms, checked with Vietnamese messages: a citizen's feedback (site
and app) and the staff's confirmed proposal when a received document is registered."""
from __future__ import annotations

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate, validates_schema

from ..extensions import db
from ..inputs import DB_INT_MAX
from ..models import Document
from .records import DocumentFieldsSchema, Text, non_empty


class FeedbackSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    message = Text(required=True, validate=validate.Length(
        min=10, max=5000, error="Nội dung góp ý từ 10 đến 5.000 ký tự."),
        error_messages={"required": "Vui lòng nhập nội dung góp ý."})
    name = Text(load_default="", validate=validate.Length(max=120, error="Họ tên quá dài."))
    email = fields.Email(load_default="", allow_none=True,
                         error_messages={"invalid": "Địa chỉ email không hợp lệ."})
    document_id = fields.Integer(load_default=None, allow_none=True, strict=False,
                                 validate=validate.Range(1, DB_INT_MAX,
                                                         error="Mã văn bản không hợp lệ."),
                                 error_messages={"invalid": "Mã văn bản phải là số."})
    website = fields.String(load_default="")  # the honeypot: people leave it empty

    @validates_schema
    def document_exists(self, data, **kwargs):
        document_id = data.get("document_id")
        if document_id is not None:
            document = db.session.get(Document, document_id)
            if document is None or not document.is_public:
                raise ValidationError("Không có văn bản này.", "document_id")


class RegistrationSchema(DocumentFieldsSchema):
    """The confirmed proposal: the document's fields plus its issuer."""

    issuer = Text(required=True, validate=[non_empty("Cơ quan ban hành"),
                                           validate.Length(max=200)])
