"""A mobile developer's first hour: generate a Python client from the OpenAPI document the demo
serves (openapi-python-client, during the run), then call every endpoint with it. Every answer
must parse into the generated, typed models and read back (``to_dict()``) as exactly the JSON
that was sent: a field the spec does not declare, or declares with another type, would be lost
or changed. No model may be an untyped empty object (what apispec's nullable references gave)."""
from __future__ import annotations

import datetime
import importlib
import json
import os
import subprocess
import sys
import urllib.request
from pathlib import Path

import attrs
import pytest

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("served_demo")]  # one worker serves it
BIN = Path(sys.executable).parent
PACKAGE = "gazette_api_client"
# Free-form maps by design: a hit's highlights (field → text), an error's refused fields.
MAPS = {"HitHighlights", "ErrorErrorFields"}


@pytest.fixture(scope="module")
def generated(served_demo, tmp_path_factory):
    """The client generated from the served document, imported; yields (package, base URL)."""
    folder = tmp_path_factory.mktemp("client")
    with urllib.request.urlopen(served_demo + "/api/v1/openapi.json", timeout=60) as answer:
        (folder / "openapi.json").write_bytes(answer.read())
    # application/pdf is read as bytes, as the generator does for octet streams
    (folder / "config.json").write_text(json.dumps({
        "content_type_overrides": {"application/pdf": "application/octet-stream"}}))
    result = subprocess.run(
        [str(BIN / "openapi-python-client"), "generate", "--path", str(folder / "openapi.json"),
         "--config", str(folder / "config.json"), "--meta", "none", "--fail-on-warning",
         "--output-path", str(folder / PACKAGE)],
        capture_output=True, text=True, timeout=300,
        env={**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"})
    assert result.returncode == 0, result.stdout + result.stderr
    sys.path.insert(0, str(folder))
    try:
        yield importlib.import_module(PACKAGE), served_demo
    finally:
        sys.path.remove(str(folder))
        for name in [n for n in sys.modules if n == PACKAGE or n.startswith(PACKAGE + ".")]:
            del sys.modules[name]


def _call(package, operation: str, **kwargs):
    """The generated ``sync`` call, with its answer held to the JSON the server sent."""
    module = importlib.import_module(f"{PACKAGE}.api.default.{operation}")
    response = module.sync_detailed(client=kwargs.pop("client"), **kwargs)
    parsed = response.parsed
    assert parsed is not None, (operation, response.status_code, response.content[:300])
    assert attrs.has(type(parsed)), (operation, parsed)
    assert parsed.to_dict() == json.loads(response.content), operation
    return parsed


def test_no_generated_model_is_untyped(generated):
    package, _ = generated
    models = importlib.import_module(f"{PACKAGE}.models")
    empty = [name for name in models.__all__ if attrs.has(cls := getattr(models, name))
             and name not in MAPS
             and not [f for f in attrs.fields(cls) if f.name != "additional_properties"]]
    assert empty == []


def test_every_endpoint_through_the_generated_client(generated):
    package, base = generated
    models = importlib.import_module(f"{PACKAGE}.models")
    client = package.Client(base_url=base, raise_on_unexpected_status=True, timeout=60)

    found = _call(package, "search", client=client, q="quy hoạch chung xã", size=5)
    assert isinstance(found, models.SearchResult), found
    assert found.total >= 1 and found.pages >= 1 and found.results
    hit = found.results[0]
    assert isinstance(hit, models.Hit) and isinstance(hit.issued, datetime.date)
    assert isinstance(hit.status, models.HitStatus) and hit.status_label
    assert isinstance(hit.publication, models.HitPublication)
    assert hit.publication.label.startswith("Công báo Số ")
    assert "/van-ban/" in hit.url and hit.url.split("/van-ban/")[1].count("/") == 2
    # a facet's code, passed back as the filter, narrows the search to it
    facet = found.facets.issuer[0]
    assert isinstance(facet, models.Facet) and isinstance(facet.count, int)
    narrowed = _call(package, "search", client=client, q="quy hoạch chung xã", issuer=facet.code)
    assert isinstance(narrowed, models.SearchResult) and narrowed.total == facet.count
    # refusals parse as the documented Error, naming the field
    past = _call(package, "search", client=client, q="quy hoạch", page=found.pages + 1)
    assert isinstance(past, models.Error) and past.error.field == "page"
    unknown = _call(package, "search", client=client, q="quy hoạch", issuer="khong-co-ma-nay")
    assert isinstance(unknown, models.Error) and unknown.error.field == "issuer"

    listed = _call(package, "list_documents", client=client, size=3)
    assert isinstance(listed, models.DocumentList) and len(listed.results) == 3
    by_notation = _call(package, "list_documents", client=client, notation="47/2026/qd-ubnd")
    assert isinstance(by_notation, models.DocumentList) and by_notation.total == 1
    document = by_notation.results[0]
    assert document.notation == "47/2026/QĐ-UBND" and document.issuer_code == "ubnd-tinh"
    again = _call(package, "get_document", client=client, document_id=document.id)
    assert isinstance(again, models.Document) and again.id == document.id
    assert isinstance(again.issued, datetime.date)
    assert isinstance(again.publication, models.Publication) and again.publication.page >= 1
    assert all(isinstance(f, models.File) and f.size > 0 for f in again.files)
    assert all(isinstance(r, models.Relation) for r in again.relations)
    related = _call(package, "list_documents", client=client, notation="1760/QĐ-UBND")
    assert any(r.kind == models.RelationKind.REPEALS for r in related.results[0].relations)
    pdf_module = importlib.import_module(f"{PACKAGE}.api.default.get_document_pdf")
    pdf = pdf_module.sync_detailed(client=client, document_id=document.id)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")

    latest = _call(package, "list_issues", client=client)
    assert isinstance(latest, models.IssueList) and latest.year == 2026 and latest.results
    newest = latest.results[0]
    assert isinstance(newest.date, datetime.date) and newest.numbers
    assert latest.results[0].date >= latest.results[-1].date
    of_year = _call(package, "list_issues", client=client, year=2026)
    assert [i.numbers for i in of_year.results] == [i.numbers for i in latest.results]
    detail = _call(package, "get_issue", client=client, year=2026, number=newest.numbers[0])
    assert isinstance(detail, models.IssueDetail) and detail.contents
    entry = detail.contents[0]
    assert isinstance(entry, models.ContentsEntry) and isinstance(entry.page, int)

    cited = _call(package, "get_citation", client=client, year=2026, number=newest.numbers[0],
                  page=entry.page)
    assert isinstance(cited, models.Citation) and cited.where == models.CitationWhere.DOCUMENT
    assert isinstance(cited.document, models.Document)
    assert cited.document.id == entry.document_id
    written = _call(package, "find_citation", client=client,
                    q=f"Công báo tỉnh Sơn La, Số {newest.numbers[0]:02d}/2026, tr. {entry.page}")
    assert isinstance(written, models.Citation) and written.document.id == entry.document_id

    volumes = _call(package, "list_volumes", client=client)
    assert isinstance(volumes, models.VolumeList) and volumes.results
    assert volumes.results[0].quarter == 2 and isinstance(volumes.results[0].built_at,
                                                          datetime.datetime)
    news = _call(package, "list_news", client=client)
    assert isinstance(news, models.NewsList)

    body = models.SendFeedbackBody(message="Đề nghị đăng thêm bản Word của các quyết định.",
                                   email="dan@example.vn", document_id=document.id)
    created = _call(package, "send_feedback", client=client, body=body)
    assert isinstance(created, models.FeedbackCreated), created
    assert isinstance(created.created_at, datetime.datetime) and created.id >= 1
    missing = _call(package, "get_document", client=client, document_id=2147483647)
    assert isinstance(missing, models.Error) and missing.error.code == "not_found"
