"""Proposed metadata from a document's structure: notation, type, issuer, place and date,
abstract, signer. Staff confirm or correct every field; a value that is not in the document
(a blank number "Số: /BC-UBND", a day left blank, a missing signature) stays blank.

The header's left column names the organ and the number, the right one the place and date; the
title is the type heading ("QUYẾT ĐỊNH") and the lines under it up to the first line that is not
part of the title; the signer is the name under a recognised signature block. Headings, types
and organs are compared folded (marks removed), then mapped back to their written form, so that
OCR'd capitals that lost their marks ("BAO CAO", "UY BAN NHAN DAN") are recognised."""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

from search_index.analysis import fold, fold_key, nfc

from ..notation import TYPE_CODES, NotationError, parse_notation
from .structure import MIDDLE, Layout, Segment, from_plain_text

ORGANS_FILE = Path(__file__).with_name("organs.txt")
TYPE_BY_KEY = {fold(name).upper(): name for _, name in TYPE_CODES.values()}
RIGHT = 52  # a header line alone on its row this far right is the right column's (else: content)
TITLE_ROWS = 40  # the title is looked for in the first rows of the first page
MAX_ABSTRACT_ROWS = 8
SUBJECT_WIDTH = 48  # characters: a line of the header's left column is shorter
_FILENAME_NUMBER = re.compile(r"([0-9]{1,5}[/_ ](?:[0-9]{4}[/_ ])?[A-Za-z]{1,4}[-_][A-Za-z]{2,12})")
# Matched on folded text (same length as the original for NFC input: positions carry over).
_DATE = re.compile(r"(?:([A-Za-z][A-Za-z ]{1,30}?)\s*,\s*)?ngay\s+([0-9]{1,2})\s+thang\s+"
                   r"([0-9]{1,2})\s+nam\s+([0-9]{4})", re.I)
_DATE_WORDS = re.compile(r"\bngay\b.*\bthang\b.*\bnam\b", re.I)
# The date line itself starts with the place or the date (a subject may cite another date).
_DATE_LINE = re.compile(r"^\s*(?:[A-Za-z][A-Za-z ]{1,30},\s*)?ngay\b.*\bthang\b.*\bnam\b", re.I)
# "Số: 12/QĐ-UBND", "Số 12/...", and OCR's "Số:.12/..." (a speck read as a full stop).
_NUMBER_LINE = re.compile(r"^\s*So\s*(?:[:;.,]+|(?=[0-9]))[\s:;.,]*(.*)$", re.I)
# A letter's number has no type code: "2054/UBND-KT".
_LETTER_NUMBER = re.compile(r"^[0-9]{1,5}/[A-ZĐ][A-Za-zĐđ]{1,9}-[A-ZĐ][A-Za-zĐđ0-9]{0,9}$")
_MOTTO = re.compile(r"CONG HOA XA HOI|DOC LAP\s*-?\s*TU DO|HANH PHUC$")
MARKING = re.compile(r"\b(GUI|DANG)\b.*\bCONG BAO\b|CONG BAO DIEN TU")
_SEPARATOR = re.compile(r"^[-_=*.~ ]{3,}$")
# Lines that start the body, the addressee block or anything else that is not the title.
STOP_PREFIXES = ("can cu", "thuc hien", "kinh gui", "xet de nghi", "theo de nghi", "xet to trinh",
                 "noi nhan", "tm.", "kt.", "tl.", "tuq.", "de trien khai", "v/v")
_STOP_NUMBERED = re.compile(r"^((dieu|chuong|phan|muc)\s+([0-9]+|[ivxlc]+)\b|([0-9]+|[ivx]+)\.\s)")
# Signature blocks: "TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "GIÁM ĐỐC".
_ROLE = re.compile(r"\b(?:(?:TM|KT|TL|TUQ|Q)\s?\.\s?[A-Z]|(?:PHO )?(?:CHU TICH|GIAM DOC|"
                   r"CHANH VAN PHONG|CHANH THANH TRA|TRUONG BAN|THU TRUONG|TRUONG PHONG|"
                   r"TONG BIEN TAP|BI THU)\b)")
_NOT_A_NAME = re.compile(r"[0-9:;()\[\]/]|^[-+•]|^(Noi nhan|Luu)\b", re.I)

# Organ heads, folded, and how they are written in a proposal.
HEADS = (("UY BAN NHAN DAN", "UBND"), ("HOI DONG NHAN DAN", "HĐND"), ("UBND", "UBND"),
         ("HDND", "HĐND"), ("TT HDND", "Thường trực HĐND"), ("THUONG TRUC", "Thường trực"),
         ("VAN PHONG", "Văn phòng"), ("BAN", "Ban"), ("SO", "Sở"), ("THANH TRA", "Thanh tra"),
         ("CHI CUC", "Chi cục"), ("CUC", "Cục"), ("TRUNG TAM", "Trung tâm"))
