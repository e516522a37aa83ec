"""Statistics for staff: a quarter (or any period) as tables and charts, CSV and PDF."""
from __future__ import annotations

import io

from flask import Response, current_app, render_template, request, send_file

from print_templates.dates import short_date
from print_templates.report import build_statistics_report

from .. import clock
from ..csv_export import csv_text
from ..services.statistics import build_report, latest_quarter_with_data, quarter_bounds
from ..storage import work_dir
from .blueprint import bp

QUARTERS = ("I", "II", "III", "IV")


def _period():
    latest_year, latest_quarter = latest_quarter_with_data(clock.today())
    year = request.args.get("nam", type=int) or latest_year
    quarter = request.args.get("quy", type=int) or latest_quarter
    year = min(max(year, 1945), 2100)
    quarter = min(max(quarter, 1), 4)
    start, end = quarter_bounds(year, quarter)
    return year, quarter, build_report(start, end, f"Quý {QUARTERS[quarter - 1]}/{year}")


@bp.route("/thong-ke")
def statistics():
    year, quarter, report = _period()
    return render_template("staff/statistics.html", report=report, year=year, quarter=quarter,
                           quarters=QUARTERS)


@bp.route("/thong-ke.csv")
def statistics_csv():
    year, quarter, report = _period()
    return Response(csv_text(["nhom", "chi_tieu", "so_lieu"], report.rows()), mimetype="text/csv",
                    headers={"Content-Disposition":
                             f"attachment; filename=thong-ke-{year}-quy-{quarter}.csv"})


@bp.route("/thong-ke.pdf")
def statistics_pdf():
    year, quarter, report = _period()
    province = current_app.config["GAZETTE_PROVINCE"]
    with work_dir("report") as tmp:
        path = tmp / "report.pdf"
        build_statistics_report(path, f"BÁO CÁO CÔNG BÁO TỈNH {province.upper()}",
                                f"{report.label} (từ {short_date(report.start)} đến hết "
                                f"ngày trước {short_date(report.end)})", report.rows())
        data = path.read_bytes()
    return send_file(io.BytesIO(data), mimetype="application/pdf", as_attachment=True,
                     download_name=f"bao-cao-cong-bao-{year}-quy-{quarter}.pdf")
