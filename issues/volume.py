"""Bind a quarter's published issues into one archival volume.

Cover and combined index, then each issue behind a separator page (on a right-hand page when
printing double-sided, blank backs inserted), then the printed manifest. The issues' pages are
never loaded into Python: qpdf concatenates the files on disk, then the bookmarks, page labels
and metadata are appended as a standard incremental update (only the page tree is read).
Memory stays bounded by what qpdf needs, not by the pages' content (bench/bench_volume.py).
pypdf's own incremental writer was measured first: it hashes every object of the file (1.6 s
and +70 MB for 1,670 pages) and its cross-reference stream lacks its own entry (qpdf --check
warns), which a further qpdf pass had to repair.
"""
from __future__ import annotations

import hashlib
import json
import math
import subprocess
import tempfile
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path

from print_templates import Masthead
from print_templates.dates import short_date
from print_templates.volume_layouts import (
    ANNEX_TITLE,
    BoundIssue,
    IndexLine,
    ManifestRow,
    ManifestSection,
    VolumeFront,
    build_blank,
    build_manifest_pages,
    build_separator,
    build_volume_front,
)

from .compose import contents_text, open_document_pdf
from .model import PART_TITLES, CompositionError
from .ordering import authority, name_key
from .pdfio import OutlineItem, PageLabel, append_navigation

ROMAN = ("I", "II", "III", "IV")
MAX_PASSES = 6


@dataclass(frozen=True)
class StoredFile:
    role: str  # pdf | original | signed | scan | attachment | issue | signed_issue
    sha256: str
    size: int


@dataclass(frozen=True)
class VolumeDocument:
    key: str
    notation: str
    type_name: str
    doc_type: str
    issuer: str
    issued: date
    abstract: str
    legal: bool
    seq: int
    start_page: int  # physical page in the issue's PDF (its cover is 1)
    page_count: int
    printed_page: int  # the number printed on that page: what a citation names
    files: tuple[StoredFile, ...] = ()


@dataclass(frozen=True)
class VolumeIssue:
    key: str
    numbers: tuple[int, ...]
    date: date
    pdf_path: Path
    pdf_sha256: str
    first_page: int  # printed number of the issue's cover
    documents: tuple[VolumeDocument, ...]
    files: tuple[StoredFile, ...] = ()

    @property
    def label(self) -> str:
        return "Số " + " + ".join(f"{n:02d}" for n in self.numbers)


@dataclass(frozen=True)
class VolumeSpec:
    year: int
    quarter: int
    issues: tuple[VolumeIssue, ...]  # in number order
    double_sided: bool = True

    @property
    def title(self) -> str:
        return f"QUÝ {ROMAN[self.quarter - 1]}/{self.year}"


@dataclass
class BuiltVolume:
    path: Path
    page_count: int
    sheet_count: int
    front_pages: int
    issue_starts: dict[str, int]  # issue key -> physical page of its cover in the volume
    document_pages: dict[str, int]  # document key -> physical page where it starts
    manifest: dict = field(default_factory=dict)


class VolumeError(CompositionError):
    """A volume that cannot be built; the message is Vietnamese, for the user."""


def _pad(page_count: int, double_sided: bool) -> int:
    """Blank pages needed after ``page_count`` pages so the next starts on a right-hand page."""
    return page_count % 2 if double_sided else 0


@dataclass
class _Plan:
    front_pages: int
    front_blank: int
    issues: list[tuple[VolumeIssue, int, int, int, int]]  # issue, sep page, blank, start, pad
    manifest_start: int


def _plan(spec: VolumeSpec, counts: dict[str, int], front_pages: int) -> _Plan:
    page = front_pages + 1
    front_blank = _pad(front_pages, spec.double_sided)
    page += front_blank
    placed = []
    for issue in spec.issues:
        separator = page
        blank = 1 if spec.double_sided else 0
        start = separator + 1 + blank
        pad = _pad(counts[issue.key], spec.double_sided)
        placed.append((issue, separator, blank, start, pad))
        page = start + counts[issue.key] + pad
    return _Plan(front_pages, front_blank, placed, page)


def _index_lines(plan: _Plan) -> list[IndexLine]:
    rows = []
    for issue, _, _, start, _ in plan.issues:
        for doc in issue.documents:
            auth = authority(doc.issuer, doc.doc_type)
            key = (0 if doc.legal else 1, auth.rank, name_key(doc.issuer), name_key(doc.type_name),
                   doc.issued, doc.seq, doc.notation)
            rows.append((key, IndexLine(
                part_title=PART_TITLES["legal" if doc.legal else "other"],
                heading=auth.heading, type_name=doc.type_name,
                text=contents_text(doc.type_name, doc.notation, doc.abstract),
                issue_label=issue.label, issue_page=doc.printed_page,
                volume_page=start + doc.start_page - 1)))
    return [line for _, line in sorted(rows, key=lambda row: row[0])]


