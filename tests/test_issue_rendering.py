"""Vietnamese diacritics render correctly: pages rendered by pdftoppm are compared with stored
reference images (looked at by a person when they were made). Set GAZETTE_UPDATE_REFERENCES=1
to write new references after an intended change of layout, then look at them."""
from __future__ import annotations

import os
import shutil
import subprocess
import unicodedata
from datetime import date
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageStat

from gazette_app.demo.documents import DemoDocument, render_document_pdf
from issues.compose import compose_issue
from issues.model import IssueDocument, IssueSpec
from print_templates import Masthead

REFERENCES = Path(__file__).parent / "reference"
# Share of pixels, inside the cropped region, that differ by more than a third of full scale.
TOLERANCE = 0.002
pytestmark = [pytest.mark.skipif(not shutil.which("pdftoppm"), reason="poppler-utils needed"),
              pytest.mark.xdist_group("issue_rendering")]  # the module's volume built once

ABSTRACT = ("Về việc kiện toàn Hội đồng thẩm định bảng giá đất; hướng dẫn ở bản Đông Hệ, "
            "giữ ổn định nguồn nước; Điều chỉnh quyết toán ngân sách")
# page, region (left, top, right, bottom as shares of the page), reference name
REGIONS = [(1, (0.03, 0.03, 0.97, 0.27), "cover-masthead"),
           (1, (0.03, 0.26, 0.97, 0.42), "contents-entry"),
           (3, (0, 0, 1, 0.06), "document-header"),
           (3, (0, 0, 1, 1), "body-page")]


def _issue(tmp_path: Path, abstract: str = ABSTRACT) -> Path:
    demo = DemoDocument("25/2026/QĐ-UBND", "UBND tỉnh", "Quyết định", abstract,
                        date(2026, 7, 13), "Phó Chủ tịch UBND Đặng Ngọc Hậu")
    pdf = render_document_pdf(tmp_path / "doc.pdf", demo, 2)  # page 2 carries its number
    document = IssueDocument("1", demo.notation, "Quyết định", "Quyết định của UBND tỉnh",
                             "UBND tỉnh", demo.issued, abstract, True, 25, pdf)
    spec = IssueSpec(2026, (12,), date(2026, 7, 20), (document,),
                     public_url="https://congbao.sonla.gov.vn/cong-bao/2026/12")
    return compose_issue(spec, Masthead.load(), tmp_path / "issue.pdf").path


def _render(pdf: Path, page: int, region: tuple, out: Path) -> Image.Image:
    subprocess.run(["pdftoppm", "-r", "100", "-gray", "-png", "-singlefile", "-f", str(page),
                    "-l", str(page), str(pdf), str(out)], check=True)
    image = Image.open(f"{out}.png").convert("L")
    w, h = image.size
    return image.crop((int(region[0] * w), int(region[1] * h), int(region[2] * w),
                       int(region[3] * h)))


def _difference(a: Image.Image, b: Image.Image) -> float:
    if a.size != b.size:
        return 1.0
    changed = ImageChops.difference(a, b).point(lambda v: 255 if v > 85 else 0)
    return ImageStat.Stat(changed).mean[0] / 255


@pytest.mark.parametrize("page, region, name", REGIONS)
def test_pages_match_reference_images(tmp_path, page, region, name):
    rendered = _render(_issue(tmp_path), page, region, tmp_path / name)
    reference = REFERENCES / f"{name}.png"
    if os.environ.get("GAZETTE_UPDATE_REFERENCES") == "1":
        rendered.save(reference)
    assert reference.exists(), f"missing {reference}: run with GAZETTE_UPDATE_REFERENCES=1"
    assert _difference(rendered, Image.open(reference).convert("L")) < TOLERANCE


def test_misplaced_diacritics_are_caught(tmp_path):
    """The comparison can fail: the same abstract in NFD (decomposed marks, which reportlab
    places badly) differs from the reference beyond the tolerance."""
    page, region, name = REGIONS[1]
    decomposed = unicodedata.normalize("NFD", ABSTRACT)
    rendered = _render(_issue(tmp_path, decomposed), page, region, tmp_path / "nfd")
    assert _difference(rendered, Image.open(REFERENCES / f"{name}.png").convert("L")) \
        > TOLERANCE


# The volume: cover, the start of the combined index, the annex. The stored files' hashes are
# made from the notations so that the annex prints the same digits on every run.
VOLUME_REGIONS = [(1, (0, 0, 1, 1), "volume-cover"),
                  (3, (0, 0, 1, 0.5), "volume-index"),
                  (-2, (0, 0, 1, 1), "volume-annex")]


def _volume(tmp_path: Path) -> Path:
    import hashlib

    from issues.ordering import order_documents
    from issues.volume import StoredFile, VolumeDocument, VolumeIssue, VolumeSpec, build_volume
    from tests.support.issues import issue_documents

    def fixed(text: str) -> str:
        return hashlib.sha256(text.encode()).hexdigest()

    documents = order_documents(issue_documents(tmp_path, count=4))
    issues = []
    for number, chunk, day in ((1, documents[:2], date(2026, 4, 10)),
                               (2, documents[2:], date(2026, 5, 20))):
        composed = compose_issue(IssueSpec(2026, (number,), day, tuple(chunk)), Masthead.load(),
                                 tmp_path / f"issue-{number}.pdf")
        bound = tuple(VolumeDocument(
            e.key, d.notation, d.type_name, d.doc_type, d.issuer, d.issued, d.abstract, d.legal,
            d.seq, e.start_page, e.page_count, e.printed_page,
            (StoredFile("pdf", fixed(d.notation), 70_000 + e.page_count),))
            for e, d in zip(composed.entries, chunk, strict=True))
        issues.append(VolumeIssue(str(number), (number,), day, composed.path,
                                  fixed(f"issue {number}"), 1, bound,
                                  (StoredFile("issue", fixed(f"issue {number}"), 400_000),)))
    return build_volume(VolumeSpec(2026, 2, tuple(issues)), Masthead.load(),
                        tmp_path / "volume.pdf").path


@pytest.fixture(scope="module")
def volume_pdf(tmp_path_factory) -> Path:
    return _volume(tmp_path_factory.mktemp("volume"))


@pytest.mark.parametrize("page, region, name", VOLUME_REGIONS)
def test_volume_pages_match_reference_images(volume_pdf, tmp_path, page, region, name):
    from pypdf import PdfReader
    if page < 0:
        page += len(PdfReader(str(volume_pdf)).pages) + 1
    rendered = _render(volume_pdf, page, region, tmp_path / name)
    reference = REFERENCES / f"{name}.png"
    if os.environ.get("GAZETTE_UPDATE_REFERENCES") == "1":
        rendered.save(reference)
    assert reference.exists(), f"missing {reference}: run with GAZETTE_UPDATE_REFERENCES=1"
    assert _difference(rendered, Image.open(reference).convert("L")) < TOLERANCE
