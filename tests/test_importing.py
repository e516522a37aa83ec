"""The past-issue importer (issues/importing.py) on issues this platform did not make: laid out
by LibreOffice from DOCX (contents as a table, as a tab-leader list, over two pages, a double
issue, three page numberings), a scan without text, and our own engine's issue."""
from __future__ import annotations

import random
import shutil
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter

from issues.compose import compose_issue
from issues.importing import (
    FoundDocument,
    ImportedIssue,
    ListedEntry,
    compact,
    head_notation,
    import_issue,
    repair_ocr_line,
    same_notation,
)
from issues.model import IssueSpec
from issues.ordering import order_documents
from print_templates import Masthead
from tests.support.issues import issue_documents
from tests.support.past_issues import (
    PastIssue,
    PastIssueSpec,
    build_past_issues,
    demo_documents,
    ordered,
    scanned,
)

pytestmark = pytest.mark.xdist_group("importing")  # the issues LibreOffice lays out, once


def ranges(result: ImportedIssue) -> dict[str, tuple[int, int]]:
    return {d.notation: (d.first_page, d.last_page) for d in result.documents}


def truth(issue: PastIssue) -> dict[str, tuple[int, int]]:
    return {notation: (first, last) for notation, first, last in issue.truth}


@pytest.fixture(scope="module")
def office_issues(tmp_path_factory) -> dict[str, PastIssue]:
    """Four issues laid out by LibreOffice in one run (each kind the importer must read)."""
    folder = tmp_path_factory.mktemp("past-issues")
    rng = random.Random(22)
    kinds = {
        "table": dict(layout="table", numbering="physical", numbers=(12,)),
        "leaders": dict(layout="leaders", numbering="documents", numbers=(13,)),
        "two-pages": dict(layout="leaders", numbering="year", numbers=(14,), break_after=4),
        "double": dict(layout="table", numbering="year", numbers=(44, 45), break_after=3),
    }
    specs = [PastIssueSpec(name, kind.pop("numbers"), date(2026, 8, 10),
                           ordered(demo_documents(folder, rng, 8)), **kind)
             for name, kind in kinds.items()]
    return {issue.spec.name: issue for issue in build_past_issues(folder, specs)}


@pytest.mark.slow
@pytest.mark.parametrize("name", ["table", "leaders", "two-pages", "double"])
def test_reads_an_issue_laid_out_by_libreoffice(office_issues, name):
    issue = office_issues[name]
    result = import_issue(issue.path)
    assert result.problems == []
    assert result.unmatched == []
    assert ranges(result) == truth(issue)  # every document, with its exact pages
    assert result.numbers == issue.spec.numbers
    assert result.issue_date == issue.spec.issue_date
    assert result.layout == issue.spec.layout
    assert result.ocr_pages == []  # text layer everywhere: no OCR
    by_notation = {d.notation: d for d in issue.spec.documents}
    for found in result.documents:
        listed, source = found.entry, by_notation[found.entry.notation]
        assert listed.issued == source.issued
        assert listed.type_name == source.type_name
        assert compact(source.abstract[10:60]) in compact(listed.abstract)


@pytest.mark.slow
def test_contents_over_two_pages_and_the_page_numbers_of_the_year(office_issues):
    issue = office_issues["two-pages"]
    result = import_issue(issue.path)
    assert len(result.contents_pages) >= 2
    first = result.documents[0]
    assert first.entry.printed_page == issue.spec.year_start  # "157": through the year
    assert first.first_page == first.entry.printed_page + result.page_offset


