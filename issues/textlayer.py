"""Remove a document's own page number from its page content, not only from sight.

The gazette prints its own page number in the top margin, where Decree 30/2020 puts the
document's (centred at the top). Covering the old number with a white box left it in the text
layer: copy-paste, screen readers and search read two page numbers. Here the text-showing
operators whose origin lies in the top band are dropped from the content stream, so what is
read is what is seen. The white box stays for what is not text (lines, images) and for text
drawn inside form XObjects, which are shared objects and left alone.

Only the vertical position of each text origin is tracked (CTM, text and line matrices,
leading): a show operator does not move the next one vertically, so glyph widths are not
needed. Text rotated by the CTM or the text matrix is judged by the same origin.
"""
from __future__ import annotations

from pypdf import PageObject, PdfReader, PdfWriter
from pypdf.generic import ContentStream, FloatObject

Matrix = tuple[float, float, float, float, float, float]
IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
SHOW = {b"Tj", b"TJ", b"'", b'"'}


def _multiply(m1: Matrix, m2: Matrix) -> Matrix:
    a1, b1, c1, d1, e1, f1 = m1
    a2, b2, c2, d2, e2, f2 = m2
    return (a1 * a2 + b1 * c2, a1 * b2 + b1 * d2, c1 * a2 + d1 * c2, c1 * b2 + d1 * d2,
            e1 * a2 + f1 * c2 + e2, e1 * b2 + f1 * d2 + f2)


class _TextState:
    """Where the next glyph would start, in the page's user space."""

    def __init__(self) -> None:
        self.ctm, self.leading = IDENTITY, 0.0
        self.stack: list[tuple[Matrix, float]] = []
        self.line = self.text = IDENTITY

    def origin_y(self) -> float:
        return _multiply(self.text, self.ctm)[5]

    def next_line(self, tx: float = 0.0, ty: float | None = None) -> None:
        ty = -self.leading if ty is None else ty
        self.line = self.text = _multiply((1.0, 0.0, 0.0, 1.0, tx, ty), self.line)

    def apply(self, operands: list, operator: bytes) -> None:
        numbers = [float(v) for v in operands if isinstance(v, (int, float, FloatObject))]
        if operator == b"q":
            self.stack.append((self.ctm, self.leading))
        elif operator == b"Q" and self.stack:
            self.ctm, self.leading = self.stack.pop()
        elif operator == b"cm" and len(numbers) == 6:
            self.ctm = _multiply(tuple(numbers), self.ctm)  # type: ignore[arg-type]
        elif operator == b"BT":
            self.line = self.text = IDENTITY
        elif operator == b"Tm" and len(numbers) == 6:
            self.line = self.text = tuple(numbers)  # type: ignore[assignment]
        elif operator in (b"Td", b"TD") and len(numbers) == 2:
            if operator == b"TD":
                self.leading = -numbers[1]
            self.next_line(numbers[0], numbers[1])
        elif operator == b"TL" and numbers:
            self.leading = numbers[0]
        elif operator in (b"T*", b"'", b'"'):
            self.next_line()


def remove_text_above(page: PageObject, reader: PdfReader | PdfWriter, limit: float) -> int:
    """Drop every text-showing operator of ``page`` whose origin is at or above ``limit``
    (user space, points); returns how many were dropped. The content is rewritten only when
    something was."""
    contents = page.get_contents()
    if contents is None:
        return 0
    stream = ContentStream(contents, reader)
    state, kept, dropped = _TextState(), [], 0
    for operands, operator in stream.operations:
        state.apply(operands, operator)
        if operator in SHOW and state.origin_y() >= limit:
            dropped += 1
            if operator == b'"':  # keep its word and character spacing and its line move
                kept += [([operands[0]], b"Tw"), ([operands[1]], b"Tc"), ([], b"T*")]
            elif operator == b"'":
                kept.append(([], b"T*"))
            continue
        kept.append((operands, operator))
    if dropped:
        stream.operations = kept
        page.replace_contents(stream)
    return dropped
