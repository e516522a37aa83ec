"""Page layouts, masthead settings and fonts of the printed gazette. Layouts, not logic."""
from __future__ import annotations

import tomllib
from dataclasses import dataclass, fields
from pathlib import Path

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

HERE = Path(__file__).resolve().parent
FONT_DIR = HERE / "fonts"
DEFAULT_MASTHEAD = HERE / "masthead.toml"
SERIF = "LiberationSerif"  # metric-compatible with Times New Roman (Decree 30/2020 App. I)
SERIF_BOLD = "LiberationSerif-Bold"
SERIF_ITALIC = "LiberationSerif-Italic"


@dataclass(frozen=True)
class Masthead:
    province: str
    title: str
    province_line: str
    publisher: str
    address: str
    phone: str
    email: str
    website: str
    printer: str
    e_gazette_note: str
    emblem: str = ""
    separator_pages: bool = False

    @classmethod
    def load(cls, path: Path | str | None = None) -> "Masthead":
        """Read the settings file; unknown keys are refused so that typos do not pass silently."""
        path = Path(path) if path else DEFAULT_MASTHEAD
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        known = {f.name for f in fields(cls)}
        unknown = set(data) - known
        if unknown:
            raise ValueError(f"unknown masthead settings in {path}: {', '.join(sorted(unknown))}")
        return cls(**data)


def register_fonts() -> str:
    """Register the bundled Liberation Serif faces once; returns the regular face's name."""
    if SERIF not in pdfmetrics.getRegisteredFontNames():
        for name, file in ((SERIF, "Regular"), (SERIF_BOLD, "Bold"), (SERIF_ITALIC, "Italic"),
                           (f"{SERIF}-BoldItalic", "BoldItalic")):
            pdfmetrics.registerFont(TTFont(name, str(FONT_DIR / f"LiberationSerif-{file}.ttf")))
        addMapping(SERIF, 0, 0, SERIF)
        addMapping(SERIF, 1, 0, SERIF_BOLD)
        addMapping(SERIF, 0, 1, SERIF_ITALIC)
        addMapping(SERIF, 1, 1, f"{SERIF}-BoldItalic")
    return SERIF


def table_style(*commands: tuple):
    """A TableStyle whose cells use the embedded serif: reportlab tables otherwise default to
    Helvetica, which is never embedded (pdffonts would show ``emb no``)."""
    from reportlab.platypus import TableStyle
    register_fonts()
    return TableStyle([("FONTNAME", (0, 0), (-1, -1), SERIF), *commands])
