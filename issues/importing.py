"""Read a past issue's PDF, made by whatever software or print shop, into its documents.

The contents pages ("MỤC LỤC") are found and each entry read from the text layer (poppler's
``pdftotext -layout``, which keeps columns apart by spaces): contents as a list with leader dots
and the page number at the end of an entry's last line, or as a table whose rows carry a
sequence number and the page number on their first line; entries may run over several pages.
The printed page numbers are mapped to the PDF's pages by the offset that puts the entries'
notations on their pages (the cover and contents may or may not be counted, the numbers may run
through the year), and every document's first page is checked: its "Số: 12/2026/QĐ-UBND" line
must give the entry's notation (compared folded, with the usual OCR confusions of O/0 and l/1).

Pages without text are OCR'd with tesseract (``vie``) only when they are needed: the cover and
contents, and the pages an entry points at. Whatever cannot be matched is returned as an
unmatched entry with the reason and, where the engine has one, a proposed page range for staff
to confirm; a document whose range depends on an unmatched neighbour is unmatched too. Nothing
is registered with a range the engine did not verify.
"""
from __future__ import annotations

import re
import subprocess
import tempfile
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from pypdf import PdfReader

from search_index.analysis import fold, nfc

OCR_DPI = 200  # a scan's usual resolution; more only slows tesseract down
MAX_FRONT_PAGES = 4  # the contents start on one of the first pages
MAX_CONTENTS_PAGES = 12
HEAD_BAND = 0.3  # a document's "Số: ..." stands in the top third of its first page
HEAD_LINES = 14  # a document's "Số: ..." line is in its first lines

# A notation as printed: "12/2026/QĐ-UBND", "1045/QĐ-UBND", "22/QĐ-TT HĐND" (folded text).
# A slash OCR lost ("45NQ-HĐND") is allowed, a space without a slash is not.
NOTATION = re.compile(r"(?<![\w/])(\d{1,5})(?:\s?/\s?|(?=[A-Za-z]))(?:(\d{4})\s?/\s?)?"
                      r"([A-Za-z]{1,4})\s?-\s?(TT\s?HDND|[A-Z][A-Z0-9]{1,9})(?![\w/])")
# A notation as it is meant to be printed: its slashes, and a type code in use.
CLEAN_NOTATION = re.compile(r"\d{1,5}/(?:\d{4}/)?(?:QD|NQ|CT|KH|TB|HD|QC|QY)-"
                            r"(?:TT HDND|[A-Z]{2,9})")
# The page number ending a contents entry: after leader dots, a table border or a wide gap.
PAGE_AT_END = re.compile(r"(?:(?:[.·…_]\s?){3,}|\s{2,}|\|)\s*(\d{1,4})\s*\|?\s*$")
SEQUENCE_AT_START = re.compile(r"^\s*\|?\s*(\d{1,3})\.?\s{2,}")
SHORT_DATE = re.compile(r"(?<!\d)(\d{1,2})\s?[/.-]\s?(\d{1,2})\s?[/.-]\s?(\d{4})(?!\d)")
LONG_DATE = re.compile(r"ngay\s+(\d{1,2})\s+thang\s+(\d{1,2})\s+nam\s+(\d{4})", re.IGNORECASE)
ISSUE_NUMBERS = re.compile(r"\bso\s*(\d{1,3})(?:\s*\+\s*(\d{1,3}))?\b", re.IGNORECASE)
RUNNING_HEADER = re.compile(r"cong\s*bao\s*/\s*so", re.IGNORECASE)
HEAD_NUMBER = re.compile(r"^\s*\|?\s*s[o0ô6]\S{0,2}\s*[:;.,]\s*(\S.*)$", re.IGNORECASE | re.M)
TYPE_BEFORE = re.compile(r"([A-Za-zÀ-ỹĐđ ]{2,40}?)\s+số\s*$", re.IGNORECASE)
TYPE_NAMES = {"qd": "Quyết định", "nq": "Nghị quyết", "ct": "Chỉ thị", "kh": "Kế hoạch",
              "tb": "Thông báo", "hd": "Hướng dẫn", "qc": "Quy chế", "qy": "Quy định"}
OCR_CONFUSIONS = str.maketrans({"o": "0", "l": "1", "i": "1", "|": "1"})


@dataclass(frozen=True)
class ListedEntry:
    """One entry of the contents, as printed."""

    position: int  # 0-based, in the contents' order
    notation: str
    type_name: str
    issuer: str  # the authority heading it is listed under ("" when the contents have none)
    issued: date | None
    abstract: str
    printed_page: int  # 0 when it could not be read
    contents_page: int  # 1-based PDF page where its page number is printed


