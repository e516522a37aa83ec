"""A member of staff logs in with the demo admin printed by `flask demo`, in a real browser."""
import pytest

pytestmark = pytest.mark.slow


def test_demo_admin_logs_in(runner, live_server, browser, screenshot_dir):
    output = runner.invoke(args=["demo", "--no-issues"]).output
    password = output.strip().splitlines()[-1].split("password: ")[1]
    for width, name in ((390, "phone"), (1280, "desktop")):
        page = browser.new_page(viewport={"width": width, "height": 900})
        page.goto(f"{live_server}/staff/documents")
        assert "/login" in page.url  # anonymous visitors are sent to the login form
        page.fill("#username", "admin")
        page.fill("#password", "wrong password!")
        page.click("button[type=submit]")
        assert "không đúng" in page.content()
        page.fill("#username", "admin")
        page.fill("#password", password)
        page.click("button[type=submit]")
        page.wait_for_url(f"{live_server}/staff/documents")
        assert "367 mục" in page.content()
        page.screenshot(path=str(screenshot_dir / f"staff-documents-{name}.png"), full_page=False)
        if width < 641:  # on a phone the menu, logout included, folds behind "Danh mục"
            page.click("button:text-is('Danh mục')")
        page.click("text=Đăng xuất")
        page.wait_for_url(f"{live_server}/")
        page.close()
