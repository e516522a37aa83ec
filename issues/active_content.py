"""Active content out of a PDF: what the public downloads and what issues are composed from must
not run anything in a reader, whatever the sender put in.

Removed, wherever it sits (catalog, pages, annotations, form fields, outline items): JavaScript
(document-level name tree and actions), open actions that do more than show a page, additional
actions (/AA of the document,
pages, annotations and fields), actions that launch programs, submit or import form data, open
remote or embedded documents or play media, embedded files (name tree and file-attachment
annotations) and XFA forms. Ordinary links (to a page, or to a http(s)/mailto address) stay:
they are part of the text as printed. The received file itself is never changed: the caller
keeps it byte for byte and stores the clean rendition beside it.
"""
from __future__ import annotations

import io

from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

# Action types that run code, leave the document, or send data (ISO 32000-1, 12.6.4).
DANGEROUS_ACTIONS = {"/JavaScript", "/Launch", "/SubmitForm", "/ImportData", "/ResetForm",
                     "/GoToR", "/GoToE", "/Rendition", "/Movie", "/Sound", "/RichMediaExecute",
                     "/SetOCGState", "/Hide", "/Trans", "/GoTo3DView"}
SAFE_URI_SCHEMES = ("http://", "https://", "mailto:")


def _action_problem(action) -> str | None:
    """Why an action (followed through its /Next chain) is not kept, or None if it is safe."""
    seen: set[int] = set()
    pending = [action]
    while pending:
        item = pending.pop()
        item = item.get_object() if isinstance(item, IndirectObject) else item
        if isinstance(item, ArrayObject):
            pending.extend(item)
            continue
        if not isinstance(item, DictionaryObject) or id(item) in seen:
            continue
        seen.add(id(item))
        kind = str(item.get("/S", ""))
        if kind in DANGEROUS_ACTIONS:
            return kind
        if kind == "/URI":
            uri = str(item.get("/URI", "")).strip().lower()
            if not uri.startswith(SAFE_URI_SCHEMES):
                return "/URI " + (uri.split(":", 1)[0] + ":" if ":" in uri else "(relative)")
        if "/Next" in item:
            pending.append(item["/Next"])
    return None


def _shows_a_page(open_action) -> bool:
    """An open action that only shows a page (a destination, or a /GoTo action): it runs
    nothing, and keeping it keeps the file unchanged (and its digital signature valid)."""
    action = open_action.get_object()
    if isinstance(action, ArrayObject):
        return True
    return isinstance(action, DictionaryObject) and str(action.get("/S", "")) == "/GoTo" \
        and "/Next" not in action


class _Cleaner:
    def __init__(self) -> None:
        self.removed: list[str] = []
        self._seen: set[int] = set()

    def note(self, what: str) -> None:
        if what not in self.removed:
            self.removed.append(what)

    def walk(self, root: DictionaryObject) -> None:
        pending: list = [root]
        while pending:
            obj = pending.pop()
            if isinstance(obj, IndirectObject):
                obj = obj.get_object()
            if not isinstance(obj, (DictionaryObject, ArrayObject)) or id(obj) in self._seen:
                continue
            self._seen.add(id(obj))
            if isinstance(obj, DictionaryObject):
                self._clean_dictionary(obj)
                pending.extend(v for k, v in obj.items() if k != "/Parent")
            else:
                pending.extend(obj)

    def _clean_dictionary(self, obj: DictionaryObject) -> None:
        for key, label in (("/AA", "hành động bổ sung (/AA)"), ("/XFA", "biểu mẫu XFA (/XFA)")):
            if key in obj:
                del obj[NameObject(key)]
                self.note(label)
        if "/OpenAction" in obj and not _shows_a_page(obj["/OpenAction"]):
            del obj[NameObject("/OpenAction")]
            self.note("hành động tự chạy khi mở (/OpenAction)")
        if "/A" in obj:
            problem = _action_problem(obj["/A"])
            if problem:
                del obj[NameObject("/A")]
                self.note(f"hành động {problem}")
        annotations = obj.get("/Annots")
        if annotations is not None:
            annotations = annotations.get_object()
            if isinstance(annotations, ArrayObject):
                kept = [a for a in annotations if not self._is_attachment(a)]
                if len(kept) != len(annotations):
                    obj[NameObject("/Annots")] = ArrayObject(kept)
                    self.note("chú thích tệp đính kèm (/FileAttachment)")

    @staticmethod
    def _is_attachment(annotation) -> bool:
        annotation = annotation.get_object()
        return isinstance(annotation, DictionaryObject) and \
            str(annotation.get("/Subtype", "")) == "/FileAttachment"


def strip_active_content(writer: PdfWriter) -> list[str]:
    """Remove active content from the writer's document in place; returns what was removed
    (Vietnamese labels, for staff), empty when the document had none."""
    cleaner = _Cleaner()
    root = writer._root_object
    names = root.get("/Names")
    if names is not None:
        names = names.get_object()
        for key, label in (("/JavaScript", "mã JavaScript của tài liệu (/Names/JavaScript)"),
                           ("/EmbeddedFiles", "tệp đính kèm nhúng (/EmbeddedFiles)")):
            if key in names:
                del names[NameObject(key)]
                cleaner.note(label)
    cleaner.walk(root)
    return cleaner.removed


def clean_pdf(data: bytes) -> tuple[bytes, list[str]]:
    """``data`` unchanged when it has no active content, else a clean rendition, with what was
    removed. The caller has already checked that the PDF opens."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    removed = strip_active_content(writer)
    if not removed:
        return data, []
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue(), removed