@dataclass(frozen=True)
class FoundDocument:
    """An entry whose first page printed its notation, and whose range is bounded by verified
    pages: safe to register."""

    entry: ListedEntry
    first_page: int  # 1-based PDF pages, inclusive
    last_page: int
    printed_notation: str = ""  # as its first page prints it

    @property
    def notation(self) -> str:
        """The page's reading when the contents' differs by OCR noise and the page's is clean
        ("18/NÑNQ-HĐND" in an OCR'd contents, "18/NQ-HĐND" on the page)."""
        page, listed = self.printed_notation, self.entry.notation
        if page and compact(page) != compact(listed) and NOTATION.fullmatch(fold(page)) and \
                (CLEAN_NOTATION.fullmatch(fold(page)) or not CLEAN_NOTATION.fullmatch(
                    fold(listed))):
            return page
        return listed


@dataclass(frozen=True)
class UnmatchedEntry:
    """An entry staff must confirm or correct, side by side with the page: never registered
    as the engine proposes without that confirmation."""

    entry: ListedEntry
    reason: str  # Vietnamese, for staff
    proposed_first: int | None = None
    proposed_last: int | None = None
    first_page_checked: bool = False  # its first page printed its notation; the end is unsure


@dataclass
class ImportedIssue:
    page_count: int
    numbers: tuple[int, ...] = ()
    issue_date: date | None = None
    contents_pages: list[int] = field(default_factory=list)  # 1-based
    page_offset: int | None = None  # PDF page = printed page + offset
    layout: str = ""  # "leaders" or "table"
    documents: list[FoundDocument] = field(default_factory=list)
    unmatched: list[UnmatchedEntry] = field(default_factory=list)
    ocr_pages: list[int] = field(default_factory=list)  # 1-based pages that were OCR'd
    ocr_whole_pages: list[int] = field(default_factory=list)  # of those, read whole (not a head)
    problems: list[str] = field(default_factory=list)  # about the whole issue, Vietnamese

    @property
    def entries(self) -> list[ListedEntry]:
        listed = [d.entry for d in self.documents] + [u.entry for u in self.unmatched]
        return sorted(listed, key=lambda e: e.position)


class IssueReadError(RuntimeError):
    """The PDF cannot be read at all (not a PDF, a tool missing); the message is Vietnamese."""


# ---------------------------------------------------------------- page text, OCR when needed

class PageTexts:
    """The text of each page, from the text layer; a page without text is OCR'd the first time
    it is asked for (and only then)."""

    def __init__(self, pdf: Path, ocr: bool = True, ocr_timeout: int = 300) -> None:
        self.pdf, self.ocr, self.ocr_timeout = pdf, ocr, ocr_timeout
        self.layer = _text_layer(pdf)
        self.ocr_done: dict[int, str] = {}
        self._reader: PdfReader | None = None
        self.heads: dict[int, str] = {}  # top bands OCR'd

    @property
    def count(self) -> int:
        return len(self.layer)

    def has_layer(self, page: int) -> bool:
        return len(self.layer[page - 1].strip()) >= 20

    def known(self, page: int) -> str | None:
        """The page's text if it costs nothing to read (text layer or already OCR'd)."""
        if self.has_layer(page):
            return self.layer[page - 1]
        return self.ocr_done.get(page)

    def _has_image(self, page: int) -> bool:
        if self._reader is None:
            self._reader = PdfReader(self.pdf)
        resources = self._reader.pages[page - 1].get("/Resources")
        objects = resources.get_object().get("/XObject") if resources else None
        return bool(objects)

    def head(self, page: int) -> str:
        """The page's text, or for a page without text the OCR of its top third only (where
        a document prints "Số: ..."): a fraction of a whole page's OCR."""
        known = self.known(page)
        if known is not None:
            return known
        if page not in self.heads:
            self.heads[page] = self.layer[page - 1] if not self.ocr or not self._has_image(
                page) else ocr_page(self.pdf, page, self.ocr_timeout, band=HEAD_BAND)
        return self.heads[page]

    def __call__(self, page: int) -> str:
        known = self.known(page)
        if known is not None:
            return known
        if not self.ocr or not self._has_image(page):  # a blank page: nothing to read
            return self.layer[page - 1]
        text = ocr_page(self.pdf, page, self.ocr_timeout)
        self.ocr_done[page] = "\n".join(repair_ocr_line(line) for line in text.splitlines())
        return self.ocr_done[page]


def _run(command: list[str], timeout: int) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(command, capture_output=True, timeout=timeout, check=True)
    except FileNotFoundError:
        raise IssueReadError(f"Máy chủ chưa có {command[0]} (gói Debian poppler-utils / "
                           "tesseract-ocr-vie).") from None
    except subprocess.CalledProcessError as error:
        detail = error.stderr.decode("utf-8", "replace").strip()[-200:]
        raise IssueReadError(f"Không đọc được tệp PDF ({command[0]}: {detail}).") from None
    except subprocess.TimeoutExpired:
        raise IssueReadError(f"{command[0]} chạy quá {timeout} giây.") from None


