"""Tables in a document's text: found in a DOCX (Word's own table) or in a PDF's layout, kept
through receiving as rows of cells, shown on the document's page as HTML tables (not lines),
and never made up where the text does not hold one."""
from __future__ import annotations

import re
import subprocess

from gazette_app.document_text import text_blocks
from gazette_app.intake.tables import docx_tables, mark_tables
from gazette_app.search import get_backend
from search_index.model import SearchQuery
from tests.support.intake import docx_bytes, need
from tests.support.tables import HEADER, ROWS, decision_with_table, receive_and_register


def test_word_tables_rules_or_three_columns_and_rows_marked_only_as_whole_lines():
    tables = docx_tables(decision_with_table())
    assert tables == [[HEADER, *ROWS]]  # the unruled two-column heading is layout, not data
    assert docx_tables(docx_bytes(["Không có bảng."])) == [] and docx_tables(b"PK broken") == []
    page = ("Điều 1. Như sau:\nSTT Tên xã\n1 Chiềng Hặc 11.250,5\nGiữ nguyên\n"
            "Xã 1 Chiềng Hặc 11.250,5 nằm trong dòng văn bản")
    marked = mark_tables([page], [[["STT", "Tên xã", ""], ["1", "Chiềng Hặc 11.250,5 Giữ",
                                                           "nguyên"]]])[0].split("\n")
    assert marked[1] == "STT\tTên xã\t"
    assert marked[2] == "1\tChiềng Hặc 11.250,5 Giữ\tnguyên"  # two lines became one row
    assert marked[3].startswith("Xã 1 Chiềng Hặc")  # inside a sentence: left as it was
    blocks = text_blocks("\n".join(marked))
    table = next(block for block in blocks if block.kind == "table")
    assert table.rows == (("STT", "Tên xã", ""), ("1", "Chiềng Hặc 11.250,5 Giữ", "nguyên"))
    assert [b.kind for b in blocks] == ["article", "table", "paragraph"]


def _table_cells(html: str) -> list[list[str]]:
    body = re.search(r'class="gz-doc-text".*?</div>\s*<p class="govuk-body-s">', html, re.S)
    assert body, "no document text on the page"
    return [re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row)
            for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body.group(0), re.S)]


def test_a_docx_table_is_a_table_on_the_document_page(app, client, auth):
    need("soffice", "libreoffice-writer-nogui")
    app.config["SHOW_UNPUBLISHED"] = True  # the page is read before any issue is published
    auth.login("bien-tap", role="editor")
    path = receive_and_register(app, client, "QĐ diện tích các xã.docx", decision_with_table())
    html = client.get(path).get_data(as_text=True)
    assert _table_cells(html) == [HEADER, *ROWS]
    assert 'class="gz-table-wrap gz-doc-table" role="region"' in html
    assert 'id="dieu-1"' in html and 'id="dieu-2"' in html  # the articles around it still read
    assert "<td" not in html.split('id="dieu-2"')[1].split("</div>")[0]
    with app.app_context():  # the cells are still words for search
        hits = get_backend().search(SearchQuery(text="Phiêng Khoài bản đồ quy hoạch"))
        assert hits.total == 1


def test_a_pdf_table_is_found_in_its_layout(app, client, auth, tmp_path):
    need("soffice", "libreoffice-writer-nogui")
    app.config["SHOW_UNPUBLISHED"] = True
    auth.login("bien-tap", role="editor")
    source = tmp_path / "decision.docx"
    source.write_bytes(decision_with_table())
    subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path),
                    str(source)], check=True, capture_output=True, timeout=180)
    pdf = (tmp_path / "decision.pdf").read_bytes()
    path = receive_and_register(app, client, "QĐ diện tích các xã.pdf", pdf)
    html = client.get(path).get_data(as_text=True)
    # from the columns of the text layer alone (which spaces "km²" as "k m²": spaces aside)
    def compact(rows):
        return [[cell.replace(" ", "") for cell in row] for row in rows]
    assert compact(_table_cells(html)) == compact([HEADER, *ROWS])
