"""The issue engine, read back from the PDF it writes (pdftotext, pdffonts, qpdf)."""
from __future__ import annotations

import re
import shutil
import subprocess
from datetime import UTC, date, datetime

import pytest
from pypdf import PdfReader

from issues.compose import compose_issue, contents_text
from issues.model import CompositionError, IssueSpec
from issues.numbering import NumberingError, check_numbers
from issues.ordering import order_documents
from print_templates import Masthead
from tests.support.issues import issue_documents, odd_size_pdf, page_texts

pytestmark = [pytest.mark.skipif(not shutil.which("pdftotext") or not shutil.which("qpdf"),
                                 reason="poppler-utils and qpdf are needed (make test installs)"),
              pytest.mark.xdist_group("issue_engine")]  # the module's issue composed once
ISSUE_DATE = date(2026, 8, 10)


@pytest.fixture(scope="module")
def composed(tmp_path_factory):
    folder = tmp_path_factory.mktemp("issue")
    documents = order_documents(issue_documents(folder))
    spec = IssueSpec(2026, (44, 45), ISSUE_DATE, tuple(documents),
                     public_url="http://127.0.0.1:5000/cong-bao/2026/44")
    result = compose_issue(spec, Masthead.load(), folder / "issue.pdf")
    return spec, result, page_texts(result.path)


def test_order_is_legal_first_then_authority_date_number(composed):
    spec, result, _ = composed
    parts = [e.part for e in result.entries]
    assert parts == sorted(parts, key=["legal", "other"].index)
    assert [e.notation for e in result.entries][:5] == [
        "09/2026/NQ-HĐND", "10/2026/NQ-HĐND", "40/2026/QĐ-UBND", "46/2026/QĐ-UBND",
        "47/2026/QĐ-UBND"]
    headings = [e.heading for e in result.entries if e.part == "other"]
    assert headings.index("THƯỜNG TRỰC HỘI ĐỒNG NHÂN DÂN TỈNH") < \
        headings.index("CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH") < \
        headings.index("HỘI ĐỒNG NHÂN DÂN XÃ CHIỀNG HẶC")
    assert len({e.heading for e in result.entries}) >= 5


def test_contents_page_numbers_point_at_the_notation(composed):
    spec, result, texts = composed
    assert len(result.entries) == 13
    front = "\n".join(texts[:result.front_pages])
    for entry in result.entries:
        page_text = texts[entry.start_page - 1]
        assert f"Số: {entry.notation}" in page_text, entry.notation
        assert f"Số: {entry.notation}" not in texts[entry.start_page - 2]
        # The number printed in the contents, read back from the contents pages: at the end
        # of the entry's last line, after the leader dots.
        assert contents_page(front, entry.notation) == entry.start_page == entry.printed_page
    assert result.entries[0].start_page == result.front_pages + 1


def contents_page(front: str, notation: str) -> int:
    """The page number printed for ``notation`` in the contents (pdftotext -layout): the first
    line from the entry on that ends in leader dots and a number."""
    after = front[front.index(f"số {notation} "):]
    return int(re.search(r"\.{3,}\s*(\d+)\s*$", after, re.M).group(1))


def test_every_body_page_carries_one_page_number_in_its_text(composed):
    """The document's own page number is gone from the text layer, not only hidden: in the
    top 25 mm of every page after the cover, pdftotext reads the running header and one
    number, the gazette's."""
    spec, result, _ = composed
    tops = subprocess.run(["pdftotext", "-layout", "-x", "0", "-y", "0", "-W", "596", "-H",
                           str(round(25 * 72 / 25.4)), str(result.path), "-"], check=True,
                          capture_output=True, text=True).stdout.split("\f")[:-1]
    for number, top in enumerate(tops[1:], start=2):
        assert spec.running_header in top, number
        numbers = re.findall(r"\b\d+\b", top.replace(spec.running_header, ""))
        assert numbers == [str(number)], (number, top)
    # What was removed is only the top margin: the documents' own text is all still there.
    body = page_texts(result.path)
    assert sum(f"Số: {e.notation}" in page for e in result.entries for page in body) == 13