def _text_layer(pdf: Path) -> list[str]:
    out = _run(["pdftotext", "-layout", "-enc", "UTF-8", str(pdf), "-"], 300).stdout
    pages = out.decode("utf-8", "replace").split("\f")
    return [nfc_lines(text) for text in pages[:-1]] if len(pages) > 1 else [out.decode()]


def nfc_lines(text: str) -> str:
    """NFC each line, keeping the spaces that separate columns."""
    return "\n".join(unicodedata.normalize("NFC", line).rstrip() for line in text.splitlines())


# Leader dots as tesseract reads them: dots, then often a run of noise ("---2-©22©22+2EE"),
# then the page number with its digits read as letters ("L4" for 14, "2Ú" for 20).
OCR_LEADER_END = re.compile(r"(?:[.·…]\s?){3,}[^\s]*?[-~©+*_=:,'\"”“]*\s*"
                            r"([0-9LlIi|!OoÚUSBZz]{1,4})\s*$")
DIGIT_LOOKALIKES = str.maketrans({"L": "1", "l": "1", "I": "1", "i": "1", "|": "1", "!": "1",
                                  "O": "0", "o": "0", "Ú": "0",
                                  "U": "0", "S": "5", "B": "8", "Z": "2", "z": "2"})


# A table row's first line as OCR gives it: the page cell after a border or a wide gap, its
# digits often read as letters ("| I" for 1, "l5" for 15).
OCR_CELL_END = re.compile(r"(?:\s{2,}|\s?\|\s?)([0-9LlIi|!OoÚUSBZz]{1,4})\s*$")


def repair_ocr_line(line: str) -> str:
    """A contents line as OCR gives it, with its leaders and page number written plainly (and
    a table border's stray underscore off the word it touches: "16/2026/NQ-HĐND_ |")."""
    line = re.sub(r"(?<=\w)_+(?=\s|\||$)", "", line)
    match = OCR_LEADER_END.search(line)
    if match is None and NOTATION.search(fold(line)):
        match = OCR_CELL_END.search(line)
    if not match:
        return line
    number = match.group(1).translate(DIGIT_LOOKALIKES)
    if not number.isdigit():
        return line
    return f"{line[:match.start()].rstrip()} ........ {int(number)}"


def ocr_page(pdf: Path, page: int, timeout: int = 300, band: float = 1.0) -> str:
    """One page rendered at the scan's resolution and read by tesseract in Vietnamese, as one
    block of lines (``--psm 6``) with the spaces between columns kept; ``band`` < 1 reads only
    that top fraction of the page."""
    with tempfile.TemporaryDirectory(prefix="gazette-ocr-") as tmp:
        image = Path(tmp) / "page"
        crop: list[str] = []
        if band < 1:
            box = PdfReader(pdf).pages[page - 1].mediabox
            crop = ["-x", "0", "-y", "0", "-W", str(round(float(box.width) * OCR_DPI / 72)),
                    "-H", str(round(float(box.height) * band * OCR_DPI / 72))]
        _run(["pdftoppm", "-r", str(OCR_DPI), "-gray", "-png", "-singlefile", "-f", str(page),
              "-l", str(page), *crop, str(pdf), str(image)], timeout)
        # one thread: tesseract's OpenMP threads only fight each other on a small machine
        out = _run(["env", "OMP_THREAD_LIMIT=1", "tesseract", str(image) + ".png", "stdout",
                    "-l", "vie", "--psm", "6", "-c", "preserve_interword_spaces=1"],
                   timeout).stdout
    return nfc_lines(out.decode("utf-8", "replace"))


# ---------------------------------------------------------------- notations

def compact(notation: str) -> str:
    """A comparison key tolerant of OCR: folded, lower case, no spaces, no leading zeros in the
    number, and O/0, l/i/1 made one."""
    key = re.sub(r"[^a-z0-9/\-|]", "", fold(notation).lower())
    key = re.sub(r"^0+(?=\d)", "", key)
    return key.translate(OCR_CONFUSIONS)


def head_notation(text: str) -> str | None:
    """The notation after "Số:" in a document's first lines, as printed (None if none)."""
    head = "\n".join(line for line in text.splitlines() if line.strip())
    head = "\n".join(head.splitlines()[:HEAD_LINES])
    folded = fold(head)
    same_length = len(folded) == len(head)  # then a match in the folded text slices the original
    for match in HEAD_NUMBER.finditer(folded):
        rest = (head if same_length else folded)[match.start(1):match.end(1)].strip()
        if re.match(r"\d", rest) or re.match(r"[0-9oOlI]{1,5}\s?/", rest):
            return re.split(r"\s{2,}", rest)[0].strip()
    return None


