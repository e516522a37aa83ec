"""Atom feeds of new issues and new documents (optionally per issuer or type), and the sitemap.
XML is built with ElementTree, so every text is escaped."""
from __future__ import annotations

import json
from datetime import UTC, datetime, time
from xml.etree import ElementTree as ET

from flask import Response, current_app, request, url_for
from sqlalchemy import select

from print_templates.dates import short_date

from .. import clock
from ..extensions import db
from ..models import Document, Issue, Issuer, public_documents, published_issues
from ..public_record import document_url
from ..security import absolute_url
from .blueprint import bp

ATOM = "http://www.w3.org/2005/Atom"
SITEMAP = "http://www.sitemaps.org/schemas/sitemap/0.9"
FEED_SIZE = 50
SITEMAP_LIMIT = 50_000  # the sitemap protocol's cap for one file


def _stamp(value) -> str:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    return datetime.combine(value, time(), tzinfo=UTC).isoformat()


def _feed(title: str, self_url: str, entries: list[dict]) -> Response:
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    ET.SubElement(feed, f"{{{ATOM}}}title").text = title
    ET.SubElement(feed, f"{{{ATOM}}}id").text = self_url
    ET.SubElement(feed, f"{{{ATOM}}}link", rel="self", href=self_url)
    ET.SubElement(feed, f"{{{ATOM}}}link", href=absolute_url(url_for("public.home")))
    author = ET.SubElement(feed, f"{{{ATOM}}}author")
    ET.SubElement(author, f"{{{ATOM}}}name").text = \
        f"Công báo tỉnh {current_app.config['GAZETTE_PROVINCE']}"
    ET.SubElement(feed, f"{{{ATOM}}}updated").text = \
        entries[0]["updated"] if entries else _stamp(clock.now())
    for item in entries:
        entry = ET.SubElement(feed, f"{{{ATOM}}}entry")
        ET.SubElement(entry, f"{{{ATOM}}}title").text = item["title"]
        ET.SubElement(entry, f"{{{ATOM}}}id").text = item["url"]
        ET.SubElement(entry, f"{{{ATOM}}}link", href=item["url"])
        ET.SubElement(entry, f"{{{ATOM}}}updated").text = item["updated"]
        ET.SubElement(entry, f"{{{ATOM}}}summary").text = item["summary"]
    body = ET.tostring(feed, encoding="utf-8", xml_declaration=True)
    return Response(body, mimetype="application/atom+xml",
                    headers={"Cache-Control": "public, max-age=300"})


@bp.route("/feeds/cong-bao.atom")
def feed_issues():
    issues = db.session.scalars(select(Issue).where(published_issues())
                                .order_by(Issue.published_at.desc()).limit(FEED_SIZE)).all()
    return _feed(f"Số Công báo mới — tỉnh {current_app.config['GAZETTE_PROVINCE']}",
                 absolute_url(url_for("public.feed_issues")), [{
                     "title": f"Công báo {i.title_label} ngày {short_date(i.date)}",
                     "url": absolute_url(url_for("public.issue_page", **i.address)),
                     "updated": _stamp(i.published_at or i.date),
                     "summary": f"{len(i.entries)} văn bản, {i.page_count} trang"}
                     for i in issues])


@bp.route("/feeds/van-ban.atom")
def feed_documents():
    """New documents; ?issuer=<code> and ?type=<doc type> narrow the feed."""
    query = select(Document).where(public_documents())
    title = "Văn bản mới"
    issuer_code = request.args.get("issuer", "")[:200]
    doc_type = request.args.get("type", "")[:120]
    if issuer_code:
        issuer = db.session.scalar(select(Issuer).where(Issuer.code == issuer_code))
        query = query.where(Document.issuer_id == (issuer.id if issuer else -1))
        title += f" của {issuer.name if issuer else issuer_code}"
    if doc_type:
        query = query.where(Document.doc_type == doc_type)
        title += f" ({doc_type})"
    documents = db.session.scalars(query.order_by(Document.received_at.desc(),
                                                  Document.id.desc()).limit(FEED_SIZE)).all()
    return _feed(f"{title} — Công báo tỉnh {current_app.config['GAZETTE_PROVINCE']}",
                 absolute_url(request.script_root + request.full_path.rstrip("?")), [{
                     "title": f"{d.type_name} số {d.notation} ({d.issuer.name}, "
                              f"{short_date(d.issued)})",
                     "url": absolute_url(document_url(d)),
                     "updated": _stamp(d.received_at), "summary": d.abstract}
                     for d in documents])


@bp.route("/sitemap.xml")
def sitemap():
    ET.register_namespace("", SITEMAP)
    root = ET.Element(f"{{{SITEMAP}}}urlset")

    def add(url: str, modified=None) -> None:
        node = ET.SubElement(root, f"{{{SITEMAP}}}url")
        ET.SubElement(node, f"{{{SITEMAP}}}loc").text = url
        if modified is not None:
            ET.SubElement(node, f"{{{SITEMAP}}}lastmod").text = _stamp(modified)

    add(absolute_url(url_for("public.home")))
    add(absolute_url(url_for("public.search")))
    for issue in db.session.scalars(select(Issue).where(published_issues())):
        add(absolute_url(url_for("public.issue_page", **issue.address)), issue.published_at)
    for document in db.session.scalars(select(Document).where(public_documents())
                                       .order_by(Document.id).limit(SITEMAP_LIMIT - len(root))):
        add(absolute_url(document_url(document)), document.updated_at)
    return Response(ET.tostring(root, encoding="utf-8", xml_declaration=True),
                    mimetype="application/xml", headers={"Cache-Control": "public, max-age=3600"})


@bp.route("/robots.txt")
def robots():
    """Everything public may be indexed except the staff side, the API and the search results
    (endless combinations of filters); the search and feedback pages themselves may ("$": the
    bare path, without a query); the sitemap lists every issue and document."""
    lines = ["User-agent: *", "Disallow: /staff/", "Disallow: /login", "Disallow: /api/",
             "Disallow: /tim-kiem", "Allow: /tim-kiem$", "Disallow: /co-chu/",
             "Disallow: /gop-y", "Allow: /gop-y$",
             f"Sitemap: {absolute_url(url_for('public.sitemap'))}", ""]
    return Response("\n".join(lines), mimetype="text/plain",
                    headers={"Cache-Control": "public, max-age=86400"})


@bp.route("/site.webmanifest")
def web_manifest():
    """The web app manifest: name and icons when a citizen adds the site to a phone's screen."""
    name = f"Công báo tỉnh {current_app.config['GAZETTE_PROVINCE']}"
    icons = [{"src": url_for("static", filename=f"icons/icon-{size}.png"),
              "sizes": f"{size}x{size}", "type": "image/png"} for size in (192, 512)]
    body = {"name": name, "short_name": "Công báo", "lang": "vi", "start_url": "/",
            "display": "browser", "theme_color": "#c00000", "background_color": "#ffffff",
            "icons": icons}
    response = current_app.response_class(json.dumps(body, ensure_ascii=False),
                                          mimetype="application/manifest+json")
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response


@bp.route("/favicon.ico")
def favicon():
    """Browsers ask for /favicon.ico whatever the page says."""
    return current_app.send_static_file("icons/favicon.ico")
