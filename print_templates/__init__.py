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
MONO = "DejaVuSansMono"  # hashes in the volume's annex: one width for every hex digit


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
    emblem: str = ""  # image of the national emblem, supplied by the province; relative paths
    # are read from the settings file's folder
    separator_pages: bool = False
    # Defaults follow the cover templates of Circular 03/2011/TT-VPCP (Mẫu 1-4), which the 2017
    # circular kept: the national title in red bold capitals, number and date upright and bold,
    # the date written with hyphens. The 2017 templates could not be read: each is a setting.
    national_title: str = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"  # "" prints none
    number_date_style: str = "upright"  # "upright" (bold) or "italic"
    date_format: str = "hyphen"  # "hyphen": "Ngày 20-5-2026"; "long": "Ngày 20 tháng 5 năm 2026"
    qr_caption: str = "Tra cứu bản điện tử"
    contents_leaders: bool = True  # dots from each contents entry to its page number

    @classmethod
    def load(cls, path: Path | str | None = None) -> Masthead:
        """Read the settings file; unknown keys and values are refused so that typos do not
        pass silently."""
        path = Path(path) if path else DEFAULT_MASTHEAD
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        known = {f.name for f in fields(cls)}
        unknown = set(data) - known
        if unknown:
            raise ValueError(f"unknown masthead settings in {path}: {', '.join(sorted(unknown))}")
        for key, allowed in CHOICES.items():
            if key in data and data[key] not in allowed:
                raise ValueError(f"masthead setting {key} in {path} must be one of "
                                 f"{', '.join(allowed)}, not {data[key]!r}")
        if data.get("emblem") and not Path(data["emblem"]).is_absolute():
            data["emblem"] = str(path.resolve().parent / data["emblem"])
        return cls(**data)


CHOICES = {"number_date_style": ("upright", "italic"), "date_format": ("hyphen", "long")}


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
        pdfmetrics.registerFont(TTFont(MONO, str(FONT_DIR / "DejaVuSansMono.ttf")))
    return SERIF


def table_style(*commands: tuple):
    """A TableStyle whose cells use the embedded serif: reportlab tables otherwise default to
    Helvetica, which is never embedded (pdffonts would show ``emb no``)."""
    from reportlab.platypus import TableStyle
    register_fonts()
    return TableStyle([("FONTNAME", (0, 0), (-1, -1), SERIF), *commands])