def matched_words(printed: str, listed: str) -> str | None:
    """The words at the start of the head's text that give the listed notation (extra words
    of the same line, "Sơn La, ngày ...", follow when OCR joins the columns with one space):
    the same numbers exactly, and the rest alike but for OCR noise (a lost slash, a doubled
    letter: one edit, or two letters more; exact for short notations)."""
    words, wanted = printed.split(), compact(listed)
    numbers = _numbers(listed)
    for n in range(1, min(4, len(words)) + 1):
        candidate = " ".join(words[:n])
        key = compact(candidate.replace(" ", ""))
        if key == wanted:
            return candidate
        if _numbers(candidate) == numbers and len(wanted) >= 8 and \
                _edits(key, wanted) <= max(1, min(2, len(key) - len(wanted))):
            return candidate
    return None


def same_notation(printed: str, listed: str) -> bool:
    return matched_words(printed, listed) is not None


def _numbers(text: str) -> list[int]:
    return [int(n) for n in re.findall(r"\d+", fold(text))]


def _edits(a: str, b: str) -> int:
    """Levenshtein distance (short strings)."""
    row = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        previous, row[0] = row[0], i
        for j, cb in enumerate(b, 1):
            previous, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, previous + (ca != cb))
    return row[-1]


# ---------------------------------------------------------------- cover and contents

def _folded_upper(text: str) -> str:
    return re.sub(r"\s+", " ", fold(text).upper())


def read_cover(text: str) -> tuple[tuple[int, ...], date | None]:
    """Issue numbers ("Số 44 + 45") and date ("Ngày 20-5-2026", "ngày 20 tháng 5 năm 2026")."""
    folded = fold(text)
    numbers: tuple[int, ...] = ()
    for line in folded.splitlines():
        if RUNNING_HEADER.search(line):
            continue
        match = ISSUE_NUMBERS.search(line)
        if match and "/" not in line[match.start():match.end() + 2]:
            numbers = tuple(int(n) for n in match.groups() if n)
            break
    # The cover's own date stands above the contents, whose abstracts cite other dates.
    masthead = re.split(r"muc\s*luc", folded, maxsplit=1, flags=re.IGNORECASE)[0]
    return numbers, _first_date(masthead) or _first_date(folded)


def _first_date(folded: str) -> date | None:
    """The first valid date written in the text, in either form."""
    found = sorted((match for pattern in (LONG_DATE, SHORT_DATE)
                    for match in pattern.finditer(folded)), key=lambda match: match.start())
    for match in found:
        day, month, year = (int(g) for g in match.groups())
        try:
            return date(year, month, day)
        except ValueError:
            continue
    return None


def is_document_head(text: str) -> bool:
    return head_notation(text) is not None


def _is_contents_start(text: str) -> bool:
    return "MUC LUC" in _folded_upper(text)


def _page_lines(text: str) -> list[str]:
    """A contents page's lines without its running header, page number or title."""
    lines = []
    for line in text.splitlines():
        folded = fold(line).strip()
        if not folded or RUNNING_HEADER.search(folded) or re.fullmatch(r"[-–\s]*\d{1,4}[-–\s]*",
                                                                         folded):
            continue
        if _folded_upper(folded).strip(" |") == "MUC LUC":
            continue
        lines.append(line)
    return lines


def _is_table_header(folded: str) -> bool:
    low = folded.lower()
    return "trich yeu" in low or ("stt" in low.split() and "trang" in low)


def _heading(line: str) -> str | None:
    """An authority or part heading: a line in capitals with no page number or notation."""
    text = line.strip(" |")
    letters = [ch for ch in text if ch.isalpha()]
    if len(letters) < 6 or any(ch.islower() for ch in letters) or NOTATION.search(fold(text)):
        return None
    if PAGE_AT_END.search(text) or len(text.split()) < 2:
        return None
    return re.sub(r"\s{2,}|\s*\|\s*", " ", text).strip()


@dataclass
class _Line:
    text: str
    page: int  # 1-based PDF page


def find_contents(pages: PageTexts) -> list[int]:
    """1-based pages of the contents: the first of the first pages that says "MỤC LỤC", and the
    pages after it until one is a document's first page or lists nothing."""
    start = next((p for p in range(1, min(MAX_FRONT_PAGES, pages.count) + 1)
                  if _is_contents_start(pages(p))), None)
    if start is None:
        return []
    found, waiting = [start], list[int]()
    for page in range(start + 1, min(start + MAX_CONTENTS_PAGES, pages.count + 1)):
        text = pages(page)
        if is_document_head(text):
            break
        if any(_entry_page(line) is not None for line in _page_lines(text)):
            found += waiting + [page]
            waiting = []
        elif waiting:  # two pages that list nothing: the contents have ended
            break
        else:
            waiting = [page]  # a row carried over the page: contents if more entries follow
    return found


