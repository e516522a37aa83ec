"""Quarterly archival volumes: build one from the quarter's published issues, store it with its
manifest, and verify years later that every stored file is present and unaltered."""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import cast

from flask import current_app
from sqlalchemy import select

from issues.volume import (
    BuiltVolume,
    StoredFile,
    VolumeDocument,
    VolumeError,
    VolumeIssue,
    VolumeSpec,
    check_content_hash,
)
from issues.volume import build_volume as build_volume_pdf

from ..extensions import db
from ..faults import checkpoint
from ..jobs import JobFailed, Progress, enqueue, handler
from ..models import (
    Document,
    DocumentFile,
    GazetteTitle,
    Issue,
    Job,
    Receipt,
    User,
    Verification,
    Volume,
    current_title_id,
    published_issues,
)
from ..models.types import utcnow
from ..storage import get_store, work_dir
from .audit import record
from .signing_archive import revision_problems
from .titles import current_title, title_masthead

QUARTER_MONTHS = {1: (1, 3), 2: (4, 6), 3: (7, 9), 4: (10, 12)}


def quarter_of(day: date) -> int:
    return (day.month - 1) // 3 + 1


def quarter_issues(year: int, quarter: int, title_id: int | None = None) -> list[Issue]:
    """The quarter's published issues of a title (the current one unless given), in number
    order."""
    first, last = QUARTER_MONTHS[quarter]
    found = db.session.scalars(select(Issue).where(
        published_issues(), Issue.year == year,
        Issue.title_id == (title_id if title_id is not None else current_title_id()),
        Issue.date >= date(year, first, 1),
        Issue.date < (date(year, last + 1, 1) if last < 12 else date(year + 1, 1, 1)))).all()
    return sorted(found, key=lambda issue: issue.first_number)


def _files(document: Document) -> tuple[StoredFile, ...]:
    return tuple(StoredFile(f.role, f.sha256, f.size)
                 for f in sorted(document.files, key=lambda f: f.id))


def _spec(year: int, quarter: int, double_sided: bool, title_id: int) -> VolumeSpec:
    store = get_store()
    issues = []
    for issue in quarter_issues(year, quarter, title_id):
        documents = tuple(VolumeDocument(
            key=str(entry.document_id), notation=entry.document.notation,
            type_name=entry.document.type_name, doc_type=entry.document.doc_type,
            issuer=entry.document.issuer.name, issued=entry.document.issued,
            abstract=entry.document.abstract, legal=entry.document.legal,
            seq=entry.document.seq, start_page=cast(int, entry.start_page),
            page_count=cast(int, entry.page_count),
            printed_page=issue.first_page + cast(int, entry.start_page) - 1,
            files=_files(entry.document)) for entry in issue.entries)
        pdf_sha256 = cast(str, issue.pdf_sha256)  # a published issue has its PDF
        files = [StoredFile("issue", pdf_sha256, store.path(pdf_sha256).stat().st_size
                            if store.exists(pdf_sha256) else 0)]
        if issue.signed_pdf_sha256:
            files.append(StoredFile("signed_issue", issue.signed_pdf_sha256,
                                    store.path(issue.signed_pdf_sha256).stat().st_size
                                    if store.exists(issue.signed_pdf_sha256) else 0))
        issues.append(VolumeIssue(
            key=str(issue.id), numbers=tuple(issue.number_list), date=issue.date,
            pdf_path=store.path(pdf_sha256), pdf_sha256=pdf_sha256,
            first_page=issue.first_page, documents=documents, files=tuple(files)))
    return VolumeSpec(year=year, quarter=quarter, issues=tuple(issues), double_sided=double_sided)


@dataclass
class VolumeResult:
    volume: Volume
    built: BuiltVolume


