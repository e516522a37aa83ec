"""Staff drop files on the receiving page, watch the job, confirm the proposal: in Chromium,
with the embedded background worker of the served app."""
import pytest

from gazette_app.services.users import create_user
from tests.support.receiving import document_pdf
from tests.support.web import PASSWORDS

pytestmark = pytest.mark.slow

DROP = """([name, base64]) => {
  const bytes = Uint8Array.from(atob(base64), c => c.charCodeAt(0));
  const transfer = new DataTransfer();
  transfer.items.add(new File([bytes], name, {type: "application/pdf"}));
  const zone = document.getElementById("dropzone");
  zone.dispatchEvent(new DragEvent("dragover", {dataTransfer: transfer, bubbles: true}));
  zone.dispatchEvent(new DragEvent("drop", {dataTransfer: transfer, bubbles: true}));
}"""


def test_drop_a_pdf_watch_it_processed_and_register_it(app, tmp_path, live_server, browser,
                                                       screenshot_dir):
    import base64
    app.config["JOB_RUNNER"] = "thread"  # the served app runs its jobs itself
    app.config["JOB_POLL_SECONDS"] = 0.5
    with app.app_context():
        create_user("lan", PASSWORDS["editor"], "editor", "Cán bộ Lan")
    pdf = document_pdf(tmp_path, "57/2026/QĐ-UBND",
                       "Quy định giá dịch vụ sử dụng đò, phà trên địa bàn tỉnh")
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    page.goto(f"{live_server}/login")
    page.fill("#username", "lan")
    page.fill("#password", PASSWORDS["editor"])
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server}/staff/")
    page.click("text=Tiếp nhận")
    page.wait_for_selector("#dropzone[data-ready]")  # the deferred script has run
    page.evaluate(DROP, ["QĐ 57 giá đò phà.pdf", base64.b64encode(pdf).decode()])
    assert "QĐ 57 giá đò phà.pdf" in page.inner_text("#chosen")
    page.screenshot(path=str(screenshot_dir / "staff-receive-dropped.png"))
    page.click("button:text-is('Tiếp nhận')")
    page.wait_for_selector("text=Thông tin đề xuất", timeout=30_000)  # the page refreshes itself
    assert page.input_value("#f-number") == "57/2026/QĐ-UBND"
    assert page.input_value("#f-issuer") == "UBND tỉnh"
    page.fill("#f-doc_type", "Quyết định của UBND tỉnh")
    page.screenshot(path=str(screenshot_dir / "staff-receipt-proposal.png"), full_page=True)
    page.click("button:text-is('Vào sổ')")
    assert "Đã vào sổ Quyết định của UBND tỉnh số 57/2026/QĐ-UBND" in page.content()