def read_contents(pages: PageTexts, contents: list[int]) -> tuple[list[ListedEntry], str]:
    """The entries of the contents, in order, and the layout it was read as."""
    lines: list[_Line] = []
    for page in contents:
        lines += [_Line(line, page) for line in _page_lines(pages(page))]
    page_lines = [i for i, line in enumerate(lines) if _entry_page(line.text) is not None]
    table = bool(page_lines) and sum(
        1 for i in page_lines if SEQUENCE_AT_START.match(lines[i].text)) >= 0.6 * len(page_lines)
    ocr = set(pages.ocr_done)
    if not table and any(line.page in ocr for line in lines):  # OCR may lose the row numbers
        table = any(_is_table_header(fold(line.text)) for line in lines[:3])
    if table:
        rows = [i for i, line in enumerate(lines) if line.page in ocr and
                TABLE_ROW_START.match(fold(line.text))]  # a row whose page is unreadable
        blocks = _table_blocks(lines, sorted(set(page_lines) | set(rows)))
    else:
        blocks = _leader_blocks(lines, page_lines)
        blocks = [part for issuer, block in blocks for part in _split_unread(issuer, block, ocr)]
    entries = []
    for position, (issuer, block) in enumerate(blocks):
        entry = _entry(position, issuer, block, table)
        if entry is not None:
            entries.append(entry)
    return entries, "table" if table else "leaders"


# A table row's first line: its sequence number (or what OCR left of it), then the notation.
TABLE_ROW_START = re.compile(r"^\s*\|?\s*(?:\d{1,3}\.?\s+|[^\w\s]{1,3}\s*)?"
                             + NOTATION.pattern.removeprefix(r"(?<![\w/])"))
TABLE_ROW_PAGE = re.compile(r"\s(\d{1,4})\s*\|?\s*$")


def _entry_page(text: str) -> int | None:
    """The page number ending an entry's line; in a table row's first line (sequence number,
    notation, ..., page) one space may be all that separates it from a cramped abstract."""
    if _heading(text) is not None or _is_table_header(fold(text)):
        return None
    match = PAGE_AT_END.search(text)
    if match is None and SEQUENCE_AT_START.match(text) and NOTATION.search(fold(text)):
        match = TABLE_ROW_PAGE.search(text)
    return int(match.group(1)) if match else None


def _leader_blocks(lines: list[_Line], page_lines: list[int]) -> list[tuple[str, list[_Line]]]:
    """List with leaders: an entry is the lines after the previous entry up to its page number."""
    blocks, issuer, start = [], "", 0
    for end in [*page_lines, len(lines)]:  # and the lines after the last page number read
        block: list[_Line] = []
        for line in lines[start:end + 1]:
            heading = _heading(line.text)
            if heading is not None:
                if _starts_entry(block):
                    blocks.append((issuer, block))  # an entry whose page number was unreadable
                issuer = heading if "PHAN VAN BAN" not in _folded_upper(heading) else issuer
                block = []
            elif not _is_table_header(fold(line.text)):
                block.append(line)
        if end < len(lines) or _starts_entry(block):
            blocks.append((issuer, block))
        start = end + 1
    return blocks


def _starts_entry(block: list[_Line]) -> bool:
    return any(ENTRY_START.match(fold(line.text)) for line in block)


ENTRY_START = re.compile(r"^\s*(?:\d{1,2}/\d{1,2}/\d{4}\s+)?[A-Z][a-z]+(?: [a-z]+){0,3} so "
                         r"\d{1,5}\s?/")


# What tesseract makes of leader dots: dots, a run of signs, or one long "word" of noise
# ("ssssoigiievigi0iii0i6sEDg", "EEsrxrrrrrrrrsrrerrrervÕ"; no Vietnamese word is that long).
LEADER_NOISE = re.compile(r"[.·…]{3,}|[^\w\s,]{3,}\w*$|[^\s/]{16,}$")


def _split_unread(issuer: str, block: list[_Line], ocr: set[int]) -> list[tuple[str, list[_Line]]]:
    """On OCR'd pages a page number may be unreadable: an entry that starts inside another
    entry's lines ("Quyết định số ..." at a line's start after a line that ends a sentence or
    leaders, or at the top of a page) is split off, to be returned without a page rather than
    merged into the next."""
    parts: list[list[_Line]] = [[]]
    for index, line in enumerate(block):
        previous = block[index - 1].text.rstrip() if index else ""
        ends = previous.endswith((".", ";", ")")) or LEADER_NOISE.search(previous) or \
            line.page != block[index - 1].page  # a page's first line: its leader line lost
        if index and line.page in ocr and ENTRY_START.match(fold(line.text)) and ends:
            parts.append([])
        parts[-1].append(line)
    return [(issuer, part) for part in parts if part]