def build_volume(year: int, quarter: int, *, double_sided: bool | None = None,
                 actor: User | None = None, progress: Progress | None = None,
                 title: GazetteTitle | None = None) -> VolumeResult:
    """Build (or rebuild) the volume of a quarter: the PDF and the JSON manifest go into the
    store; the Volume row points at them. A rebuild keeps the earlier files in the store and
    the audit trail names both."""
    if quarter not in QUARTER_MONTHS:
        raise VolumeError("Quý phải là 1, 2, 3 hoặc 4.")
    if double_sided is None:
        double_sided = current_app.config["VOLUME_DOUBLE_SIDED"]
    gazette = title or current_title()
    spec = _spec(year, quarter, double_sided, gazette.id)
    missing = [i.label for i in spec.issues if not i.pdf_path.is_file()]
    if missing:
        raise VolumeError("Thiếu tệp PDF đã lưu của " + ", ".join(missing) +
                          "; chạy “verify” để xem chi tiết.")
    if progress:
        progress(10, f"Đang ghép {len(spec.issues)} số Công báo")
    store = get_store()
    with work_dir("volume") as tmp:
        built = build_volume_pdf(spec, title_masthead(gazette), tmp / "volume.pdf")
        checkpoint("volume.built")
        if progress:
            progress(80, "Đang lưu tập và bản kê")
        pdf = store.put_file(built.path)
    checkpoint("volume.stored")
    built.manifest["pdf_sha256"] = pdf.sha256
    built.manifest["built_at"] = utcnow().isoformat()
    manifest = store.put_bytes(json.dumps(built.manifest, ensure_ascii=False, indent=1,
                                          sort_keys=True).encode("utf-8"))
    volume = db.session.scalar(select(Volume).where(Volume.year == year,
                                                    Volume.quarter == quarter,
                                                    Volume.title_id == gazette.id))
    before = _audit(volume) if volume else None
    if volume is None:
        volume = Volume(year=year, quarter=quarter, title_id=gazette.id)
        db.session.add(volume)
    volume.page_count, volume.sheet_count = built.page_count, built.sheet_count
    volume.double_sided = double_sided
    volume.pdf_sha256, volume.manifest_sha256 = pdf.sha256, manifest.sha256
    volume.content_sha256 = built.manifest["content_sha256"]
    volume.built_at, volume.built_by_id = utcnow(), actor.id if actor else None
    volume.issues = [cast(Issue, db.session.get(Issue, int(issue.key))) for issue in spec.issues]
    db.session.flush()
    record("volume.build", "volume", volume.id, before=before, after=_audit(volume), actor=actor)
    checkpoint("volume.flushed")
    db.session.commit()
    return VolumeResult(volume, built)


def _audit(volume: Volume) -> dict:
    return {"label": volume.label, "pages": volume.page_count, "sheets": volume.sheet_count,
            "pdf_sha256": volume.pdf_sha256, "manifest_sha256": volume.manifest_sha256,
            "content_sha256": volume.content_sha256,
            "issues": [issue.label for issue in volume.issues]}


@handler("build_volume")
def build_volume_job(job: Job, progress: Progress) -> None:
    actor = db.session.get(User, job.payload.get("actor_id")) if job.payload.get("actor_id") \
        else None
    try:
        build_volume(job.payload["year"], job.payload["quarter"],
                     double_sided=job.payload.get("double_sided"), actor=actor,
                     progress=progress)
    except VolumeError as error:
        raise JobFailed(str(error)) from None


def queue_build(year: int, quarter: int, double_sided: bool, actor: User | None) -> Job:
    job = enqueue("build_volume", {"year": year, "quarter": quarter,
                                   "double_sided": double_sided,
                                   "actor_id": actor.id if actor else None})
    db.session.commit()
    return job


# --- verification ---------------------------------------------------------------------------

