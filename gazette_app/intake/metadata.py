"""Proposed metadata from a document's first (and last) page and its file name: notation,
type, issuer, place and date, abstract, signer. Staff confirm or correct every field."""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from datetime import date

from search_index.analysis import fold, nfc

from ..notation import TYPE_CODES, NotationError, parse_notation

_NUMBER = re.compile(r"S[ốo]\s*:\s*([0-9]{1,5}\s*/\s*(?:[0-9]{4}\s*/\s*)?[A-Za-zĐđ]{1,4}\s*-\s*"
                     r"[A-ZĐ]{1,10}(?:[ ]?[A-ZĐ]{2,10})?)")
_FILENAME_NUMBER = re.compile(r"([0-9]{1,5}[/_ ](?:[0-9]{4}[/_ ])?[A-Za-z]{1,4}[-_][A-Za-z]{2,12})")
_DATE = re.compile(r"(?:([A-ZĐ][\w ]{1,30}?),\s*)?ngày\s+([0-9]{1,2})\s+tháng\s+([0-9]{1,2})\s+"
                   r"năm\s+([0-9]{4})")
_ORGAN = re.compile(r"(Ủ[YỶ]|U[ỶY]) BAN NHÂN DÂN|HỘI ĐỒNG NHÂN DÂN")
_PLACE = re.compile(r"^(TỈNH|XÃ|PHƯỜNG|THỊ TRẤN)\s+([A-ZÀ-ỸĐ][A-ZÀ-ỸĐ ]*?)(?:\s{2,}|\s+Độc lập|$)")
TYPE_NAMES = sorted((name.upper() for _, name in TYPE_CODES.values()), key=len, reverse=True)
_STOP = re.compile(r"^(Căn cứ|Điều \d|Theo đề nghị|Xét |(Ủ[YỶ]|U[ỶY]) BAN|HỘI ĐỒNG|THƯỜNG TRỰC|"
                   r"CHỦ TỊCH|QUYẾT ĐỊNH:|QUYẾT NGHỊ:|CHỈ THỊ:|[-_=*]{3,})")


@dataclass
class Proposal:
    number: str = ""
    type_name: str = ""
    issuer: str = ""
    place: str = ""
    issued: date | None = None
    abstract: str = ""
    signer: str = ""

    def as_form(self) -> dict:
        values = asdict(self)
        values["issued"] = self.issued.isoformat() if self.issued else ""
        values["doc_type"] = f"{self.type_name} của {self.issuer}" if self.type_name and \
            self.issuer else self.type_name
        return values


def propose(first_page: str, last_page: str, filename: str = "") -> Proposal:
    lines = [nfc(line) for line in first_page.splitlines() if line.strip()]
    proposal = Proposal()
    proposal.number = _number(first_page) or _number_from_filename(filename)
    proposal.issuer = _issuer(lines)
    found = _DATE.search(first_page)
    if found:
        place, day, month, year = found.groups()
        try:
            proposal.issued = date(int(year), int(month), int(day))
        except ValueError:
            proposal.issued = None
        proposal.place = (place or "").strip()
    type_index = next((i for i, line in enumerate(lines) if line.strip().upper() in TYPE_NAMES
                       and line.strip().isupper()), None)
    if type_index is not None:
        proposal.type_name = lines[type_index].strip().capitalize()
        abstract = []
        for line in lines[type_index + 1:]:
            if _STOP.match(line.strip()):
                break
            abstract.append(line.strip())
        proposal.abstract = nfc(" ".join(abstract))
    elif proposal.number:
        try:
            proposal.type_name = parse_notation(proposal.number).type_name
        except NotationError:
            pass
    proposal.signer = _signer(last_page)
    return proposal


def _number(text: str) -> str:
    for match in _NUMBER.finditer(text):
        candidate = re.sub(r"\s*([/-])\s*", r"\1", match.group(1)).strip()
        try:
            parse_notation(candidate)
            return candidate
        except NotationError:
            continue
    return ""


def _number_from_filename(filename: str) -> str:
    match = _FILENAME_NUMBER.search(fold(filename))
    if not match:
        return ""
    raw = match.group(1)
    parts = re.split(r"[/_ ]", raw)
    candidate = "/".join(parts).replace("_", "-")
    try:
        return parse_notation(candidate).text
    except NotationError:
        return ""


def _issuer(lines: list[str]) -> str:
    """"UBND tỉnh", "HĐND tỉnh", "HĐND xã Chiềng Hặc" from the header's left block."""
    for index, line in enumerate(lines[:6]):
        organ = _ORGAN.match(line.strip())
        if not organ:
            continue
        body = "HĐND" if organ.group(0).startswith("HỘI") else "UBND"
        for follower in lines[index + 1:index + 3]:
            place = _PLACE.match(follower.strip())
            if place:
                level, name = place.group(1).lower(), place.group(2).strip()
                if level == "tỉnh":
                    return f"{body} tỉnh"
                return f"{body} {level} {name.title()}"
        return f"{body} tỉnh"
    return ""


def _signer(last_page: str) -> str:
    """The last line of the signature block: the name under the role (often with the role)."""
    lines = [nfc(line).strip() for line in last_page.splitlines() if line.strip()]
    for index in range(len(lines) - 1, -1, -1):
        line = lines[index]
        if re.match(r"^(TM|KT|TL|TUQ)\.", line) or line.isupper():
            tail = [x for x in lines[index + 1:] if not x.isupper() and not x.isdigit()]
            return tail[-1] if tail else ""
    return ""
