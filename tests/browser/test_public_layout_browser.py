"""The public pages on a phone (390 px) and a desktop (1366 px): nothing scrolls sideways, the
document page shows the document's text and draws its PDF pages with pdf.js (phones do not
show PDFs inline), and the Content-Security-Policy blocks nothing the site uses.
On the test's own copy of the session's built demo. Screenshots go to test-artifacts/
(layout-<page>-<width>.png)."""
import pytest

pytestmark = [pytest.mark.slow, pytest.mark.from_template("built_demo_with_former_title")]

PAGES = {
    "home": "/",
    "year": "/cong-bao/2026",
    "issue": "/cong-bao/2026/15",
    "document": "/van-ban/ubnd-tinh/2026/47-2026-qd-ubnd",
    "search": "/tim-kiem?q=quy+hoach+xa",
    "no-result": "/tim-kiem?q=quy+hoach&status=expired&legal=1",
    "feedback": "/gop-y",
    # the demo's former title (issue 22): its year, a double issue, one title's search
    "former-year": "/cong-bao/binh-phuoc/2024",
    "former-issue": "/cong-bao/binh-phuoc/2024/22",
    "former-search": "/tim-kiem?q=ngh%E1%BB%8B+quy%E1%BA%BFt&title=binh-phuoc",
}
# A canvas that pdf.js has drawn has dark pixels (text); an empty one is all white or clear.
DRAWN = """canvas => { const data = canvas.getContext('2d').getImageData(0, 0, canvas.width,
  canvas.height).data; let dark = 0; for (let i = 0; i < data.length; i += 4) {
  if (data[i + 3] > 0 && data[i] < 128) dark++; } return dark; }"""


@pytest.mark.parametrize("width", [390, 1366])
def test_public_pages_fit_the_screen_and_the_document_reads(app, runner, live_server, browser,
                                                            screenshot_dir, width):
    assert runner.invoke(args=["demo"]).exit_code == 0
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    problems = []
    page.on("console", lambda message: problems.append(message.text)
            if message.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    for name, path in PAGES.items():
        response = page.goto(live_server + path)
        assert response.status == 200, (name, response.status)
        sideways = page.evaluate("document.documentElement.scrollWidth - "
                                 "document.documentElement.clientWidth")
        assert sideways <= 0, (name, width, sideways)
        page.screenshot(path=str(screenshot_dir / f"layout-{name}-{width}.png"), full_page=True)

    page.goto(live_server + PAGES["document"])
    article = page.locator("#dieu-1")
    assert article.is_visible() and article.inner_text().startswith("Điều 1.")
    assert len(page.inner_text("#van-ban")) > 200  # the text itself, not only a link to a PDF
    page.locator(".gz-pdf").scroll_into_view_if_needed()
    first = page.locator(".gz-pdf__pages canvas").first
    first.wait_for()
    # a selector, not a JavaScript predicate: the page's CSP forbids eval, which polling needs
    page.wait_for_selector(".gz-pdf__pages canvas[data-drawn]")
    page.wait_for_timeout(500)
    assert first.evaluate(DRAWN) > 100, "the first PDF page was not drawn"
    box = first.bounding_box()
    assert box["width"] <= width
    page.screenshot(path=str(screenshot_dir / f"layout-document-pdf-{width}.png"))
    # "#trang=N" (citations, the text's page marks) opens that page of the PDF
    pages = page.locator(".gz-pdf__pages canvas").count()
    if pages > 1:
        page.goto(live_server + PAGES["document"] + f"#trang={pages}")
        last = page.locator(f"#pdf-trang-{pages}")
        page.wait_for_selector(f"#pdf-trang-{pages}[data-drawn]")
        assert last.is_visible()
    assert problems == [], problems
    context.close()
