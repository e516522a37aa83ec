"""The e-edition's signature state in words, for the public issue page and the API: what
was validated at publication or the last re-stamping (issues.signing_ltv.SignatureState as
stored in ``Issue.signature_state``), never validated again per request."""
from __future__ import annotations

from datetime import datetime

from .templating import vn_datetime


def _when(value: str | None) -> str:
    return vn_datetime(datetime.fromisoformat(value)) if value else ""


def signature_summary(state: dict | None) -> str:
    """"Đã ký số bởi ... lúc ..., dấu thời gian ..., hợp lệ ..." ("" when unsigned)."""
    if not state:
        return ""
    signer = state.get("signer") or "không rõ người ký"
    if not state.get("valid"):
        return (f"Chữ ký số của {signer} không hợp lệ khi kiểm tra lúc "
                f"{_when(state.get('checked_at'))}.")
    said = f"Đã ký số bởi {signer}"
    if state.get("signed_at"):
        said += f" lúc {_when(state['signed_at'])}"
    if state.get("timestamped_at"):
        said += f", dấu thời gian {_when(state['timestamped_at'])}"
    if state.get("ltv"):
        return said + (f"; hợp lệ, có dữ liệu kiểm tra dài hạn ({state.get('level')}), kiểm tra "
                       f"lại được sau khi chứng thư hết hạn.")
    return said + "; hợp lệ, nhưng chưa có dữ liệu kiểm tra dài hạn."