@pytest.mark.slow
def test_a_wrong_page_in_the_contents_is_never_registered(office_issues, tmp_path):
    """The third document's pages swapped for another document's first page: its entry, and
    the one before it (whose last page depends on it), come back unmatched with the reason."""
    issue = office_issues["leaders"]
    notation, first, _last = issue.truth[2]
    other_first = issue.truth[5][1]
    reader, writer = PdfReader(issue.path), PdfWriter()
    for number, page in enumerate(reader.pages, start=1):
        writer.add_page(reader.pages[other_first - 1] if number == first else page)
    broken = tmp_path / "broken.pdf"
    with broken.open("wb") as out:
        writer.write(out)
    result = import_issue(broken)
    unmatched = {u.entry.notation: u for u in result.unmatched}
    assert notation in unmatched
    assert issue.truth[5][0].split("/")[0] in unmatched[notation].reason  # "ghi số 929/..."
    assert issue.truth[1][0] in unmatched  # its end is not sure either
    assert unmatched[issue.truth[1][0]].proposed_first == issue.truth[1][1]
    expected = truth(issue)
    for notation_found, pages in ranges(result).items():
        assert expected[notation_found] == pages  # whatever is matched is right


@pytest.mark.slow
def test_a_document_missing_from_the_contents_is_caught(office_issues, tmp_path):
    """An issue whose contents forgot one document: the document before it would take its
    pages; the importer sees the other document's "Số:" inside the range and asks staff."""
    spec = office_issues["table"].spec
    forgot = PastIssueSpec("forgot", spec.numbers, spec.issue_date, spec.documents, spec.layout,
                           spec.numbering, unlisted=(3,))
    joined = build_past_issues(tmp_path, [forgot])[0].path
    result = import_issue(joined)
    third = spec.documents[2].notation
    assert third in {u.entry.notation for u in result.unmatched}
    assert third not in ranges(result)


@pytest.mark.slow
def test_our_own_engine_issue(tmp_path):
    documents = order_documents(issue_documents(tmp_path))
    spec = IssueSpec(2026, (44, 45), date(2026, 8, 10), tuple(documents))
    composed = compose_issue(spec, Masthead.load(), tmp_path / "issue.pdf")
    result = import_issue(composed.path)
    assert result.numbers == (44, 45)
    assert result.unmatched == []
    assert ranges(result) == {e.notation: (e.start_page, e.start_page + e.page_count - 1)
                              for e in composed.entries}  # the colophon is no one's page
    headings = {d.entry.notation: d.entry.issuer for d in result.documents}
    assert headings["22/QĐ-TT HĐND"] == "THƯỜNG TRỰC HỘI ĐỒNG NHÂN DÂN TỈNH"


@pytest.mark.slow
def test_a_scanned_issue_is_read_by_ocr_where_needed(office_issues, tmp_path):
    if shutil.which("tesseract") is None:
        pytest.skip("tesseract is not installed (Debian package tesseract-ocr-vie)")
    issue = scanned(office_issues["table"], tmp_path)
    result = import_issue(issue.path)
    assert PdfReader(issue.path).pages[0].extract_text().strip() == ""  # really no text
    expected = truth(issue)
    found = ranges(result)
    assert all(expected[n] == pages for n, pages in found.items())  # never a wrong range
    assert len(found) >= 0.75 * len(expected)  # 6 of 8; bench/bench_import.py measures the rate
    for unmatched in result.unmatched:  # read with OCR's noise, but one of the issue's
        assert any(same_notation(unmatched.entry.notation, n) for n in expected), unmatched
    # every page's head is read (documents are found by them), not every page whole
    assert set(result.ocr_whole_pages) < set(range(1, issue.page_count + 1))


def test_ocr_noise_on_contents_lines_is_repaired():
    row = "2        19/2026/NQ-HĐND_ | Nghị quyết quy định nguyên tắc, tiêu chí | l5"
    assert repair_ocr_line(row).endswith("19/2026/NQ-HĐND | Nghị quyết quy định nguyên tắc, "
                                         "tiêu chí ........ 15")
    assert repair_ocr_line("1   1132/QĐ-UBND   Quyết định phê duyệt Quy trình | I").endswith(
        "Quy trình ........ 1")
    assert repair_ocr_line("phạm vi chức năng quản lý | Sở Y tế") == \
        "phạm vi chức năng quản lý | Sở Y tế"  # no notation: not a row's first line
    assert repair_ocr_line("của Sở Tư pháp ........--2-©22©2+22E22 L4").endswith("........ 14")