def sheet_count(pages: int, double_sided: bool) -> int:
    return math.ceil(pages / 2) if double_sided else pages


def manifest_of(spec: VolumeSpec, plan: _Plan, counts: dict[str, int]) -> dict:
    """Every issue and document with the SHA-256 of its stored files and its page ranges;
    ``content_sha256`` is the hash of this content (canonical JSON), printed in the volume."""
    issues = []
    for issue, separator, _, start, _ in plan.issues:
        documents = [{
            "key": d.key, "notation": d.notation, "issuer": d.issuer,
            "issue_pages": [d.printed_page, d.printed_page + d.page_count - 1],
            "volume_pages": [start + d.start_page - 1, start + d.start_page + d.page_count - 2],
            "files": [asdict(f) for f in d.files]} for d in issue.documents]
        issues.append({
            "key": issue.key, "label": issue.label, "numbers": list(issue.numbers),
            "date": issue.date.isoformat(), "pdf_sha256": issue.pdf_sha256,
            "files": [asdict(f) for f in issue.files],
            "volume_pages": [start, start + counts[issue.key] - 1],
            "separator_page": separator, "documents": documents})
    body = {"volume": spec.title, "year": spec.year, "quarter": spec.quarter,
            "double_sided": spec.double_sided, "issues": issues}
    body["content_sha256"] = hashlib.sha256(canonical(body)).hexdigest()
    return body


def canonical(data: dict) -> bytes:
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


# The stored files' roles, as the annex prints them.
ROLE_LABELS = {"issue": "Số Công báo (bản in, PDF)", "signed_issue": "Bản điện tử đã ký số",
               "pdf": "Văn bản (PDF)", "original": "Tệp gốc gửi đăng",
               "signed": "Bản có chữ ký số", "scan": "Bản quét", "attachment": "Tệp đính kèm"}


def page_range(first: int, last: int) -> str:
    """"tr. 20", or "tr. 20–25": a single page is written once."""
    return f"tr. {first}" if first == last else f"tr. {first}–{last}"


def _manifest_sections(manifest: dict) -> list[ManifestSection]:
    """The manifest as the annex prints it: a section per issue, a row per stored file."""
    sections = []
    for issue in manifest["issues"]:
        pages = issue["volume_pages"]
        rows = [ManifestRow(ROLE_LABELS.get(f["role"], f["role"]), page_range(*pages),
                            f["size"], f["sha256"]) for f in issue["files"]]
        for doc in issue["documents"]:
            for index, item in enumerate(doc["files"]):
                role = ROLE_LABELS.get(item["role"], item["role"])
                label = f"{doc['notation']} ({doc['issuer']}): {role}" if index == 0 \
                    else f"    {role}"
                rows.append(ManifestRow(label, page_range(*doc["volume_pages"]) if index == 0
                                        else "", item["size"], item["sha256"]))
        day = date.fromisoformat(issue["date"])
        sections.append(ManifestSection(f"{issue['label']} ngày {short_date(day)} "
                                        f"({page_range(*pages)} của tập)", rows))
    return sections


def build_volume(spec: VolumeSpec, masthead: Masthead, out_path: Path,
                 qpdf: str = "qpdf") -> BuiltVolume:
    """Write the volume PDF to ``out_path`` (atomically) and return where everything is."""
    if not spec.issues:
        raise VolumeError(f"Quý {ROMAN[spec.quarter - 1]}/{spec.year} chưa có số Công báo nào "
                          "đã phát hành.")
    counts = {issue.key: _page_count(issue) for issue in spec.issues}
    with tempfile.TemporaryDirectory(prefix="volume-", dir=out_path.parent) as tmp:
        work = Path(tmp)
        front, front_pages = work / "front.pdf", 3  # cover, its verso, the index
        for _ in range(MAX_PASSES):
            plan = _plan(spec, counts, front_pages)
            bound = [BoundIssue(i.label, i.date, counts[i.key], start)
                     for i, _, _, start, _ in plan.issues]
            built = build_volume_front(front, masthead, VolumeFront(
                spec.title, bound, _index_lines(plan),
                _sheet_note(spec, plan.manifest_start - 1)))
            if built == front_pages:
                break
            front_pages = built
        else:
            raise VolumeError("Không ổn định được số trang của mục lục tổng hợp.")
        manifest = manifest_of(spec, plan, counts)
        manifest_path = work / "manifest.pdf"
        manifest_pages = build_manifest_pages(manifest_path, masthead, spec.title,
                                              manifest["content_sha256"],
                                              _manifest_sections(manifest),
                                              plan.manifest_start)
        page_count = plan.manifest_start - 1 + manifest_pages
        parts = _parts(spec, plan, work, bound, front, manifest_path)
        out_path.parent.mkdir(parents=True, exist_ok=True)
        staged = out_path.parent / f".{out_path.name}.tmp"
        try:
            _qpdf([qpdf, "--empty", "--object-streams=disable", "--pages", *map(str, parts),
                   "--", str(staged)])
            outline, labels = _navigation(spec, plan, counts)
            append_navigation(staged, outline, labels, {
                "/Title": f"Công báo {spec.title}",
                "/Subject": "Tập lưu trữ: " + ", ".join(i.label for i in spec.issues),
                "/Creator": "Công báo platform (issues engine)"})
            staged.replace(out_path)
        finally:
            staged.unlink(missing_ok=True)
    manifest["pages"] = page_count
    manifest["sheets"] = sheet_count(page_count, spec.double_sided)
    return BuiltVolume(
        path=out_path, page_count=page_count, sheet_count=manifest["sheets"],
        front_pages=front_pages,
        issue_starts={issue.key: start for issue, _, _, start, _ in plan.issues},
        document_pages={d.key: start + d.start_page - 1 for issue, _, _, start, _ in plan.issues
                        for d in issue.documents},
        manifest=manifest)


