"""The staff side at a real office's volume, in Debian's Chromium at a phone's width (390 px)
and a desktop's (1366 px): on the demo with ~150 more documents waiting (the demo has published
all it holds; the office is built once for the module and each test has its own copy), staff
compose an issue from the full queue in at most 8 clicks or keystrokes, counted here; then
every staff page is opened at both widths: none scrolls sideways, none shows English codes,
Python reprs or raw hashes, and a full-page screenshot of each is saved to test-artifacts/
(staff-<page>-<width>.png)."""
from __future__ import annotations

import json
import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from gazette_app.demo.documents import DemoDocument, render_document_pdf
from gazette_app.extensions import db
from gazette_app.formatting import vn_number
from gazette_app.models import AuditEvent, Document, DuplicateFlag, Feedback, Issue
from gazette_app.services.documents import attach_pdf
from gazette_app.services.records import import_records
from gazette_app.services.users import create_user
from gazette_app.vocabulary import AUDIT_FIELDS
from tests.support.demo_instance import BUILD_CONFIG, app_in, close, copy_instance
from tests.support.web import PASSWORDS

pytestmark = [pytest.mark.slow, pytest.mark.browser, pytest.mark.from_template("office_template"),
              pytest.mark.xdist_group("staff_office")]  # its office built once, on one worker

READY = 150
MAX_ACTIONS = 8
# What a clerk must never read: audit codes, Python reprs, full hashes, internal ids.
CODE = re.compile(r"\b(auth|issue|document|user|receipt|volume|store|feedback|instance)\.[a-z_]+"
                  r"\b|\['|\{'|\b[0-9a-f]{64}\b|\bissue \d+\b|\bNone\b|#\d+\b|Traceback|"
                  r"\b[a-z]+(_[a-z0-9]+)+:|tài khoản \d+\b")
ISSUERS = [("UBND Tỉnh", "Quyết định của UBND tỉnh", "QĐ-UBND", "Chủ tịch UBND tỉnh"),
           ("HĐND Tỉnh", "Nghị quyết của HĐND tỉnh", "NQ-HĐND", "Chủ tịch HĐND tỉnh"),
           ("HĐND xã Chiềng Mai", "Nghị quyết HĐND xã", "NQ-HĐND", "Chủ tịch HĐND xã")]
TOPICS = ["quy hoạch sử dụng đất", "giá dịch vụ khám bệnh", "học phí mầm non", "bảng giá đất",
          "phí tham quan di tích", "hỗ trợ giống cây trồng", "định mức chi tiếp khách",
          "danh mục dự án đầu tư công", "thu hồi đất làm đường", "chợ nông thôn"]


def _bring_ready_documents(app, folder: Path, count: int) -> dict[int, int]:
    """``count`` documents received, registered and given a signed PDF (1-3 pages), as the
    office's queue holds on a busy week; returns {document id: pages}."""
    lines = []
    for n in range(count):
        issuer, doc_type, code, signer = ISSUERS[n % len(ISSUERS)]
        number = f"{3001 + n}/2026/{code}" if n % 2 else f"{3001 + n}/{code}"
        lines.append(json.dumps({
            "number": number, "issued": (date(2026, 5, 4) + timedelta(days=n)).isoformat(),
            "issuer": issuer, "doc_type": doc_type, "status": "Đang hiệu lực", "signer": signer,
            "abstract": f"Về việc {TOPICS[n % len(TOPICS)]} đợt {n // len(TOPICS) + 1} "
                        f"tại {['thành phố', 'huyện Mai Sơn', 'xã Chiềng Mai'][n % 3]}",
            "source_url": f"https://example.test/hang-doi/{n}"}, ensure_ascii=False))
    pages: dict[int, int] = {}
    with app.app_context():
        summary = import_records(lines)
        assert not summary.rejected, summary.rejected
        documents = db.session.scalars(select(Document).where(
            Document.source_url.like("https://example.test/hang-doi/%"))).all()
        assert len(documents) == count
        for document in documents:
            size = 1 + document.id % 3
            pdf = render_document_pdf(folder / f"{document.id}.pdf", DemoDocument(
                document.notation, document.issuer.name, document.doc_type, document.abstract,
                document.issued, document.signer), size)
            attach_pdf(document, pdf.read_bytes(), "ban-ky.pdf")
            pages[document.id] = size
        create_user("lan", PASSWORDS["editor"], "editor", "Nguyễn Thị Lan")
        create_user("quan-tri", PASSWORDS["admin"], "admin", "Quản trị viên")
    return pages


