"""Gazette titles: finding them, adding a former province's title, and finding a published
issue by its number within a title (what the public pages, the API and citations share)."""
from __future__ import annotations

import tomllib
from dataclasses import asdict, fields
from pathlib import Path

from flask import current_app
from sqlalchemy import func, select

from print_templates import Masthead

from ..extensions import db
from ..masthead import current_masthead
from ..models import GazetteTitle, Issue, IssueNumber, User, published_issues
from ..models.title import CURRENT_SLUG, TITLE_SLUG
from .audit import record


class TitleError(ValueError):
    """A refused title; the message is Vietnamese, for the user."""


def current_title() -> GazetteTitle:
    title = db.session.scalar(select(GazetteTitle).where(GazetteTitle.current.is_(True)))
    if title is None:  # the migration creates it; a database without it is not migrated
        raise TitleError("Chưa có tên Công báo hiện hành: chạy “flask db upgrade”.")
    return title


def title_by_slug(slug: str | None) -> GazetteTitle | None:
    """A title by its address slug; None (the current title) for no slug. A slug that names no
    former title raises LookupError (a 404 for the public)."""
    if slug is None:
        return None
    title = db.session.scalar(select(GazetteTitle).where(
        GazetteTitle.slug == slug[:40], GazetteTitle.current.is_(False)))
    if title is None:
        raise LookupError(slug)
    return title


def title_id_of(title: GazetteTitle | None) -> int:
    return title.id if title is not None else current_title().id


def former_titles() -> list[GazetteTitle]:
    return list(db.session.scalars(select(GazetteTitle).where(GazetteTitle.current.is_(False))
                                   .order_by(GazetteTitle.last_year.desc(),
                                             GazetteTitle.name)))


def title_name(title: GazetteTitle) -> str:
    """"Công báo tỉnh Sơn La": a former title's own name, the current one's from the
    instance's province (GAZETTE_PROVINCE, as every page names it)."""
    if not title.current:
        return title.name
    return f"Công báo tỉnh {current_app.config['GAZETTE_PROVINCE']}"


def title_masthead(title: GazetteTitle) -> Masthead:
    """The masthead a title prints with: a former title's own settings over the current ones."""
    masthead = current_masthead()
    if title.current or not title.masthead:
        return masthead
    return Masthead(**(asdict(masthead) | title.masthead))


def published_issue(title: GazetteTitle | None, year: int, number: int) -> Issue | None:
    """The published issue taking ``number`` of ``year`` in a title (None: the current)."""
    return db.session.scalar(select(Issue).join(IssueNumber).where(
        IssueNumber.year == year, IssueNumber.number == number,
        IssueNumber.title_id == title_id_of(title), published_issues()))


def read_masthead_file(path: Path) -> dict:
    """A former title's masthead settings (the keys of ``print_templates.Masthead``)."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise TitleError(f"Không đọc được tệp cài đặt đầu trang {path.name}: {error}") from None
    unknown = set(data) - {f.name for f in fields(Masthead)}
    if unknown:
        raise TitleError("Tệp cài đặt đầu trang có mục không biết: " + ", ".join(sorted(unknown)))
    return data


def add_title(slug: str, province: str, first_year: int | None, last_year: int | None,
              note: str = "", masthead: dict | None = None, actor: User | None = None,
              name: str = "") -> GazetteTitle:
    """A former province's Công báo (the current title exists from the first migration)."""
    slug = slug.strip().lower()
    if slug == CURRENT_SLUG or not TITLE_SLUG.match(slug) or len(slug) > 40:
        raise TitleError("Mã tên Công báo chỉ gồm chữ thường không dấu, số và dấu gạch nối "
                         "(ví dụ “binh-phuoc”), không chỉ gồm số.")
    province = province.strip()
    if not province:
        raise TitleError("Cần tên tỉnh cũ (ví dụ “Bình Phước”).")
    if first_year and last_year and first_year > last_year:
        raise TitleError("Năm đầu phải trước năm cuối.")
    taken = db.session.scalar(select(func.count()).select_from(GazetteTitle)
                              .where(GazetteTitle.slug == slug))
    if taken:
        raise TitleError(f"Đã có tên Công báo mã “{slug}”.")
    title = GazetteTitle(slug=slug, province=province, current=False,
                         name=name.strip() or f"Công báo tỉnh {province}",
                         first_year=first_year, last_year=last_year, note=note.strip(),
                         masthead=(masthead or {}) | {"province": province,
                                                      "province_line": f"TỈNH {province.upper()}"})
    db.session.add(title)
    db.session.flush()
    record("title.add", "gazette_title", title.id, actor=actor,
           after={"slug": slug, "name": title.name, "years": title.years_label})
    return title
