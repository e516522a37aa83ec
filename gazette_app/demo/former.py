"""The demo's former title: a former province's Công báo kept beside the current one (issue 22).

Sơn La itself was not merged in 2025, so this part of the demo is an illustration, and its page
says so: the title is "Công báo tỉnh Bình Phước" (Bình Phước joined Đồng Nai on 1 July 2025),
its past issues are laid out by the platform's own engine with Bình Phước's masthead from
documents made out of the bundled records (renumbered for 2024, issued by Bình Phước's organs),
and each issue's PDF is then brought in as an office would bring in its archive: read by the
importer, kept byte for byte, and registered with its documents' pages. One current document
is linked to a Bình Phước one (a relation across titles), and the quarter is bound into a
volume of that title.
"""
from __future__ import annotations

import json
import re
import tempfile
from dataclasses import asdict, replace
from datetime import date
from pathlib import Path

from sqlalchemy import select

from issues.compose import compose_issue
from issues.model import IssueDocument, IssueSpec
from issues.ordering import order_documents
from print_templates import Masthead

from ..extensions import db
from ..models import Document, DocumentRelation, DocumentState, GazetteTitle, Issuer, User
from ..notation import parse_notation
from ..services.past_issues import PastIssueSource, read_past_issue, register
from ..services.statuses import refresh_document
from ..services.titles import add_title
from ..services.volumes import build_volume
from .documents import DemoDocument, page_count_for, render_document_pdf

SLUG = "binh-phuoc"
PROVINCE = "Bình Phước"
YEAR = 2024
NOTE = ("Tỉnh Bình Phước hợp nhất vào tỉnh Đồng Nai từ ngày 01/7/2025. Trong bản trình diễn "
        "này, các số Công báo tỉnh Bình Phước được tạo từ văn bản mẫu để minh hoạ việc lưu giữ "
        "Công báo của tỉnh cũ; chúng không phải văn bản thật của tỉnh Bình Phước.")
MASTHEAD = {"province": PROVINCE, "province_line": "TỈNH BÌNH PHƯỚC",
            "publisher": "Văn phòng Ủy ban nhân dân tỉnh Bình Phước",
            "address": "Số 727, Quốc lộ 14, phường Tân Phú, thành phố Đồng Xoài, tỉnh Bình Phước",
            "phone": "0271 3879 468", "email": "congbao@binhphuoc.gov.vn",
            "website": "https://congbao.binhphuoc.gov.vn", "printer": "Nhà in tỉnh Bình Phước",
            "e_gazette_note": "Công báo điện tử đăng tải tại Cổng Thông tin điện tử tỉnh "
                              "Bình Phước"}
# (numbers, date, how many documents): two issues and a double issue of the second quarter
ISSUES = (((20,), date(2024, 5, 15), 3), ((21,), date(2024, 5, 28), 4),
          ((22, 23), date(2024, 6, 12), 4))
FIRST_SEQ = 41  # Bình Phước's 2024 numbers in the demo: 41/2024/QĐ-UBND ...


def _records(path: Path, count: int) -> list[dict]:
    """Province-level legal records of the bundled set whose abstracts fit 2024."""
    found = []
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            notation = parse_notation(record["number"])
            if notation.legal and record["issuer"].lower().endswith("tỉnh") and \
                    _fits_the_year(record["abstract"]):
                found.append(record)
            if len(found) == count:
                break
    return found


def _fits_the_year(abstract: str) -> bool:
    """An abstract that names no year after the former title's issues."""
    return all(int(y) <= YEAR for y in re.findall(r"\b(20\d\d)\b", abstract))


def _documents(folder: Path, records: list[dict], masthead: Masthead) -> list[IssueDocument]:
    documents = []
    for index, record in enumerate(records):
        notation = parse_notation(record["number"])
        number = f"{FIRST_SEQ + index}/{YEAR}/{record['number'].split('/')[-1]}"
        issued = date(YEAR, 4, 1 + index % 28)
        issuer = "HĐND tỉnh" if record["issuer"].upper().startswith("HĐND") else "UBND tỉnh"
        abstract = record["abstract"].replace("Sơn La", masthead.province)
        demo = DemoDocument(number, issuer, notation.type_name, abstract, issued,
                            record["signer"], province=masthead.province)
        pdf = render_document_pdf(folder / f"bp-{index}.pdf", demo,
                                  min(page_count_for(number), 6))
        documents.append(IssueDocument(
            key=str(index), notation=number, type_name=notation.type_name,
            doc_type=record["doc_type"], issuer=issuer, issued=issued,
            abstract=abstract, legal=True, seq=FIRST_SEQ + index, pdf_path=pdf))
    return documents


def past_issue_pdfs(folder: Path, records_file: Path) -> list[tuple[int, Path]]:
    """The former title's past issues as their PDFs, laid out as published: (number, PDF)."""
    masthead = Masthead(**(asdict(Masthead.load()) | MASTHEAD))
    wanted = sum(count for _, _, count in ISSUES)
    documents = _documents(folder, _records(records_file, wanted), masthead)
    made = []
    for numbers, day, count in ISSUES:
        chosen, documents = documents[:count], documents[count:]
        chosen = [replace(d, issued=min(d.issued, day)) for d in chosen]
        spec = IssueSpec(YEAR, numbers, day, tuple(order_documents(chosen)))
        composed = compose_issue(spec, masthead, folder / f"{YEAR}-{numbers[0]:03d}.pdf")
        made.append((numbers[0], composed.path))
    return made


def load_former_title(actor: User, records_file: Path) -> list[str]:
    """Add the former title and bring its past issues in (idempotent)."""
    if db.session.scalar(select(GazetteTitle).where(GazetteTitle.slug == SLUG)) is not None:
        return []
    title = add_title(SLUG, PROVINCE, 2010, 2025, NOTE, MASTHEAD, actor)
    db.session.commit()
    labels = []
    with tempfile.TemporaryDirectory(prefix="gazette-former-") as tmp:
        for number, pdf in past_issue_pdfs(Path(tmp), records_file):
            imported = read_past_issue(PastIssueSource(title, YEAR, number), pdf, actor)
            issue = register(imported, actor)
            labels.append(issue.title_label)
    build_volume(YEAR, 2, title=title, actor=actor)
    labels.append(f"{title.name}: tập Quý II/{YEAR}")
    _relate_across_titles(title)
    return labels


def _relate_across_titles(title: GazetteTitle) -> None:
    """A current legal document of the province's UBND replaces a Bình Phước one: a relation
    across titles, shown on both documents' pages."""
    former = db.session.scalars(select(Document).join(Document.issuer).where(
        Document.state == DocumentState.PUBLISHED, Document.notation.like(f"%/{YEAR}/QĐ-UBND"),
        Issuer.name == f"UBND tỉnh {title.province}").order_by(Document.seq)).first()
    current = db.session.scalars(select(Document).where(
        Document.state == DocumentState.PUBLISHED, Document.legal.is_(True),
        Document.notation.like("%/QĐ-UBND"), Document.year == 2026)
        .order_by(Document.issued)).first()
    if former is None or current is None:
        return
    db.session.add(DocumentRelation(source=current, kind="replaces", target=former,
                                    target_text=former.notation, confirmed=True))
    db.session.flush()
    db.session.refresh(former, ["acted_on_by"])
    refresh_document(former)
    db.session.commit()
