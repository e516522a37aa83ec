"""The public pages as a citizen reads them (issue 17): the document's text and metadata,
search results that tell documents apart and help when nothing is found, dates written
dd/mm/yyyy, issues by year, the feedback form, and what search engines and sharing need."""
from __future__ import annotations

import re

import pytest


@pytest.fixture(scope="module")
def demo(demo_app):
    return demo_app


@pytest.fixture
def client(demo):
    return demo.test_client()


def _hit_titles(html: str) -> list[str]:
    return re.findall(r'class="gz-hit__title"><a href="[^"]+">([^<]+)</a>', html)


def test_document_page_has_its_text_with_article_anchors_and_a_summary_list(demo, client):
    html = client.get("/van-ban/ubnd-tinh/2026/47-2026-qd-ubnd").get_data(as_text=True)
    assert '<html lang="vi"' in html
    assert re.search(r'<h3 class="gz-article" id="dieu-1">Điều 1\.', html)
    assert 'href="#dieu-2"' in html  # the text's own contents
    assert 'class="govuk-summary-list gz-meta"' in html and "Cơ quan ban hành" in html
    assert 'class="gz-pdf" data-pdf-url="/van-ban/' in html  # pdf.js draws it on phones
    assert '<link rel="canonical" href="http://127.0.0.1:5000/van-ban/ubnd-tinh/2026/' \
           '47-2026-qd-ubnd">' in html
    assert '<meta name="description" content="Quyết định số 47/2026/QĐ-UBND ngày' in html
    assert '<meta property="og:title" content="Quyết định số 47/2026/QĐ-UBND của UBND tỉnh">' \
        in html


def test_search_titles_name_the_issuer_and_hits_say_status_and_publication(client):
    html = client.get("/tim-kiem", query_string={"q": "21/NQ-HĐND"}).get_data(as_text=True)
    titles = _hit_titles(html)
    assert titles[0] == "Nghị quyết số 21/NQ-HĐND của HĐND tỉnh"  # the province first
    assert {"Nghị quyết số 21/NQ-HĐND của HĐND xã Chiềng Mai",
            "Nghị quyết số 21/NQ-HĐND của HĐND xã Tạ Khoa"} <= set(titles)
    assert re.search(r"Công báo Số \d{2}/2026, tr\. \d+</a>", html)
    assert "govuk-tag govuk-tag--green" in html and "Còn hiệu lực" in html
    assert 'href="/van-ban/hdnd-tinh/2026/21-nq-hdnd"' in html  # the readable URL, no redirect


def test_number_and_year_find_an_individual_resolution(client):
    for text in ("37/2026", "37/2026/NQ"):
        titles = _hit_titles(client.get("/tim-kiem", query_string={"q": text})
                             .get_data(as_text=True))
        assert "Nghị quyết số 37/NQ-HĐND của HĐND tỉnh" in titles[:3], (text, titles)


def test_no_result_suggests_removes_filters_with_counts_and_explains(client):
    html = client.get("/tim-kiem", query_string={"q": "quy hoạch", "status": "expired",
                                                 "legal": "1"}).get_data(as_text=True)
    assert "Không tìm thấy văn bản nào" in html and "0 văn bản" not in html
    assert "Trang 1/1" not in html
    removals = re.findall(r"Bỏ lọc ([^<]+)</a>: (\d+) văn bản", html)
    assert {name for name, _ in removals} == {"nhóm", "tình trạng"}
    assert any(int(count) > 0 for _, count in removals)
    assert "Cách tìm" in html
    misspelt = client.get("/tim-kiem", query_string={"q": "quy hoahc"}).get_data(as_text=True)
    assert "Có phải bạn muốn tìm" in misspelt


def test_date_fields_are_written_day_first(demo, client):
    wide = client.get("/tim-kiem", query_string={"q": "quyết định"}).get_data(as_text=True)
    narrow = client.get("/tim-kiem", query_string={"q": "quyết định", "date_from": "01/06/2026",
                                                   "date_to": "30/06/2026"})
    html = narrow.get_data(as_text=True)
    assert narrow.status_code == 200 and 'value="01/6/2026"' in html
    total = lambda page: int(re.search(r'id="ket-qua"[^>]*>(\d+) văn bản', page).group(1))  # noqa: E731
    assert 0 < total(html) < total(wide)
    wrong = client.get("/tim-kiem", query_string={"q": "x", "date_from": "2026-13-45"})
    assert "viết ngày/tháng/năm, ví dụ 15/3/2026" in wrong.get_data(as_text=True)
    backwards = client.get("/tim-kiem", query_string={"date_from": "05/05/2026",
                                                      "date_to": "01/01/2026"})
    assert "Ngày bắt đầu sau ngày kết thúc." in backwards.get_data(as_text=True)


def test_robots_favicon_manifest_and_icons(client):
    robots = client.get("/robots.txt").get_data(as_text=True)
    assert "Disallow: /staff/" in robots
    assert "Sitemap: http://127.0.0.1:5000/sitemap.xml" in robots  # GAZETTE_PUBLIC_URL, not Host
    assert client.get("/favicon.ico").status_code == 200
    manifest = client.get("/site.webmanifest").get_json()
    assert manifest["lang"] == "vi" and len(manifest["icons"]) == 2
    for icon in manifest["icons"]:
        assert client.get(icon["src"]).status_code == 200
    home = client.get("/").get_data(as_text=True)
    for needle in ('rel="icon"', 'rel="apple-touch-icon"', 'property="og:image"',
                   'name="description"', "Văn phòng Ủy ban nhân dân tỉnh Sơn La",
                   "congbao@sonla.gov.vn"):
        assert needle in home, needle
    # A−/A/A+: the accessible name contains the visible text (WCAG 2.5.3)
    assert re.search(r">A−<span class=\"govuk-visually-hidden\"> \(chữ nhỏ\)</span></a>", home)
    assert 'aria-label="Chữ nhỏ"' not in home


def test_every_public_page_uses_the_vendored_design_system_and_no_cdn(client):
    for path in ("/", "/cong-bao/2026", "/tim-kiem?q=dat", "/gop-y", "/trich-dan"):
        html = client.get(path, follow_redirects=True).get_data(as_text=True)
        assert "/static/vendor/gazette.css" in html, path
        assert not re.search(r'(src|href)="(https?:)?//', html.replace(
            'href="http://127.0.0.1:5000/', "")), path
    css = client.get("/static/vendor/gazette.css").get_data(as_text=True)
    assert "Be Vietnam Pro" in css and ".govuk-summary-list" in css