def _table_blocks(lines: list[_Line], page_lines: list[int]) -> list[tuple[str, list[_Line]]]:
    """Table: a row is its first line (sequence number ... page) and the lines below it."""
    blocks: list[tuple[str, list[_Line]]] = []
    issuer = ""
    current: list[_Line] | None = None
    starts = set(page_lines)
    for index, line in enumerate(lines):
        heading = _heading(line.text)
        if heading is not None:
            if "PHAN VAN BAN" not in _folded_upper(heading):
                issuer = heading
            current = None
        elif index in starts:
            current = [line]
            blocks.append((issuer, current))
        elif current is not None and not _is_table_header(fold(line.text)):
            current.append(line)
    return blocks


def _entry(position: int, issuer: str, block: list[_Line], table: bool) -> ListedEntry | None:
    if not block:
        return None
    page_line = block[0] if table else block[-1]
    printed = _entry_page(page_line.text) or 0  # 0: the page number could not be read
    text = "\n".join(line.text for line in block)
    folded = fold(text)
    match = NOTATION.search(folded)
    if match is None:
        return None
    notation = nfc(text[match.start():match.end()])
    cells = _abstract_text(block, table, page_line, match)
    type_name, abstract = _type_and_abstract(cells, notation)
    issued = _entry_date(block, table, match, folded)
    return ListedEntry(position, notation, type_name, issuer, issued, abstract, printed,
                       page_line.page)


def _entry_date(block: list[_Line], table: bool, match, folded: str) -> date | None:
    """The entry's own date: at the start of the entry or just after its notation ("... ngày
    20/7/2026"), in a table in the notation's column; not a date the abstract cites."""
    if table:
        column = _abstract_column(block[0].text, match)
        folded = fold("\n".join(line.text[:column] for line in block))
        return _first_date(folded)
    own = re.match(r"\s*" + SHORT_DATE.pattern, folded) or SHORT_DATE.match(
        re.sub(r"^\s*,?\s*(ngay\s+)?", "", folded[match.end():]))
    return _first_date(own.group(0)) if own else None


def _abstract_column(first: str, match) -> int:
    """Where a table row's abstract column starts: after the gap that follows the notation."""
    gap = re.search(r"\S\s{2,}(?=\S)", first[match.end() - 1:])
    return match.end() + (gap.end() - 1 if gap else 0)


def _abstract_text(block: list[_Line], table: bool, page_line: _Line, match) -> str:
    """The entry's words without the page number and leaders (a table: the abstract column)."""
    if not table:
        text = " ".join(_strip_page(line.text) for line in block)
        return re.sub(r"^\s*\d{1,2}/\d{1,2}/\d{4}\s+", "", text.strip())
    first = TABLE_ROW_PAGE.sub("", _strip_page(page_line.text))
    column = _abstract_column(first, match)  # the notation is left of the abstract
    parts = [first[column:]] + [line.text[max(column - 2, 0):] for line in block[1:]]
    return " ".join(part.strip(" |") for part in parts)


def _strip_page(text: str) -> str:
    return PAGE_AT_END.sub("", text).rstrip(" .·…_|")


def _type_and_abstract(text: str, notation: str) -> tuple[str, str]:
    text = nfc(text)
    code = compact(notation).split("/")[-1].split("-")[0].translate(
        str.maketrans("01", "oi"))
    type_name = TYPE_NAMES.get(code, "")
    at = fold(text).find(fold(notation))
    if at >= 0:  # "Quyết định số 37/2026/QĐ-UBND về việc ..."
        before = TYPE_BEFORE.search(text[:at])
        type_name = nfc(before.group(1)).strip().capitalize() if before else type_name
        text = text[at + len(notation):]
    elif type_name and fold(text).lower().startswith(fold(type_name).lower()):
        text = text[len(type_name):]  # a table's abstract cell starts with the type
    abstract = re.sub(r"^\s*ngày\s+\d{1,2}/\d{1,2}/\d{4}\s*", "", text.strip(" ,.;:"))
    return type_name, abstract.strip()


# ---------------------------------------------------------------- pages of the documents

def _offset_candidates(entries: list[ListedEntry], contents_last: int) -> list[int]:
    """Offsets to try, likeliest first: the first entry on the page after the contents (or one
    or two later: a blank or a part title between), or the cover counted as page 1."""
    first = entries[0].printed_page
    candidates = [contents_last + 1 - first, 0, contents_last + 2 - first,
                  contents_last + 3 - first]
    # entries before it whose page numbers were unreadable: it may stand further on
    later = min(40, 10 * entries[0].position)
    candidates += [contents_last + 1 + skip - first for skip in range(later)]
    return list(dict.fromkeys(candidates))


