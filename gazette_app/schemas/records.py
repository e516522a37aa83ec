"""Marshmallow schemas that validate document metadata for the UI, the CLI and the API alike.

Messages are Vietnamese: they are shown to staff as they are.
"""
from __future__ import annotations

from marshmallow import EXCLUDE, Schema, ValidationError, fields, pre_load, validate
from marshmallow.types import ErrorMessages

from search_index.analysis import nfc

from ..notation import NotationError, parse_notation
from ..vocabulary import STATUS_LABELS, status_code

REQUIRED: ErrorMessages = {"required": "Thiếu trường bắt buộc.",
                           "null": "Trường này không được để trống."}
BAD_DATE: ErrorMessages = {"invalid": "Ngày không hợp lệ (dạng YYYY-MM-DD).", **REQUIRED}


# C0 controls but tab and line breaks, and DEL: a NUL breaks XML feeds and PostgreSQL text.
_CONTROLS = ({chr(c) for c in range(32)} - {"\t", "\n", "\r"}) | {"\x7f"}


class Text(fields.String):
    """A string normalised to NFC with white space collapsed at the boundary; control
    characters are refused (JSON bodies come through here; query strings and forms are checked
    for every request in ``security``)."""

    default_error_messages = {"invalid": "Phải là chuỗi ký tự.",
                              "control": "Không được chứa ký tự điều khiển.", **REQUIRED}

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        if not _CONTROLS.isdisjoint(text):
            raise self.make_error("control")
        return nfc(text)


class Notation(Text):
    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        try:
            parse_notation(text)
        except NotationError as error:
            raise ValidationError(str(error)) from error
        return text


class Status(Text):
    """Accepts a code ("in_force") or a label as feeds write it ("Đang hiệu lực")."""

    def _deserialize(self, value, attr, data, **kwargs):
        code = status_code(super()._deserialize(value, attr, data, **kwargs))
        if code is None:
            allowed = ", ".join(STATUS_LABELS.values())
            raise ValidationError(f"Tình trạng hiệu lực không hợp lệ; chọn một trong: {allowed}.")
        return code


def non_empty(label: str) -> validate.Length:
    return validate.Length(min=1, error=f"{label} không được để trống.")


class DocumentFieldsSchema(Schema):
    """The metadata staff may confirm or correct."""

    class Meta:
        unknown = EXCLUDE

    number = Notation(required=True, error_messages=REQUIRED)
    doc_type = Text(required=True, validate=[non_empty("Loại văn bản"), validate.Length(max=120)],
                    error_messages=REQUIRED)
    abstract = Text(required=True, validate=[non_empty("Trích yếu"), validate.Length(max=4000)],
                    error_messages=REQUIRED)
    signer = Text(load_default="", allow_none=True, validate=validate.Length(max=200))
    issued = fields.Date(required=True, error_messages=BAD_DATE)
    effective = fields.Date(load_default=None, allow_none=True, error_messages=BAD_DATE)
    expires = fields.Date(load_default=None, allow_none=True, error_messages=BAD_DATE)
    field = Text(load_default="", allow_none=True, validate=validate.Length(max=120))
    status = Status(load_default="in_force", allow_none=True)

    @pre_load
    def blank_means_absent(self, data, **kwargs):
        """HTML forms send "" for an empty optional field: read it as "not given"."""
        if not isinstance(data, dict):
            return data
        return {k: (None if isinstance(v, str) and not v.strip() and k in self._optional else v)
                for k, v in data.items()}

    @property
    def _optional(self) -> set[str]:
        return {name for name, field in self.fields.items() if not field.required}


class ImportRecordSchema(DocumentFieldsSchema):
    """One line of a records feed (the format of the Sơn La JSONL export)."""

    issuer = Text(required=True, validate=[non_empty("Cơ quan ban hành"),
                                           validate.Length(max=200)], error_messages=REQUIRED)
    files = fields.List(Text(), load_default=list, allow_none=True)
    source_url = Text(load_default="", allow_none=True, validate=validate.Length(max=2000))


def first_error(messages: dict) -> str:
    """"number: Thiếu trường bắt buộc." from marshmallow's nested error dict."""
    parts = []
    for name, errors in messages.items():
        text = errors if isinstance(errors, str) else "; ".join(map(str, errors)) \
            if isinstance(errors, list) else str(errors)
        parts.append(f"{name}: {text}")
    return " | ".join(parts)
