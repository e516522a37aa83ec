"""Gazette news (tin Công báo) for the app and the site."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from sqlalchemy import select

from search_index.analysis import nfc

from ..extensions import db
from ..models import NewsItem
from ..services.audit import record
from .blueprint import bp


@bp.route("/news", methods=["GET", "POST"])
def news():
    if request.method == "POST":
        title = nfc(request.form.get("title", ""))[:300]
        body = request.form.get("body", "").strip()[:20_000]
        if not title:
            flash("Vui lòng nhập tiêu đề tin.", "error")
        else:
            item = NewsItem(title=title, body=body)
            db.session.add(item)
            db.session.flush()
            record("news.create", "news", item.id, after={"title": title})
            db.session.commit()
            flash("Đã đăng tin.", "success")
            return redirect(url_for("staff.news"))
    items = db.session.scalars(select(NewsItem).order_by(NewsItem.published_at.desc())
                               .limit(100)).all()
    return render_template("staff/news.html", items=items)