def _matches(pages: PageTexts, entry: ListedEntry, offset: int, contents_last: int,
             cheap_only: bool = False) -> bool:
    page = entry.printed_page + offset
    if page <= contents_last or page > pages.count:
        return False
    text = pages.known(page) if cheap_only else pages.head(page)
    printed = head_notation(text or "")
    return printed is not None and same_notation(printed, entry.notation)


def find_offset(pages: PageTexts, entries: list[ListedEntry], contents_last: int) -> int | None:
    """The offset that puts most entries' notations on their pages; probing the first, last
    and middle entries (each probe may cost an OCR), so a scan is not read whole."""
    probes = list(dict.fromkeys([entries[0], entries[-1], entries[len(entries) // 2]]))
    best, best_score = None, 0
    for offset in _offset_candidates(entries, contents_last):
        if not _matches(pages, probes[0], offset, contents_last) and len(probes) > 1 and \
                not _matches(pages, probes[-1], offset, contents_last):
            continue
        score = sum(_matches(pages, entry, offset, contents_last) for entry in probes)
        if score > best_score:
            best, best_score = offset, score
        if score == len(probes):
            break
    return best


def _filler(text: str) -> bool:
    """A page that belongs to no document: blank, a part title, the colophon."""
    folded = _folded_upper("\n".join(
        line for line in text.splitlines() if not RUNNING_HEADER.search(fold(line))))
    words = re.sub(r"[^A-Z ]", " ", folded).split()
    if len(words) <= 8 and ("PHAN" in words or not words):
        return True
    return "XUAT BAN" in folded and ("IN TAI" in folded or "GIAY PHEP" in folded)


def _last_content_page(pages: PageTexts, first: int, last: int, read: bool = True) -> int:
    """``last`` without the filler pages at the end (colophon, blank backs, part titles). With
    ``read``, a page without text is OCR'd to be judged (a range to register must be right);
    without, an unread page counts as content (a proposal staff will look at)."""
    while last > first:
        text = pages(last) if read else pages.known(last)
        if text is None or not _filler(text):
            break
        last -= 1
    return last


def _foreign_head(pages: PageTexts, entry: ListedEntry, first: int, last: int) -> str | None:
    """A page inside the range that starts another document (not in the contents)."""
    for page in range(first + 1, last + 1):
        printed = head_notation(pages.head(page))  # a scan's too: the contents may forget
        if printed and not same_notation(printed, entry.notation):
            return f"trang {page} bắt đầu một văn bản khác ({printed.split('  ')[0]})"
    return None


Placed = list[tuple[ListedEntry, int | None, str]]  # an entry, its first page or None, why


def _locate(pages: PageTexts, entries: list[ListedEntry], offset: int,
            contents_last: int) -> Placed:
    """Each entry's first page, or None with the reason it could not be verified."""
    placed: Placed = []
    previous = contents_last
    for entry in entries:
        page = entry.printed_page + offset
        if entry.printed_page == 0:
            placed.append((entry, None, "không đọc được số trang của mục này trong mục lục"))
            continue
        if page <= previous or page > pages.count:
            placed.append((entry, None, f"trang {entry.printed_page} ghi trong mục lục không "
                                        f"có trong tệp hoặc không theo thứ tự"))
            continue
        printed = head_notation(pages.head(page))
        if printed is not None and same_notation(printed, entry.notation):
            placed.append((entry, page, ""))
            previous = page
        elif printed is None:
            placed.append((entry, None, f"trang {page} không có dòng “Số: …” của văn bản"))
        else:
            placed.append((entry, None, f"trang {page} ghi số {printed.split('  ')[0]}, "
                                        f"mục lục ghi {entry.notation}"))
    return placed


def _fill_by_heads(pages: PageTexts, placed: Placed, contents_last: int) -> Placed:
    """Entries the contents' page numbers did not place (unreadable in a scan, misread, or no
    offset at all) looked for on the pages themselves: documents stand in the contents' order,
    so the entries between two placed neighbours are matched, in order, to the pages between
    them whose head prints their notation."""
    filled = list(placed)
    index = 0
    while index < len(filled):
        if filled[index][1] is not None:
            index += 1
            continue
        end = next((j for j in range(index, len(filled)) if filled[j][1] is not None),
                   len(filled))
        low = (filled[index - 1][1] if index else None) or contents_last
        high = (filled[end][1] if end < len(filled) else None) or pages.count + 1
        starts = [(page, head_notation(pages.head(page))) for page in range(low + 1, high)]
        gap = [entry for entry, _, _ in filled[index:end]]
        for k, page in _align(gap, [(p, n) for p, n in starts if n]).items():
            filled[index + k] = (gap[k], page, "")
        index = end
    return filled


def _align(entries: list[ListedEntry], starts: list[tuple[int, str]]) -> dict[int, int]:
    """The most entries matched to document heads keeping both orders (entry index: page)."""
    rows, cols = len(entries), len(starts)
    best = [[0] * (cols + 1) for _ in range(rows + 1)]
    for i in range(rows - 1, -1, -1):
        for j in range(cols - 1, -1, -1):
            same = same_notation(starts[j][1], entries[i].notation)
            best[i][j] = max(best[i + 1][j], best[i][j + 1], best[i + 1][j + 1] + same)
    matched, i, j = {}, 0, 0
    while i < rows and j < cols:
        if same_notation(starts[j][1], entries[i].notation) and \
                best[i][j] == best[i + 1][j + 1] + 1:
            matched[i] = starts[j][0]
            i, j = i + 1, j + 1
        elif best[i + 1][j] >= best[i][j + 1]:
            i += 1
        else:
            j += 1
    return matched


def _ranges(pages: PageTexts, placed: Placed,
            issue: ImportedIssue) -> None:
    for index, (entry, first, reason) in enumerate(placed):
        following = next((p for _, p, _ in placed[index + 1:] if p is not None), None)
        proposed_end = (following - 1) if following else _last_content_page(
            pages, first or 1, pages.count, read=False)
        if first is None:
            start = entry.printed_page + (issue.page_offset or 0) if entry.printed_page else 0
            proposed = start if 1 <= start <= pages.count else None
            issue.unmatched.append(UnmatchedEntry(
                entry, reason, proposed, proposed_end if proposed else None))
            continue
        next_entry_ok = index + 1 == len(placed) or placed[index + 1][1] is not None
        last = _last_content_page(pages, first, proposed_end, read=next_entry_ok)
        if not next_entry_ok:
            issue.unmatched.append(UnmatchedEntry(
                entry, "trang đầu khớp nhưng trang cuối chưa chắc: văn bản kế tiếp trong mục "
                       "lục chưa khớp", first, last, True))
            continue
        foreign = _foreign_head(pages, entry, first, last)
        if foreign:
            issue.unmatched.append(UnmatchedEntry(entry, foreign, first, last, True))
        else:
            printed = matched_words(head_notation(pages.head(first)) or "", entry.notation) or ""
            issue.documents.append(FoundDocument(entry, first, last, printed))


def import_issue(pdf: Path, ocr: bool = True, ocr_timeout: int = 300,
                 pages_factory: Callable[[Path], PageTexts] | None = None) -> ImportedIssue:
    """Read ``pdf`` (a published issue) into its documents; see the module's docstring."""
    pages = pages_factory(pdf) if pages_factory else PageTexts(pdf, ocr, ocr_timeout)
    issue = ImportedIssue(page_count=pages.count)
    if pages.count == 0:
        issue.problems.append("Tệp không có trang nào.")
        return issue
    issue.numbers, issue.issue_date = read_cover(pages(1))
    issue.contents_pages = find_contents(pages)
    if not issue.contents_pages:
        issue.problems.append("Không tìm thấy trang mục lục (“MỤC LỤC”) ở các trang đầu.")
        issue.ocr_pages = sorted(set(pages.ocr_done) | set(pages.heads))
        issue.ocr_whole_pages = sorted(pages.ocr_done)
        return issue
    if not issue.numbers:  # the contents' running header repeats the number
        issue.numbers = read_cover(pages(issue.contents_pages[0]))[0]
    entries, issue.layout = read_contents(pages, issue.contents_pages)
    if not entries:
        issue.problems.append("Mục lục không có mục nào đọc được (số ký hiệu và số trang).")
    else:
        contents_last = issue.contents_pages[-1]
        readable = [entry for entry in entries if entry.printed_page > 0]
        issue.page_offset = find_offset(pages, readable, contents_last) if readable else None
        if issue.page_offset is None:
            placed: Placed = [(entry, None, "không xác định được trang: không trang nào ghi số "
                                            "ký hiệu này ở vị trí mục lục chỉ")
                              for entry in entries]
        else:
            placed = _locate(pages, entries, issue.page_offset, contents_last)
        placed = _fill_by_heads(pages, placed, contents_last)
        if all(page is None for _, page, _ in placed):
            issue.problems.append("Không khớp được số trang của mục lục với các trang của tệp.")
        _ranges(pages, placed, issue)
    issue.ocr_pages = sorted(set(pages.ocr_done) | set(pages.heads))
    issue.ocr_whole_pages = sorted(pages.ocr_done)
    return issue
