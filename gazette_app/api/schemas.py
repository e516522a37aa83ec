"""Marshmallow schemas of the JSON API."""
from __future__ import annotations

from marshmallow import Schema, fields


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
    status = fields.String()
    status_label = fields.String()