ABBREVIATIONS = {"UBND": "UBND", "HDND": "HĐND", "DBQH": "ĐBQH", "MTTQ": "MTTQ"}
LEVELS = (("THI TRAN", "thị trấn"), ("THANH PHO", "thành phố"), ("TINH", "tỉnh"), ("XA", "xã"),
          ("PHUONG", "phường"), ("HUYEN", "huyện"))
# Bodies of a council or committee named after it: "Văn phòng UBND tỉnh", "Ban Pháp chế HĐND
# tỉnh" (a department, "Sở Tài chính", or a board of the committee is not).
ATTACHED = {"Văn phòng": ("UBND", "HĐND"), "Thường trực": ("HĐND",), "Ban": ("HĐND",)}


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


def propose(first_page: str, last_page: str, filename: str = "",
            organs: Iterable[str] = ()) -> Proposal:
    """The proposal from flattened text (a page's text without positions)."""
    return propose_layout(from_plain_text(first_page, last_page), filename, organs)


def propose_layout(layout: Layout, filename: str = "", organs: Iterable[str] = ()) -> Proposal:
    proposal = Proposal()
    rows = layout.first
    title_at = _title_index(rows)
    header = rows[:title_at] if title_at is not None else rows[:_header_end(rows)]
    left, right = _columns(header, layout.positioned)
    number_line = next((s for s in left if _NUMBER_LINE.match(fold(s))), None)
    if number_line is not None:
        proposal.number = _number(number_line)
    elif not any(_NUMBER_LINE.match(fold(s)) for s in right):
        proposal.number = _number_from_filename(filename)
    organ_lines = left[:left.index(number_line)] if number_line is not None else left
    proposal.issuer = issuer_name(organ_lines, organs)
    proposal.place, proposal.issued = _place_and_date(right + left)
    if title_at is not None:
        proposal.type_name = match_type(_text(rows[title_at])) or ""
        proposal.abstract = _abstract(rows[title_at + 1:])
    else:
        subject = _subject_line(left + _subject_rest(rows[len(header):]))
        if subject:
            proposal.type_name, proposal.abstract = "Công văn", subject
    if not proposal.type_name and proposal.number:
        try:
            proposal.type_name = parse_notation(proposal.number).type_name
        except NotationError:
            pass
    proposal.signer = signer(layout.last, layout.positioned)
    return proposal


# --- the parts ------------------------------------------------------------------------------

def _text(row: list[Segment]) -> str:
    return " ".join(s.text for s in row)


def match_type(text: str) -> str | None:
    """The type a heading names, tolerant of lost marks: "BAO CAO" -> "Báo cáo". Only a line
    in capitals counts (the same words in a sentence are not a heading)."""
    letters = [c for c in text if c.isalpha()]
    if not letters or any(c.islower() for c in letters):
        return None
    key = " ".join(re.sub(r"[^A-Z ]", " ", fold(text).upper()).split())
    return TYPE_BY_KEY.get(key)


def _title_index(rows: list[list[Segment]]) -> int | None:
    for index, row in enumerate(rows[:TITLE_ROWS]):
        if index and len(row) == 1 and match_type(row[0].text):
            return index
    return None


def _header_end(rows: list[list[Segment]]) -> int:
    """Without a type heading (a letter): the header runs to the last row with the number,
    the date or the subject line among the first rows."""
    end = 0
    for index, row in enumerate(rows[:14]):
        for segment in row:
            folded = fold(segment.text)
            if _NUMBER_LINE.match(folded) or _DATE_LINE.match(folded) or \
                    folded.lower().startswith("v/v"):
                end = index + 1
    return end


def _is_right_content(text: str) -> bool:
    folded = fold(text)
    return bool(_MOTTO.search(folded.upper()) or _DATE_LINE.search(folded))


def _split_flattened(text: str) -> list[str]:
    """A flattened header line may join both columns: split before the motto and the date."""
    folded = fold(text)
    cuts = [m.start() for m in re.finditer(r"CONG HOA XA HOI|Doc lap|[A-Z][a-z]+( [A-Z][a-z]+)*"
                                           r", ngay ", folded) if m.start() > 0]
    pieces, start = [], 0
    for cut in cuts:
        pieces.append(text[start:cut].strip())
        start = cut
    pieces.append(text[start:].strip())
    return [p for p in pieces if p]