def test_page_count_headers_and_colophon(composed):
    spec, result, texts = composed
    document_pages = sum(e.page_count for e in result.entries)
    assert document_pages == 71
    assert result.page_count == len(texts) == result.front_pages + document_pages + 1
    assert "CÔNG BÁO" in texts[0] and "Số 44 + 45" in texts[0] and "MỤC LỤC" in texts[0]
    header = "CÔNG BÁO/Số 44 + 45/Ngày 10-8-2026"
    for number in range(2, result.page_count + 1):
        words = texts[number - 1].strip().splitlines()[0].split()
        # The page number stands at the outer edge, beside the running header.
        size = len(header.split())
        if number % 2:
            assert " ".join(words[-size - 1:-1]) == header and words[-1] == str(number), words
        else:
            assert words[0] == str(number) and " ".join(words[1:size + 1]) == header, words
    assert "Văn phòng Ủy ban nhân dân tỉnh Sơn La".upper() in texts[-1]
    assert "congbao@sonla.gov.vn" in texts[-1]


def test_pdf_quality(composed):
    spec, result, _ = composed
    fonts = subprocess.run(["pdffonts", str(result.path)], capture_output=True, text=True,
                           check=True).stdout.splitlines()[2:]
    assert fonts and all(row.split()[-5] == "yes" for row in fonts), fonts
    check = subprocess.run(["qpdf", "--check", str(result.path)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    reader = PdfReader(str(result.path))
    assert all(abs(float(p.mediabox.width) - 595.28) < 1 and
               abs(float(p.mediabox.height) - 841.89) < 1 for p in reader.pages)
    meta = reader.metadata
    assert meta.title.startswith("Công báo tỉnh Sơn La Số 44 + 45/2026")
    assert "47/2026/QĐ-UBND" in meta["/Keywords"] and meta.subject
    outline = reader.outline
    titles = [item.title for item in outline if not isinstance(item, list)]
    assert titles == ["Bìa và mục lục", "Phần văn bản quy phạm pháp luật", "Phần văn bản khác"]
    children = [item for item in outline if isinstance(item, list)]
    assert sum(len(c) for c in children) == 13
    first_doc = children[0][0]
    assert reader.get_destination_page_number(first_doc) == result.entries[0].start_page - 1
    assert reader.page_labels[:3] == ["1", "2", "3"]


def test_year_continuous_numbering_offsets_printed_pages(tmp_path):
    documents = order_documents(issue_documents(tmp_path, count=3))
    spec = IssueSpec(2026, (46,), ISSUE_DATE, tuple(documents), first_page=301)
    result = compose_issue(spec, Masthead.load(), tmp_path / "issue.pdf")
    texts = page_texts(result.path)
    for entry in result.entries:
        assert entry.printed_page == 300 + entry.start_page
        assert str(entry.printed_page) in texts[entry.start_page - 1].splitlines()[0]
    assert PdfReader(str(result.path)).page_labels[0] == "301"


def test_pages_not_in_a4_are_scaled_onto_a4(tmp_path):
    documents = issue_documents(tmp_path, count=1)
    odd = odd_size_pdf(tmp_path / "odd.pdf", "99/QĐ-UBND")
    spec = IssueSpec(2026, (47,), ISSUE_DATE, (documents[0].__class__(
        **{**documents[0].__dict__, "pdf_path": odd, "notation": "99/QĐ-UBND"}),))
    result = compose_issue(spec, Masthead.load(), tmp_path / "issue.pdf")
    reader = PdfReader(str(result.path))
    for page in reader.pages:
        assert abs(float(page.mediabox.width) - 595.28) < 1
    texts = page_texts(result.path)
    start = result.entries[0].start_page
    assert "Số: 99/QĐ-UBND" in texts[start - 1] and "CÔNG BÁO/Số 47" in texts[start - 1]
    assert "Trang khổ A5" in texts[start]


@pytest.mark.parametrize("content, message", [
    (b"not a pdf at all", "bị hỏng"),
    (b"", "bị hỏng"),
    (None, "Không tìm thấy"),
])
def test_unreadable_pdf_names_the_document(tmp_path, content, message):
    documents = issue_documents(tmp_path, count=2)
    broken = tmp_path / "broken.pdf"
    if content is not None:
        broken.write_bytes(content)
    bad = documents[1].__class__(**{**documents[1].__dict__, "pdf_path": broken})
    spec = IssueSpec(2026, (48,), ISSUE_DATE, (documents[0], bad))
    out = tmp_path / "out" / "issue.pdf"
    with pytest.raises(CompositionError, match=message) as error:
        compose_issue(spec, Masthead.load(), out)
    assert error.value.key == bad.key and bad.notation in str(error.value)
    assert not out.exists() and not any(out.parent.glob("*")) if out.parent.exists() else True


def test_encrypted_pdf_is_refused(tmp_path):
    from pypdf import PdfWriter
    documents = issue_documents(tmp_path, count=1)
    writer = PdfWriter(clone_from=str(documents[0].pdf_path))
    writer.encrypt("secret")
    locked = tmp_path / "locked.pdf"
    with locked.open("wb") as handle:
        writer.write(handle)
    spec = IssueSpec(2026, (49,), ISSUE_DATE,
                     (documents[0].__class__(**{**documents[0].__dict__, "pdf_path": locked}),))
    with pytest.raises(CompositionError, match="mật khẩu"):
        compose_issue(spec, Masthead.load(), tmp_path / "issue.pdf")


@pytest.mark.parametrize("numbers, taken, reason, message", [
    ([3], {1, 2, 3}, "", "đã dùng"),
    ([5], {1, 2, 3}, "", "phải là 04"),
    ([2], {1, 3}, "", "nhỏ hơn"),
    ([44, 46], set(range(1, 44)), "", "liên tiếp"),
    ([], set(), "", "ít nhất"),
    ([0], set(), "", "từ 01"),
])
def test_numbering_refusals(numbers, taken, reason, message):
    with pytest.raises(NumberingError, match=message):
        check_numbers(numbers, taken, reason)


def test_numbering_accepts_next_double_and_explained_gap():
    check_numbers([1], set())
    check_numbers([44, 45], set(range(1, 44)))
    check_numbers([6], {1, 2, 3}, "Số 04, 05 huỷ do in lỗi (quyết định của Chánh Văn phòng)")


def test_archival_rendition_passes_the_checks_and_stays_searchable(composed, tmp_path):
    from issues.archival import check_archival, make_archival
    spec, result, _ = composed
    assert "no GTS_PDFA1 output intent with an ICC profile (6.2.3)" in check_archival(result.path)
    archival = tmp_path / "archival.pdf"
    make_archival(result.path, archival, datetime(2026, 7, 20, 3, 0, tzinfo=UTC))
    assert check_archival(archival) == []
    assert subprocess.run(["qpdf", "--check", str(archival)], capture_output=True).returncode == 0
    texts = page_texts(archival)
    assert len(texts) == result.page_count and "CÔNG BÁO" in texts[0] and "MỤC LỤC" in texts[0]
    reader = PdfReader(str(archival))
    assert reader.metadata.title == PdfReader(str(result.path)).metadata.title
    assert len(reader.outline) == len(PdfReader(str(result.path)).outline)


def _words(pdf, page: int) -> list[tuple[str, float, float, float]]:
    """(word, xMin, xMax, yMin) of every word on ``page``, as poppler places them."""
    html = subprocess.run(["pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(pdf),
                           "-"], check=True, capture_output=True, text=True).stdout
    return [(m[5], float(m[1]), float(m[3]), float(m[2])) for m in re.finditer(
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>',
        html)]


def _centre_of(words, first: str, last: str) -> float:
    start = next(w for w in words if w[0] == first)
    end = next(w for w in words if w[0] == last and abs(w[3] - start[3]) < 3)
    return (start[1] + end[2]) / 2


def test_cover_is_centred_with_the_2011_template_masthead(composed):
    spec, result, texts = composed
    words = _words(result.path, 1)
    centre = 595.276 / 2
    for first, last in (("CÔNG", "BÁO"), ("MỤC", "LỤC"), ("CỘNG", "NAM"), ("TỈNH", "LA")):
        assert abs(_centre_of(words, first, last) - centre) < 1.5, (first, last)
    cover = texts[0]
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in cover
    assert "Ngày 10-8-2026" in cover and "Số 44 + 45" in cover
    assert "Tra cứu bản điện tử" in cover  # the QR code's caption


def test_masthead_settings_change_the_cover(tmp_path):
    from PIL import Image, ImageDraw
    emblem = tmp_path / "quoc-huy.png"
    image = Image.new("RGB", (200, 200), "white")
    ImageDraw.Draw(image).ellipse((10, 10, 190, 190), fill=(200, 0, 0))
    image.save(emblem)
    settings = tmp_path / "masthead.toml"
    settings.write_text(Masthead.load.__globals__["DEFAULT_MASTHEAD"].read_text(
        encoding="utf-8").replace('national_title = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"',
                                  'national_title = ""')
        .replace('emblem = ""', 'emblem = "quoc-huy.png"')
        .replace('number_date_style = "upright"', 'number_date_style = "italic"')
        .replace('date_format = "hyphen"', 'date_format = "long"'), encoding="utf-8")
    masthead = Masthead.load(settings)
    assert masthead.emblem == str(emblem)
    spec = IssueSpec(2026, (3,), date(2026, 2, 5), tuple(issue_documents(tmp_path, count=1)))
    result = compose_issue(spec, masthead, tmp_path / "issue.pdf")
    cover = page_texts(result.path)[0]
    assert "Ngày 05 tháng 02 năm 2026" in cover and "CỘNG HÒA" not in cover
    images = subprocess.run(["pdfimages", "-list", "-f", "1", "-l", "1", str(result.path)],
                            capture_output=True, text=True, check=True).stdout.splitlines()[2:]
    assert len(images) >= 1  # the emblem (its soft mask may add a row)
    settings.write_text('date_format = "dd/mm"\n', encoding="utf-8")
    with pytest.raises(ValueError, match="date_format"):
        Masthead.load(settings)


def test_contents_write_dates_and_abstracts_as_the_real_contents_do(tmp_path):
    """"1045/QĐ-UBND V/v phân công ..." in the feed is printed "về việc phân công", dates as
    "28/4/2026"; the real Sơn La contents read the same way."""
    from tests.support.issues import make_document, records
    record = next(r for r in records() if r["number"] == "1045/QĐ-UBND")
    assert record["abstract"].startswith("V/v ")
    document = make_document(tmp_path, 0, record, 1)
    spec = IssueSpec(2026, (20,), date(2026, 5, 4), (document,))
    front = page_texts(compose_issue(spec, Masthead.load(), tmp_path / "issue.pdf").path)[0]
    assert "1045/QĐ-UBND về việc phân công" in front and "v/v" not in front.lower()
    assert "28/4/2026" in front and "Ngày 04-5-2026" in front
    assert contents_text("Quyết định", "1/QĐ-UBND", "V/V: Thành lập tổ") == \
        "Quyết định số 1/QĐ-UBND về việc thành lập tổ"
    assert contents_text("Nghị quyết", "2/NQ-HĐND", "Về việc bầu") == \
        "Nghị quyết số 2/NQ-HĐND về việc bầu"


def test_leader_dots_can_be_turned_off(tmp_path):
    import dataclasses
    documents = issue_documents(tmp_path, count=2)
    spec = IssueSpec(2026, (21,), ISSUE_DATE, tuple(documents))
    plain = dataclasses.replace(Masthead.load(), contents_leaders=False)
    with_dots = page_texts(compose_issue(spec, Masthead.load(), tmp_path / "a.pdf").path)[0]
    without = page_texts(compose_issue(spec, plain, tmp_path / "b.pdf").path)[0]
    assert "....." in with_dots and "....." not in without
    assert re.search(r"\s(\d+)\s*$", without.split(documents[0].notation)[1], re.M)
