"""A citizen finds a document without accents, opens it, downloads its PDF, reads an issue's
contents and follows a link to a page, sends feedback; staff log in and answer it, on the
test's own copy of the session's built demo (`flask demo` run again there only prints the
admin's password). Screenshots at phone and desktop width go to test-artifacts/."""
import pytest

pytestmark = pytest.mark.slow


@pytest.mark.from_template("built_demo")
def test_citizen_and_staff_journey(app, runner, live_server, browser, screenshot_dir):
    output = runner.invoke(args=["demo", "--no-former-title"]).output
    password = output.strip().splitlines()[-1].split("password: ")[1]
    for width, name in ((390, "phone"), (1280, "desktop")):
        context = browser.new_context(viewport={"width": width, "height": 900},
                                      accept_downloads=True)
        page = context.new_page()
        blocked = []  # the Content-Security-Policy must block nothing the site itself uses
        page.on("console", lambda message, *, blocked=blocked: blocked.append(message.text)
                if "Content Security Policy" in message.text else None)
        page.goto(f"{live_server}/")
        page.screenshot(path=str(screenshot_dir / f"home-{name}.png"))
        page.fill("#q", "phe chuan ket qua bau chu tich hoi dong nhan dan xa phieng khoai")
        page.click("form[role=search] .gz-searchbox button")
        page.locator(".gz-hit__title a").first.click()
        assert "Phiêng Khoài" in page.inner_text("main")
        assert "/van-ban/hdnd-tinh/2026/" in page.url
        page.screenshot(path=str(screenshot_dir / f"document-{name}.png"))
        with page.expect_download() as download:
            page.click("text=Tải PDF")
        assert download.value.suggested_filename.endswith(".pdf")
        issue_link = page.locator("dd a[href*='/cong-bao/2026/']")
        assert issue_link.count() == 1
        issue_link.click()
        assert "Mục lục" in page.inner_text("main")
        page.screenshot(path=str(screenshot_dir / f"issue-{name}.png"))
        page_link = page.locator("ol.gz-contents a.gz-page").first
        href = page_link.get_attribute("href")
        assert ".pdf#page=" in href
        response = page.request.get(live_server + href.split("#")[0])
        assert response.status == 200 and response.body()[:5] == b"%PDF-"
        page.locator("ol.gz-contents li a").first.click()
        page.click("text=Góp ý về văn bản này")
        page.fill("#message", f"Đề nghị đăng kèm phụ lục của văn bản ({name}).")
        page.wait_for_timeout(3200)  # people take a few seconds; bots post at once
        page.click("text=Gửi góp ý")
        assert "Cảm ơn bạn đã góp ý" in page.inner_text("main")
        assert blocked == []
        context.close()

    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{live_server}/login")
    page.fill("#username", "admin")
    page.fill("#password", password)
    page.click("button[type=submit]")
    page.click("nav >> text=Góp ý")
    rows = page.locator("table.govuk-table tbody tr a")
    assert rows.count() == 2
    rows.first.click()
    page.fill("#answer", "Văn phòng đã bổ sung phụ lục. Cảm ơn bạn.")
    page.click("text=Lưu trả lời")
    assert "Đã lưu câu trả lời" in page.inner_text("main")
    assert page.locator("table.govuk-table tbody tr a").count() == 1
    page.screenshot(path=str(screenshot_dir / "staff-feedback-desktop.png"))


def test_text_size_control_without_javascript(app, live_server, browser):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server}/tim-kiem?q=x")
    page.click("text=A+")
    assert page.url.endswith("/tim-kiem?q=x")
    assert "text-lon" in page.content().split("<html", 1)[1].split(">", 1)[0]
    context.close()
