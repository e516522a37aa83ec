"""Archival renditions intended as PDF/A-2b, made with pypdf, and a checker of the clauses this
project can verify here.

Why not ghostscript (Debian's 10.00, ``-dPDFA=2``): measured on a composed issue, it dropped the
ToUnicode maps of the Liberation fonts (Vietnamese text extracted as "CNG BO" for "CÔNG BÁO") and
discarded the Vietnamese document information. An archive that cannot be searched is worse than
one that is not labelled PDF/A.

What the rendition adds: an sRGB OutputIntent (GTS_PDFA1), XMP metadata identifying PDF/A-2B
and agreeing with the document information dictionary; it removes JavaScript, actions and
embedded files (``active_content``).
What is NOT verified here (no independent validator such as veraPDF is
available on these machines): the font clauses of ISO 19005-2 6.2.11 for reportlab's TrueType
subsets, and the content of documents' own PDFs merged into an issue.
"""
from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast
from xml.sax.saxutils import escape

from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    NameObject,
    NumberObject,
    TextStringObject,
)

from .active_content import strip_active_content
from .pdfio import write_atomically

ICC_PROFILE = Path(__file__).resolve().parent.parent / "print_templates" / "icc" / "sRGB.icc"
FORBIDDEN_CATALOG_KEYS = ("/OpenAction", "/AA")


def _pdf_date(when: datetime) -> str:
    return when.strftime("D:%Y%m%d%H%M%S+00'00'")


def _xmp(title: str, author: str, subject: str, keywords: str, creator: str, producer: str,
         when: datetime) -> bytes:
    stamp = when.strftime("%Y-%m-%dT%H:%M:%S+00:00")
    e = escape
    return f"""<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about="" xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/"
    xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:xmp="http://ns.adobe.com/xap/1.0/"
    xmlns:pdf="http://ns.adobe.com/pdf/1.3/">
   <pdfaid:part>2</pdfaid:part>
   <pdfaid:conformance>B</pdfaid:conformance>
   <dc:format>application/pdf</dc:format>
   <dc:title><rdf:Alt><rdf:li xml:lang="x-default">{e(title)}</rdf:li></rdf:Alt></dc:title>
   <dc:creator><rdf:Seq><rdf:li>{e(author)}</rdf:li></rdf:Seq></dc:creator>
   <dc:description><rdf:Alt><rdf:li xml:lang="x-default">{e(subject)}</rdf:li></rdf:Alt></dc:description>
   <pdf:Keywords>{e(keywords)}</pdf:Keywords>
   <pdf:Producer>{e(producer)}</pdf:Producer>
   <xmp:CreatorTool>{e(creator)}</xmp:CreatorTool>
   <xmp:CreateDate>{stamp}</xmp:CreateDate>
   <xmp:ModifyDate>{stamp}</xmp:ModifyDate>
   <xmp:MetadataDate>{stamp}</xmp:MetadataDate>
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>""".encode()  # noqa: E501 - the XMP packet's lines are output bytes


