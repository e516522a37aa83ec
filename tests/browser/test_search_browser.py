"""A citizen searches without accents on a phone, with JavaScript off."""
import pytest

from tests.support.records import load_public_demo_records

pytestmark = pytest.mark.slow


def test_unaccented_search_on_a_phone_without_javascript(app, live_server, browser,
                                                         screenshot_dir):
    load_public_demo_records(app)
    context = browser.new_context(java_script_enabled=False,
                                  viewport={"width": 390, "height": 900})
    page = context.new_page()
    page.goto(f"{live_server}/")
    page.fill("#q", "quy hoach chung xa chieng hac")
    page.click("form[role=search] .gz-searchbox button")
    assert "/tim-kiem?q=" in page.url
    first = page.locator("ol.gz-hits li").first
    assert "1218/QĐ-UBND" in first.inner_text()
    assert first.locator("mark").count() >= 4
    page.screenshot(path=str(screenshot_dir / "search-phone.png"), full_page=False)
    first.locator(".gz-hit__title a").click()
    assert "Phê duyệt nhiệm vụ quy hoạch chung xã Chiềng Hặc" in page.inner_text("main")
    page.goto(f"{live_server}/tim-kiem?q=quy+hoach&legal=0&page=2")
    assert "Trang 2/" in page.inner_text("main")
    context.close()
