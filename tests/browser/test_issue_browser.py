"""Staff compose, approve and publish an issue in a real browser."""
import pytest

from tests.support.records import ISSUE_DATE, load_documents
from tests.support.web import PASSWORDS

pytestmark = pytest.mark.slow


def _login(page, base, username, role):
    page.goto(f"{base}/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORDS[role])
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/staff/")


def test_compose_approve_publish_in_the_browser(app, tmp_path, live_server, browser,
                                                screenshot_dir):
    load_documents(app, tmp_path, 5)
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    _login(page, live_server, "lan", "editor")
    page.click("text=Số Công báo")
    page.click("text=Tạo số mới")
    page.fill("input[name=numbers]", "01")
    page.fill("input[name=date]", ISSUE_DATE.isoformat())
    page.click("text=Tạo bản nháp")
    assert "Đã tạo bản nháp Số 01/2026" in page.content()
    page.click("text=Dàn trang / xem trước")
    assert "Đã dàn trang" in page.content()
    assert page.locator("table.govuk-table").first.locator("tbody tr").count() == 5
    page.screenshot(path=str(screenshot_dir / "staff-issue-draft.png"), full_page=False)
    assert page.locator("button:text-is('Duyệt')").count() == 0  # an editor cannot approve
    page.click("text=Đăng xuất")

    _login(page, live_server, "hoa", "approver")
    page.goto(page.url.replace("/staff/", "/staff/issues"))
    page.click("text=Số 01")
    page.click("button:text-is('Duyệt')")
    page.click("button:text-is('Phát hành')")
    assert "Đã phát hành" in page.content() and "Đã phát hành" in page.inner_text("main")
    page.set_viewport_size({"width": 390, "height": 900})
    page.screenshot(path=str(screenshot_dir / "staff-issue-published-phone.png"), full_page=False)
    response = page.request.get(page.url + "/print.pdf")
    assert response.status == 200 and response.body()[:5] == b"%PDF-"
