"""A document's extracted text as blocks a page can show as HTML: paragraphs, numbered
articles ("Điều 3.") one can link to (``#dieu-3``), chapter headings, and page marks.

The text is the PDF's text layer (``intake.text.page_texts``): pages joined by a blank line,
lines as the PDF wrapped them, white space collapsed; the rows of the tables found on receipt
(``intake.tables``) are lines of tab-separated cells, shown as tables. Lines are joined back
into paragraphs: a
paragraph ends where a line ends a sentence and is clearly shorter than the page's full
lines, or where the next line starts an article, a chapter or a numbered point. Pure Python,
no Flask: the templates render the blocks, escaping every text.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

_ARTICLE = re.compile(r"^Điều\s+(\d{1,4})\s*[.:]\s*(.*)$")
_CHAPTER = re.compile(r"^(Chương|CHƯƠNG|Mục|MỤC|Phần|PHẦN)\s+([IVXLC\d]+)\b\.?\s*(.*)$")
_ITEM = re.compile(r"^(\d{1,3}[.)]|[a-zđ][.)]|[-–•+*])\s")
_SENTENCE_END = (".", ":", ";", "!", "?", "”", ")")
SHORT_TITLE = 150  # an article line this short is its title ("Điều 1. Phạm vi điều chỉnh")


@dataclass(frozen=True)
class Block:
    kind: str  # "article" | "heading" | "paragraph" | "caps" | "page" | "table"
    text: str = ""
    number: int | None = None  # the article's number, or the page's
    anchor: str = ""
    rows: tuple[tuple[str, ...], ...] = ()  # a table's, the first its heading; all as wide


def _table(lines: list[str]) -> Block:
    rows = [tuple(cell.strip() for cell in line.split("\t")) for line in lines]
    width = max(len(row) for row in rows)
    return Block("table", rows=tuple(row + ("",) * (width - len(row)) for row in rows))


def _page_blocks(lines: list[str], seen: set[str]) -> list[Block]:
    """A page's lines as blocks: runs of table rows as tables, the rest as paragraphs."""
    blocks: list[Block] = []
    run: list[str] = []
    for index, line in enumerate(lines + [""]):
        if index < len(lines) and ("\t" in line) == ("\t" in (run or [line])[0]):
            run.append(line)
            continue
        if run and "\t" in run[0]:
            blocks.append(_table(run))
        elif run:
            for paragraph in _paragraphs(run):
                blocks.extend(_blocks_of(paragraph, seen))
        run = [line] if index < len(lines) else []
    return blocks


def _is_caps(line: str) -> bool:
    letters = [c for c in line if c.isalpha()]
    return len(letters) >= 3 and all(c.isupper() for c in letters)


def _starts_block(line: str) -> bool:
    return bool(_ARTICLE.match(line) or _CHAPTER.match(line) or _ITEM.match(line)
                or _is_caps(line))


def _paragraphs(lines: list[str]) -> list[str]:
    """Lines of one page joined into paragraphs."""
    full = max((len(line) for line in lines), default=0) * 0.8
    paragraphs: list[str] = []
    current: list[str] = []
    for index, line in enumerate(lines):
        current.append(line)
        following = lines[index + 1] if index + 1 < len(lines) else ""
        short = len(line) < full
        title = short and bool(_ARTICLE.match(line) or _CHAPTER.match(line))  # "Điều 1. Phạm vi"
        ends = (line.endswith(_SENTENCE_END) and short) or title or _is_caps(line)
        if ends or not following or _starts_block(following):
            paragraphs.append(" ".join(current))
            current = []
    return paragraphs


def _blocks_of(paragraph: str, seen: set[str]) -> list[Block]:
    article = _ARTICLE.match(paragraph)
    if article:
        number, rest = int(article.group(1)), article.group(2).strip()
        anchor = f"dieu-{number}"
        if anchor in seen:  # "Điều 2." quoted twice (an amending text): link the first only
            return [Block("paragraph", paragraph)]
        seen.add(anchor)
        if len(paragraph) <= SHORT_TITLE and not rest.endswith("."):
            return [Block("article", f"Điều {number}. {rest}".strip(), number, anchor)]
        head = [Block("article", f"Điều {number}.", number, anchor)]
        return head + ([Block("paragraph", rest)] if rest else [])
    chapter = _CHAPTER.match(paragraph)
    if chapter and len(paragraph) <= SHORT_TITLE:
        return [Block("heading", paragraph)]
    return [Block("caps" if _is_caps(paragraph) else "paragraph", paragraph)]


def text_blocks(body: str | None) -> list[Block]:
    """The blocks of a document's text; [] when it has none (a scan not yet OCRed)."""
    if not body or not body.strip():
        return []
    blocks: list[Block] = []
    seen: set[str] = set()
    for number, page in enumerate(body.split("\n\n"), start=1):
        # a table row keeps its empty cells: only spaces are stripped from it
        lines = [line.strip(" \r") if "\t" in line else line.strip()
                 for line in page.split("\n") if line.strip()]
        if number > 1:
            blocks.append(Block("page", number=number, anchor=f"trang-{number}"))
            if lines and lines[0].isdigit():  # the page's own number, printed at its top
                lines = lines[1:]
        blocks.extend(_page_blocks(lines, seen))
    return blocks


def articles(blocks: list[Block]) -> list[Block]:
    """The article headings, for the text's own contents."""
    return [block for block in blocks if block.kind == "article"]