def references() -> dict[str, str]:
    """Every SHA-256 the database relies on, with what it is (for the report)."""
    named: dict[str, str] = {}
    for file, notation in db.session.execute(
            select(DocumentFile, Document.notation).join(Document)).all():
        named.setdefault(file.sha256, f"{notation}: {file.role} “{file.filename}”")
    for issue in db.session.scalars(select(Issue).where(Issue.pdf_sha256.is_not(None))):
        named.setdefault(cast(str, issue.pdf_sha256), f"{issue.label}/{issue.year}: PDF của số")
        if issue.signed_pdf_sha256:
            named.setdefault(issue.signed_pdf_sha256, f"{issue.label}/{issue.year}: bản ký số")
        for revision in issue.signed_revisions or ():
            named.setdefault(revision["sha256"],
                             f"{issue.label}/{issue.year}: bản ký số đóng dấu thời gian lại")
    for volume in db.session.scalars(select(Volume)):
        for sha, what in ((volume.pdf_sha256, "PDF của tập"),
                          (volume.manifest_sha256, "bản kê của tập")):
            if sha:
                named.setdefault(sha, f"Tập {volume.label}: {what}")
    for receipt in db.session.scalars(select(Receipt).where(Receipt.state != "discarded")):
        for item in receipt.files:
            named.setdefault(item["sha256"], f"Hồ sơ tiếp nhận #{receipt.id}: “{item['filename']}”")
        if receipt.pdf_sha256:
            named.setdefault(receipt.pdf_sha256, f"Hồ sơ tiếp nhận #{receipt.id}: bản PDF")
    return named


def verify(actor_name: str = "", progress: Progress | None = None) -> Verification:
    """Re-hash the whole store; report files referenced but missing, files whose bytes no longer
    match their name, and volume manifests whose content no longer matches their hash."""
    run = Verification(actor_name=actor_name[:64])
    db.session.add(run)
    db.session.commit()
    store, named = get_store(), references()
    on_disk = store.names()
    altered, checked, size = [], 0, 0
    for index, sha in enumerate(sorted(on_disk)):
        actual = store.hash_of(sha)
        checked += 1
        size += store.path(sha).stat().st_size
        if actual != sha:
            altered.append({"sha256": sha, "what": named.get(sha, "tệp không được tham chiếu")})
        if progress and index % 200 == 0:
            progress(5 + int(85 * index / max(1, len(on_disk))), f"Đã kiểm {index} tệp")
    missing = [{"sha256": sha, "what": what} for sha, what in sorted(named.items())
               if sha not in on_disk]
    run.problems = _manifest_problems(store) + revision_problems(store)
    run.files_checked, run.bytes_checked = checked, size
    run.missing, run.altered = missing, altered
    run.ok = not (missing or altered or run.problems)
    run.finished_at = utcnow()
    record("store.verify", "verification", run.id, actor_name=actor_name or None,
           after={"ok": run.ok, "files": checked, "missing": len(missing),
                  "altered": len(altered)})
    db.session.commit()
    return run


def _manifest_problems(store) -> list[dict]:
    """Each volume's manifest must still match its printed content hash, list only files
    that are in the store, and name the volume PDF the database names."""
    problems = []
    for volume in db.session.scalars(select(Volume).where(Volume.manifest_sha256.is_not(None))):
        if not store.exists(volume.manifest_sha256):
            continue  # reported as missing
        try:
            manifest = json.loads(store.path(volume.manifest_sha256).read_bytes())
        except (OSError, ValueError):
            problems.append({"what": f"Tập {volume.label}: bản kê không đọc được"})
            continue
        if not check_content_hash(manifest) or \
                manifest.get("content_sha256") != volume.content_sha256:
            problems.append({"what": f"Tập {volume.label}: nội dung bản kê không khớp mã băm"})
        if manifest.get("pdf_sha256") != volume.pdf_sha256:
            problems.append({"what": f"Tập {volume.label}: bản kê ghi PDF khác với cơ sở dữ liệu"})
        for sha in _listed(manifest):
            if not store.exists(sha):
                problems.append({"what": f"Tập {volume.label}: thiếu tệp {sha} ghi trong bản kê"})
    return problems


def _listed(manifest: dict) -> list[str]:
    listed = []
    for issue in manifest.get("issues", []):
        listed += [issue.get("pdf_sha256", "")] + [f["sha256"] for f in issue.get("files", [])]
        for document in issue.get("documents", []):
            listed += [f["sha256"] for f in document.get("files", [])]
    return [sha for sha in dict.fromkeys(listed) if sha]


@handler("verify")
def verify_job(job: Job, progress: Progress) -> None:
    verify(job.payload.get("actor", ""), progress)


def last_verification() -> Verification | None:
    return db.session.scalar(select(Verification).where(Verification.ok.is_not(None))
                             .order_by(Verification.id.desc()).limit(1))