def _page_count(issue: VolumeIssue) -> int:
    """Pages of an issue PDF; pypdf reads only the page tree, not the pages' content."""
    reader = open_document_pdf(issue.pdf_path, issue.label, issue.key)
    return len(reader.pages)


def _sheet_note(spec: VolumeSpec, pages_before_manifest: int) -> str:
    mode = "in hai mặt" if spec.double_sided else "in một mặt"
    return f"Tập gồm {pages_before_manifest} trang trước phụ lục bản kê, {mode}."


def _parts(spec: VolumeSpec, plan: _Plan, work: Path, bound: list[BoundIssue], front: Path,
           manifest: Path) -> list[Path]:
    blank = work / "blank.pdf"
    build_blank(blank)
    parts = [front] + [blank] * plan.front_blank
    for (issue, separator, blanks, _, pad), info in zip(plan.issues, bound, strict=True):
        page = work / f"separator-{issue.key}.pdf"
        build_separator(page, f"Công báo {spec.title}", info, separator)
        parts += [page] + [blank] * blanks + [issue.pdf_path] + [blank] * pad
    return parts + [manifest]


def _qpdf(command: list[str]) -> None:
    try:
        result = subprocess.run(command, capture_output=True, timeout=600, check=False)
    except FileNotFoundError:
        raise VolumeError("Máy chủ chưa có qpdf: quản trị viên cần cài gói Debian qpdf.") \
            from None
    # 3 = success with warnings (qpdf reports harmless oddities of documents' own PDFs).
    if result.returncode not in (0, 3):
        detail = result.stderr.decode("utf-8", "replace").strip()[-300:]
        raise VolumeError(f"Không ghép được tập lưu trữ (qpdf: {detail}).")


def _navigation(spec: VolumeSpec, plan: _Plan,
                counts: dict[str, int]) -> tuple[list[OutlineItem], list[PageLabel]]:
    """Bookmarks (volume > issue > part > document) and page labels ("Số 12, tr. 23")."""
    children = [OutlineItem("Bìa và mục lục tổng hợp", 0)]
    labels = [PageLabel(0, "/r")]
    for issue, separator, _, start, pad in plan.issues:
        item = OutlineItem(f"{issue.label} ngày {short_date(issue.date)}", separator - 1)
        labels.append(PageLabel(separator - 1, prefix=f"{issue.label} – bìa ngăn"))
        labels.append(PageLabel(start - 1, "/D", f"{issue.label}, tr. ", issue.first_page))
        if pad:
            labels.append(PageLabel(start + counts[issue.key] - 1,
                                    prefix=f"{issue.label} – trang trắng"))
        parts: dict[bool, OutlineItem] = {}
        for doc in issue.documents:
            page = start + doc.start_page - 2
            if doc.legal not in parts:
                parts[doc.legal] = OutlineItem(
                    PART_TITLES["legal" if doc.legal else "other"].capitalize(), page)
                item.children.append(parts[doc.legal])
            parts[doc.legal].children.append(
                OutlineItem(f"{doc.notation} (tr. {doc.printed_page})", page))
        children.append(item)
    children.append(OutlineItem(ANNEX_TITLE, plan.manifest_start - 1))
    labels.append(PageLabel(plan.manifest_start - 1, "/D", "Phụ lục, tr. ", 1))
    return [OutlineItem(f"Công báo {spec.title}", 0, children)], labels


def read_manifest(data: bytes) -> dict:
    return json.loads(data.decode("utf-8"))


def check_content_hash(manifest: dict) -> bool:
    """Whether a manifest's content still matches its printed content hash."""
    body = {k: v for k, v in manifest.items() if k not in ("content_sha256", "pages", "sheets",
                                                           "pdf_sha256", "built_at")}
    return hashlib.sha256(canonical(body)).hexdigest() == manifest.get("content_sha256")