def _columns(header: list[list[Segment]], positioned: bool) -> tuple[list[str], list[str]]:
    """The header's left column (organ, number, subject) and right column (motto, date)."""
    left: list[str] = []
    right: list[str] = []
    for row in header:
        for position, segment in enumerate(row):
            pieces = [segment.text] if positioned else _split_flattened(segment.text)
            for piece in pieces:
                if _SEPARATOR.match(piece):
                    continue
                if _is_right_content(piece) or MARKING.search(fold(piece).upper()):
                    right.append(piece)
                elif positioned and (position > 0 or (len(row) == 1 and segment.col >= RIGHT)):
                    right.append(piece)
                else:
                    left.append(piece)
    return left, right


def _number(line: str) -> str:
    """The notation after "Số:"; blank when the sender left the number blank."""
    found = _NUMBER_LINE.match(fold(line))
    if not found:
        return ""
    rest = line[found.start(1):]
    candidate = re.sub(r"\s*([/-])\s*", r"\1", rest).strip().rstrip(".;,")
    if not candidate[:1].isdigit():
        return ""
    try:
        parse_notation(candidate)
    except NotationError:
        return candidate if _LETTER_NUMBER.match(candidate) else ""
    return candidate  # as written: the canonical form may add a leading zero it never had


def _number_from_filename(filename: str) -> str:
    match = _FILENAME_NUMBER.search(fold(filename))
    if not match:
        return ""
    candidate = "/".join(re.split(r"[/_ ]", match.group(1))).replace("_", "-")
    try:
        return parse_notation(candidate).text
    except NotationError:
        return ""


def _place_and_date(lines: list[str]) -> tuple[str, date | None]:
    for index, line in enumerate(lines):
        if _DATE_LINE.match(fold(line)) and not _DATE.search(fold(line)) and \
                index + 1 < len(lines) and _DATE.search(fold(f"{line} {lines[index + 1]}")):
            line = f"{line} {lines[index + 1]}"  # the year wrapped onto the column's next line
        folded = fold(line)
        if not _DATE_LINE.match(folded):
            continue
        found = _DATE.search(folded)
        if found:
            place = line[found.start(1):found.end(1)].strip() if found.group(1) else ""
            try:
                return place, date(int(found.group(4)), int(found.group(3)), int(found.group(2)))
            except ValueError:
                return place, None
        # "ngày    tháng 7 năm 2026": a day left blank is never filled in
        return (line.split(",", 1)[0].strip() if "," in line else ""), None
    return "", None


def _abstract(rows: list[list[Segment]]) -> str:
    taken: list[str] = []
    for row in rows[:MAX_ABSTRACT_ROWS]:
        text = _text(row).strip()
        if _stops_title(text, row) or (taken and not text):
            break
        taken.append(text)
    return nfc(" ".join(taken))


def _stops_title(text: str, row: list[Segment], columns: bool = False) -> bool:
    folded = fold(text).lower().lstrip("-–•* ")
    letters = [c for c in text if c.isalpha()]
    # A row in two columns is not a title line in a header (a letter's subject); under the
    # type heading it may be one line OCR spaced widely, so only the words decide there.
    return ((len(row) > 1 and columns) or folded.startswith(STOP_PREFIXES)
            or bool(_STOP_NUMBERED.match(folded))
            or bool(_SEPARATOR.match(text))
            or text.endswith(":") or (len(letters) > 3 and text.upper() == text))


def _subject_rest(rows: list[list[Segment]]) -> list[str]:
    """A letter's subject wrapped in its narrow column, under the header's last row."""
    taken = []
    for row in rows[:6]:
        text = _text(row)
        if len(row) > 1 or len(text) > SUBJECT_WIDTH or _stops_title(text, row, columns=True):
            break
        taken.append(text)
    return taken


def _subject_line(left: list[str]) -> str:
    """A letter's subject, "V/v ...", under its number (it may run on a second line)."""
    for index, line in enumerate(left):
        if fold(line).lower().startswith("v/v"):
            rest = [line[3:].strip(" .:")] + [x for x in left[index + 1:]
                                              if not _is_right_content(x)]
            return nfc(" ".join(rest))
    return ""


# --- organs ---------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def vocabulary_file() -> tuple[str, ...]:
    lines = ORGANS_FILE.read_text(encoding="utf-8").splitlines()
    return tuple(nfc(line) for line in lines if line.strip() and not line.startswith("#"))


def issuer_name(lines: list[str], organs: Iterable[str] = ()) -> str:
    """The issuing body from the header's organ lines: the last organ named (a department
    under "UBND TỈNH SƠN LA"), written as the vocabulary writes it when it is known there."""
    groups: list[list[str]] = []
    for line in lines:
        if MARKING.search(fold(line).upper()):
            continue
        if not groups or _head(_words(line)) is not None:
            groups.append([line])
        else:
            groups[-1].append(line)
    names = [_rule_name(" ".join(group)) for group in groups]
    names = [name for name in names if name]
    if not names:
        return ""
    known = {fold_key(name): name for name in (*vocabulary_file(), *organs)}
    name = names[-1]
    if len(names) > 1 and fold_key(name) not in known:
        name = _attached(name, names[-2])
    return known.get(fold_key(name), name)


