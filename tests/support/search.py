"""Search documents built from the Sơn La records, and backends to put them in."""
from __future__ import annotations

import json
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from gazette_app.vocabulary import issuer_display_name, status_code
from search_index.analysis import slugify
from search_index.model import SearchDocument
from tests.support.databases import postgres_database
from tests.support.paths import DEMO_RECORDS

RELEVANCE = Path(__file__).resolve().parents[1] / "data" / "search_relevance.json"
BODIES = {  # a few documents get a body, for body search and snippets
    "1503/QĐ-UBND": "Điều 1. Phê duyệt điều chỉnh quy trình vận hành. Điều 2. Mực nước dâng "
                    "bình thường của hồ chứa là 1.020 mét; lưu lượng xả qua đập tràn được "
                    "kiểm soát theo mùa lũ.",
    "921/QĐ-UBND": "Điều 1. Miễn nhiệm các ông, bà có tên trong danh sách kèm theo. "
                   "Điều 2. Giám đốc Sở Tư pháp chịu trách nhiệm thi hành.",
    # Received with their text (issue 20): words found only in the body.
    "1075/QĐ-UBND": "Điều 1. Phạm vi lập quy hoạch gồm toàn bộ địa giới hành chính xã, diện "
                    "tích khoảng 12.350 ha. Điều 2. Tính chất: trung tâm sản xuất chè Shan "
                    "tuyết và du lịch cộng đồng bản Phiêng Cại.",
    "1177/QĐ-UBND": "Điều 1. Công bố kèm theo Quyết định này danh mục thủ tục cấp giấy phép "
                    "lao động, xác nhận người lao động nước ngoài không thuộc diện cấp giấy "
                    "phép. Điều 2. Sở Nội vụ niêm yết công khai tại Trung tâm Phục vụ hành chính "
                    "công.",
    "15/CT-UBND": "Các trường bố trí phòng thi an toàn, camera giám sát, điểm thi dự phòng; "
                  "Công an tỉnh bảo đảm an ninh vận chuyển đề thi; ngành điện cấp điện liên "
                  "tục trong những ngày thi.",
    "1556/QĐ-UBND": "Điều 1. Chủ dự án thực hiện quan trắc bụi, tiếng ồn, độ rung tại mỏ "
                    "đá; ký quỹ cải tạo, phục hồi môi trường trước khi khai thác; trồng cây "
                    "xanh cách ly quanh khai trường.",
    "36/NQ-HĐND": "Điều 1. Tổng vốn đầu tư công trung hạn là 28.640 tỷ đồng, trong đó ưu tiên "
                  "đường cao tốc Hòa Bình – Mộc Châu, kiên cố hóa trường học và nước sạch "
                  "nông thôn.",
}


def search_documents() -> list[SearchDocument]:
    documents = []
    for number, line in enumerate(DEMO_RECORDS.open(encoding="utf-8"), start=1):
        record = json.loads(line)
        issued = date.fromisoformat(record["issued"])
        issuer = issuer_display_name(record["issuer"])
        documents.append(SearchDocument(
            id=number, notation=record["number"], abstract=record["abstract"],
            body=BODIES.get(record["number"], ""), issuer=issuer, issuer_code=slugify(issuer),
            doc_type=record["doc_type"], legal="/20" in record["number"],
            signer=record["signer"] or "", field=record["field"] or "",
            status=status_code(record["status"]) or "in_force", issued=issued, year=issued.year,
            issue_numbers=(12,) if number % 10 == 0 else (), issue_year=2026))
    return documents


def relevance_queries() -> list[dict]:
    return json.loads(RELEVANCE.read_text(encoding="utf-8"))["queries"]


def expected_ids(documents: list[SearchDocument], expect: list[list[str]]) -> set[int]:
    wanted = {(notation, issuer_display_name(issuer)) for notation, issuer in expect}
    return {d.id for d in documents if (d.notation, d.issuer) in wanted}


@contextmanager
def make_backend(kind: str, folder: Path):
    if kind == "tantivy":
        from search_index.tantivy_backend import TantivyBackend
        yield TantivyBackend(folder / "tantivy")
        return
    if kind == "whoosh":
        from search_index.whoosh_backend import WhooshBackend
        yield WhooshBackend(folder / "index")
        return
    from search_index.postgres_backend import PostgresBackend
    with postgres_database() as url:
        backend = PostgresBackend(url)
        try:
            yield backend
        finally:
            backend.engine.dispose()