def make_archival(source: Path, out: Path, when: datetime) -> None:
    """Write the archival rendition of ``source`` to ``out`` (atomically); ``when`` is the
    moment written into its metadata (the caller's clock: engines do not read the time)."""
    when = when.astimezone(UTC).replace(microsecond=0)
    writer = PdfWriter(clone_from=str(source))
    info: dict[str, Any] = PdfReader(str(source)).metadata or {}
    title, author = str(info.get("/Title", "")), str(info.get("/Author", ""))
    subject, keywords = str(info.get("/Subject", "")), str(info.get("/Keywords", ""))
    creator, producer = str(info.get("/Creator", "")), "pypdf (Công báo platform archival)"

    root = writer._root_object
    for key in FORBIDDEN_CATALOG_KEYS:  # PDF/A forbids even an open action that shows a page
        root.pop(NameObject(key), None)
    strip_active_content(writer)

    profile = DecodedStreamObject()
    profile.set_data(ICC_PROFILE.read_bytes())
    profile[NameObject("/N")] = NumberObject(3)
    intent = DictionaryObject({
        NameObject("/Type"): NameObject("/OutputIntent"),
        NameObject("/S"): NameObject("/GTS_PDFA1"),
        NameObject("/OutputConditionIdentifier"): TextStringObject("sRGB IEC61966-2.1"),
        NameObject("/Info"): TextStringObject("sRGB IEC61966-2.1"),
        NameObject("/DestOutputProfile"): writer._add_object(profile),
    })
    root[NameObject("/OutputIntents")] = ArrayObject([writer._add_object(intent)])

    metadata = DecodedStreamObject()
    metadata.set_data(_xmp(title, author, subject, keywords, creator, producer, when))
    metadata[NameObject("/Type")] = NameObject("/Metadata")
    metadata[NameObject("/Subtype")] = NameObject("/XML")
    root[NameObject("/Metadata")] = writer._add_object(metadata)
    writer.add_metadata({"/Title": title, "/Author": author, "/Subject": subject,
                         "/Keywords": keywords, "/Creator": creator, "/Producer": producer,
                         "/CreationDate": _pdf_date(when), "/ModDate": _pdf_date(when)})

    writer.generate_file_identifiers()
    write_atomically(writer, out)


def check_archival(path: Path) -> list[str]:
    """Problems found against the PDF/A-2b clauses checked here (empty: none found)."""
    reader = PdfReader(str(path))
    problems: list[str] = []
    if reader.is_encrypted:
        return ["encrypted (6.1.3)"]
    root = cast(DictionaryObject, reader.trailer["/Root"])
    xmp = root.get("/Metadata")
    data = xmp.get_object().get_data().decode("utf-8", "replace") if xmp else ""
    if "<pdfaid:part>2</pdfaid:part>" not in data or \
            "<pdfaid:conformance>B</pdfaid:conformance>" not in data:
        problems.append("no XMP identification pdfaid:part 2, conformance B (6.6.4)")
    info: dict[str, Any] = reader.metadata or {}
    title = str(info.get("/Title", ""))
    if title and escape(title) not in data:
        problems.append("document information /Title differs from XMP dc:title (6.6.3)")
    intents = root.get("/OutputIntents")
    if not intents or not any(i.get_object().get("/S") == "/GTS_PDFA1" and
                              "/DestOutputProfile" in i.get_object()
                              for i in intents.get_object()):
        problems.append("no GTS_PDFA1 output intent with an ICC profile (6.2.3)")
    names = root.get("/Names")
    if names is not None:
        names = names.get_object()
        if "/JavaScript" in names:
            problems.append("JavaScript present (6.6.1)")
        if "/EmbeddedFiles" in names:
            problems.append("embedded files present (6.8: only PDF/A files may be embedded)")
    if "/OpenAction" in root or "/AA" in root:
        problems.append("document-level actions present (6.6.1)")
    if "/ID" not in reader.trailer:
        problems.append("trailer has no /ID (6.1.3)")
    problems += _font_problems(reader)
    return problems


def _font_problems(reader: PdfReader) -> list[str]:
    found: set[str] = set()
    for number, page in enumerate(reader.pages, start=1):
        fonts = page.get("/Resources", {}).get_object().get("/Font", {})
        for font in fonts.get_object().values():
            font = font.get_object()
            descendants = font.get("/DescendantFonts")
            inner = descendants.get_object()[0].get_object() if descendants else font
            descriptor = inner.get("/FontDescriptor")
            name = str(font.get("/BaseFont"))
            if descriptor is None or not any(k in descriptor.get_object() for k in
                                             ("/FontFile", "/FontFile2", "/FontFile3")):
                found.add(f"font {name} not embedded (6.2.11.4), first on page {number}")
            if "/ToUnicode" not in font:
                found.add(f"font {name} has no ToUnicode map: text not searchable")
    return sorted(found)