def _attached(name: str, superior: str) -> str:
    """"Văn phòng" under "UBND tỉnh" -> "Văn phòng UBND tỉnh"; "Thường trực HĐND" under
    "HĐND tỉnh" -> "Thường trực HĐND tỉnh"."""
    organ = superior.split(" ")[0]
    head = next((h for h in ATTACHED if name.startswith(h + " ") or name == h), "")
    if organ not in ATTACHED.get(head, ()):
        return name
    if name.endswith(" " + organ):
        return f"{name} {superior.split(' ', 1)[1]}" if " " in superior else name
    return name if re.search(r"\b(UBND|HĐND)\b", name) else f"{name} {superior}"


def _words(text: str) -> list[str]:
    return re.sub(r"[.,;]+(?=\s|$)", " ", text).split()


def _head(words: list[str]) -> tuple[int, str] | None:
    folded = [fold(w).upper().strip(".") for w in words]
    for key, written in HEADS:
        parts = key.split()
        if folded[:len(parts)] == parts:
            return len(parts), written
    return None


def _rule_name(text: str) -> str:
    """"SỞ TÀI CHÍNH" -> "Sở Tài chính"; "ỦY BAN NHÂN DÂN TỈNH SƠN LA" -> "UBND tỉnh";
    "HĐND XÃ CHIỀNG HẶC" -> "HĐND xã Chiềng Hặc"."""
    words = _words(text)
    if not words:
        return ""
    out: list[str] = []
    index, after_head = 0, False
    head = _head(words)
    if head is not None:
        index, after_head = head[0], True
        out.append(head[1])
    while index < len(words):
        folded = [fold(w).upper() for w in words[index:index + 4]]
        organ = _head(words[index:]) if index else None
        level = next((lv for lv in LEVELS if folded[:len(lv[0].split())] == lv[0].split()), None)
        if organ is not None and organ[1] in ("UBND", "HĐND"):
            out.append(organ[1])
            index += organ[0]
        elif folded[0] in ABBREVIATIONS:
            out.append(ABBREVIATIONS[folded[0]])
            index += 1
        elif level is not None:
            out.append(level[1])
            index += len(level[0].split())
            if level[1] != "tỉnh":  # the province's name is implied; a commune's is not
                out += [w[:1].upper() + w[1:].lower() for w in words[index:]]
            break
        else:
            word = words[index]
            out.append(word[:1].upper() + word[1:].lower() if not out or after_head
                       else word.lower())
            after_head = False
            index += 1
    return " ".join(out)


# --- the signature block --------------------------------------------------------------------

def signer(rows: list[list[Segment]], positioned: bool) -> str:
    """The name under the last recognised signature block of the page, else blank. When the
    right column holds no signature block (a table a DOC conversion flattened, "Lưu: VT"
    glued to "CHỦ TỊCH"), every line is looked at, and a role after other text counts."""
    found = _signer(rows, positioned)
    if found is None and positioned:
        found = _signer(rows, False)
    return found or ""


def _signer(rows: list[list[Segment]], positioned: bool) -> str | None:
    """The signer, "" for a block without a name, None when there is no block at all."""
    candidates: list[str] = []
    for row in rows:
        for position, segment in enumerate(row):
            if positioned and not (position > 0 or segment.col >= MIDDLE):
                continue
            candidates.append(segment.text)
    role_at = None
    for index, text in enumerate(candidates):
        role = _ROLE.search(fold(text).upper())
        if role and text[role.start():].upper() == text[role.start():]:
            role_at = index
    if role_at is None:
        return None
    return next((nfc(text) for text in candidates[role_at + 1:] if _name_like(text)), "")


def _name_like(text: str) -> bool:
    words = text.split()
    letters = [c for c in text if c.isalpha()]
    return (2 <= len(words) <= 10 and not _NOT_A_NAME.search(fold(text))
            and any(c.islower() for c in letters) and not text.endswith((".", ","))
            and all(w[:1].isupper() for w in words[-2:]))


def recipients(rows: list[list[Segment]], positioned: bool) -> list[str]:
    """The "Nơi nhận" block of the last page: its left-column lines after the heading."""
    found: list[str] = []
    inside = False
    for row in rows:
        for position, segment in enumerate(row):
            if positioned and (position > 0 or segment.col >= MIDDLE):
                continue
            text = segment.text
            if fold(text).lower().startswith("noi nhan"):
                inside = True
                rest = text.split(":", 1)[1].strip() if ":" in text else ""
                if rest:
                    found.append(rest)
            elif inside:
                found.append(text)
    return found