class Counted:
    """The page, with every click, choice and keystroke staff make counted."""

    def __init__(self, page):
        self.page, self.actions = page, 0

    def click(self, selector: str) -> None:
        self.actions += 1
        self.page.click(selector)

    def choose(self, selector: str, label: str) -> None:
        self.actions += 1
        self.page.select_option(selector, label=label)


def _login(page, base: str, username: str, role: str) -> None:
    page.goto(f"{base}/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORDS[role])
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/staff/")


# The elements that stick out on the right, named for the failure message.
WIDE = ("Array.from(document.querySelectorAll('body *')).filter(e => "
        "e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)"
        ".slice(-5).map(e => e.tagName + '.' + e.className)")


def _fits_and_reads_as_vietnamese(page, name: str, width: int, folder: Path) -> None:
    page.screenshot(path=str(folder / f"staff-{name}-{width}.png"), full_page=True)
    sideways = page.evaluate("document.documentElement.scrollWidth - "
                             "document.documentElement.clientWidth")
    assert sideways <= 0, (name, width, sideways, page.evaluate(WIDE))
    text = page.inner_text("body")
    assert not CODE.search(text), (name, CODE.search(text).group(0))


@pytest.fixture(scope="module")
def ready_office(built_demo: Path, tmp_path_factory) -> tuple[Path, dict[int, int]]:
    """The office built once for the module on a copy of the session's demo: (its folder,
    {waiting document id: pages}); each test's app starts on its own copy of that folder."""
    folder = tmp_path_factory.mktemp("office")
    copy_instance(built_demo, folder)
    app = app_in(folder, BUILD_CONFIG)
    pages = _bring_ready_documents(app, tmp_path_factory.mktemp("office-pdfs"), READY)
    close(app)
    return folder, pages


@pytest.fixture(scope="module")
def office_template(ready_office) -> Path:
    return ready_office[0]


@pytest.fixture
def office(app, ready_office) -> dict[int, int]:
    """The waiting documents of the test's own office (``app``, copied from the template)."""
    return ready_office[1]


def test_compose_from_the_full_queue_in_a_handful_of_actions(app, office, live_server, browser,
                                                             screenshot_dir):
    with app.app_context():
        by_issuer = {name: [d for d in db.session.scalars(select(Document).where(
            Document.id.in_(office))) if d.issuer.name == name]
            for name in ("HĐND xã Chiềng Mai", "HĐND tỉnh")}
    for width, issuer in ((390, "HĐND xã Chiềng Mai"), (1366, "HĐND tỉnh")):
        context = browser.new_context(viewport={"width": width, "height": 900}, locale="vi-VN")
        page = context.new_page()
        page.set_default_timeout(180_000)  # composing ~100 pages on a shared machine
        _login(page, live_server, "lan", "editor")
        queue_page = page.request.get(f"{live_server}/staff/issues/new").text()
        waiting = len(re.findall(r'name="document" value=', queue_page))
        assert waiting >= READY - (0 if width == 390 else len(by_issuer["HĐND xã Chiềng Mai"]))

        staff = Counted(page)
        staff.click("a:text('Tạo số Công báo mới')")          # from the dashboard
        staff.choose("#co-quan", issuer)                       # filter by the issuer
        staff.click("button:text-is('Lọc')")
        staff.click("a:text('Chọn tất cả văn bản đã lọc')")    # select the filtered set
        chosen = by_issuer[issuer]
        pages = sum(office[d.id] for d in chosen)
        count = page.inner_text("#chosen-count")              # check the page count
        assert count == f"{vn_number(len(chosen))} văn bản, {vn_number(pages)} trang", count
        page.locator("#create-draft").scroll_into_view_if_needed()
        assert page.locator("#create-draft").is_visible()       # reachable at once
        _fits_and_reads_as_vietnamese(page, "issue-new", width, screenshot_dir)
        staff.click("#create-draft")
        assert "Đã tạo bản nháp" in page.inner_text("main")
        staff.click("button:text-is('Dàn trang / xem trước')")
        assert "Đã dàn trang" in page.inner_text("main")
        assert page.locator("#contents tbody tr").count() == len(chosen)
        assert staff.actions <= MAX_ACTIONS, staff.actions
        print(f"composed at {width} px from a queue of {waiting}: {len(chosen)} documents, "
              f"{pages} pages, in {staff.actions} actions")
        _fits_and_reads_as_vietnamese(page, "issue-draft", width, screenshot_dir)
        context.close()
    with app.app_context():
        drafts = db.session.scalars(select(Issue).where(Issue.state == "draft")).all()
        assert len(drafts) == 2 and all(issue.pdf_sha256 for issue in drafts)


def test_every_staff_page_fits_a_phone_and_reads_in_vietnamese(app, office, live_server,
                                                               browser, screenshot_dir):
    with app.app_context():
        flag = db.session.scalars(select(DuplicateFlag)).first()
        published = db.session.scalars(select(Issue).where(Issue.state == "published")
                                       .order_by(Issue.id.desc())).first()
        document = db.session.get(Document, min(office))
        db.session.add(Feedback(document_id=document.id, name="Lò Văn Pấng",
                                message="Đề nghị đăng thêm phụ lục bảng giá đất."))
        db.session.commit()
        feedback = db.session.scalars(select(Feedback)).first()
        assert flag is not None and published is not None
        flagged, published_id, document_id, feedback_id = (
            flag.document_id, published.id, document.id, feedback.id)
        # every field the demo's year of audit events changed has its Vietnamese name
        named = {key for event in db.session.scalars(select(AuditEvent))
                 for key in event.changed_fields()}
        assert named <= AUDIT_FIELDS.keys(), named - AUDIT_FIELDS.keys()
    pages = {
        "dashboard": "/staff/", "receive": "/staff/receive", "documents": "/staff/documents",
        "documents-by-issuer": "/staff/documents?sap=co-quan&chieu=tang",
        "document": f"/staff/documents/{document_id}",
        "flagged": f"/staff/documents/{flagged}", "issues": "/staff/issues",
        "issue-new": "/staff/issues/new", "issue-published": f"/staff/issues/{published_id}",
        "volumes": "/staff/volumes", "feedback": "/staff/feedback",
        "feedback-item": f"/staff/feedback/{feedback_id}", "news": "/staff/news",
        "statistics": "/staff/thong-ke", "audit": "/staff/audit", "users": "/staff/users",
    }
    for width in (390, 1366):
        context = browser.new_context(viewport={"width": width, "height": 900}, locale="vi-VN")
        page = context.new_page()
        page.goto(f"{live_server}/login")
        _fits_and_reads_as_vietnamese(page, "login", width, screenshot_dir)
        _login(page, live_server, "quan-tri", "admin")
        for name, path in pages.items():
            response = page.goto(live_server + path)
            assert response.status == 200, (name, response.status)
            _fits_and_reads_as_vietnamese(page, name, width, screenshot_dir)
        menu = page.locator(".gz-nav__toggle")
        if width == 390:  # the menu folds behind one button on a phone
            assert menu.is_visible() and not page.locator("#nav-list").is_visible()
            menu.click()
            assert page.locator("#nav-list a:text('Thống kê')").is_visible()
            page.screenshot(path=str(screenshot_dir / f"staff-menu-{width}.png"))
        else:
            assert not menu.is_visible() and page.locator("#nav-list").is_visible()
        context.close()
