"""A document's table on a phone (390 px) and a desktop (1366 px): an HTML table, wide ones
scrolling sideways inside their frame while the page itself never does. Screenshots go to
test-artifacts/ (document-table-<width>.png)."""
import pytest

from tests.support.intake import need
from tests.support.tables import HEADER, decision_with_table, receive_and_register

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("width", [390, 1366])
def test_a_document_table_reads_on_a_phone_and_a_desktop(app, client, auth, live_server,
                                                         browser, screenshot_dir, width):
    need("soffice", "libreoffice-writer-nogui")
    app.config["SHOW_UNPUBLISHED"] = True
    auth.login("bien-tap", role="editor")
    path = receive_and_register(app, client, "QĐ diện tích các xã.docx", decision_with_table())
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    assert page.goto(live_server + path).status == 200
    frame = page.locator(".gz-doc-table")
    assert page.locator(".gz-doc-table th").all_inner_texts() == HEADER
    assert page.locator(".gz-doc-table tbody tr").count() == 3
    sideways = page.evaluate("document.documentElement.scrollWidth - "
                             "document.documentElement.clientWidth")
    assert sideways <= 0, sideways
    inner, shown = frame.evaluate("f => [f.scrollWidth, f.clientWidth]")
    if width == 390:
        assert inner > shown  # seven columns do not fit a phone: the frame scrolls, not the page
    else:
        assert inner <= shown
    frame.scroll_into_view_if_needed()
    page.screenshot(path=str(screenshot_dir / f"document-table-{width}.png"))
    frame.focus()  # by keyboard too: the frame takes the focus and arrow keys scroll it
    page.keyboard.press("ArrowRight")
    context.close()