def test_a_found_document_keeps_the_cleaner_notation():
    def found(listed: str, printed: str) -> str:
        entry = ListedEntry(0, listed, "Nghị quyết", "", None, "", 3, 2)
        return FoundDocument(entry, 3, 5, printed).notation
    assert found("18/NÑNQ-HĐND", "18/NQ-HĐND") == "18/NQ-HĐND"  # the contents' OCR noisy
    assert found("56/NQ-HĐND", "56NQ-HĐND") == "56/NQ-HĐND"  # the page's OCR lost a slash
    assert found("56NQ-HĐND", "56/NQ-HĐND") == "56/NQ-HĐND"


def test_no_contents_is_said_plainly(tmp_path):
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    path = tmp_path / "blank.pdf"
    with path.open("wb") as out:
        writer.write(out)
    result = import_issue(path)
    assert result.documents == [] and result.unmatched == []
    assert "MỤC LỤC" in result.problems[0]


def test_notations_compare_folded_and_tolerate_ocr():
    assert same_notation("12/2026/QD-UBND", "12/2026/QĐ-UBND")
    assert same_notation("l2/2026/QĐ-UBND Sơn La, ngày 5", "12/2026/QĐ-UBND")
    assert same_notation("22/QĐ-TT HĐND", "22/QĐ-TT HĐND")
    assert same_notation("09/2026/NQ-HĐND", "9/2026/NQ-HĐND")
    assert same_notation("45NQ-HĐND", "45/NQ-HĐND")  # a slash lost by OCR
    assert same_notation("18/NÑNQ-HĐND", "18/NQ-HĐND")  # letters added by OCR
    assert not same_notation("18/NQ-UBND", "18/NQ-HĐND")  # another issuer
    assert not same_notation("18/NQ-HĐND", "81/NQ-HĐND")
    assert not same_notation("123/QĐ-UBND", "12/QĐ-UBND")
    assert not same_notation("12/2026/QĐ-UBND", "12/2025/QĐ-UBND")
    page = "   HỘI ĐỒNG NHÂN DÂN        CỘNG HÒA\n   Số: 09/2026/NQ-HĐND       Sơn La, ngày"
    assert head_notation(page) == "09/2026/NQ-HĐND"
    assert head_notation("Quyết định số 12/2026/QĐ-UBND về việc") is None  # a citation


def test_the_builders_make_the_issues_they_say(office_issues):
    """The test files themselves: real PDFs whose truth matches their pages."""
    issue = office_issues["double"]
    reader = PdfReader(issue.path)
    assert len(reader.pages) == issue.page_count
    for notation, first, _last in issue.truth:
        text = reader.pages[first - 1].extract_text()
        assert notation.split("/")[0] in text
    assert Path(issue.path).read_bytes().startswith(b"%PDF")


@pytest.mark.slow
def test_import_issue_command_prints_what_it_found(runner, tmp_path):
    documents = order_documents(issue_documents(tmp_path, count=4))
    spec = IssueSpec(2026, (7,), date(2026, 3, 2), tuple(documents))
    composed = compose_issue(spec, Masthead.load(), tmp_path / "issue.pdf")
    result = runner.invoke(args=["import-issue", "--year", "2026", "--number", "7", "--dry-run",
                                 str(composed.path)])
    assert result.exit_code == 0, result.output
    for entry in composed.entries:
        last = entry.start_page + entry.page_count - 1
        assert f"OK pages {entry.start_page}-{last} {entry.notation}" in result.output
    assert "4 documents found, 0 to confirm" in result.output
    assert "WARNING" not in result.output
    wrong = runner.invoke(args=["import-issue", "--year", "2026", "--number", "8", "--dry-run",
                                str(composed.path)])
    assert "WARNING the cover reads Số 07, not 8" in wrong.output
    kept = runner.invoke(args=["import-issue", "--year", "2026", "--number", "7",
                               str(composed.path)])  # the current title's past issue
    assert kept.exit_code == 0, kept.output
    assert "registered Công báo tỉnh Sơn La, Số 07/2026: 4 documents" in kept.output
