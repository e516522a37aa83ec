"""Lighthouse (mobile: its default phone, simulated slow 4G and CPU) with Debian's Chromium on
the public pages of a freshly served demo: performance, accessibility, best practices and SEO
at least 95 each, accessibility 100. `make lighthouse` runs this test and prints the scores;
test-artifacts/lighthouse.json keeps them.

Lighthouse comes from npm (pinned in scripts/lighthouse/package-lock.json, installed into
scripts/lighthouse/node_modules on first use); without npm or the registry the test is skipped
and says why, except under CI=true where it must run. Performance is measured with simulated
throttling on a machine that may be busy: a page below the bar is measured again (three runs at
most) and its best run counts, as Lighthouse's own advice on variance suggests; a run that
Lighthouse itself reports as failed (a lost trace) is tried again within those three.

The search results page is kept out of search engines on purpose (robots.txt: endless
combinations of filters), so its SEO is scored without the "is-crawlable" audit; the search
page itself (/tim-kiem, the form and its help) is scored whole."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import urllib.request
from pathlib import Path

import pytest

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("served_demo")]  # one worker serves it
ROOT = Path(__file__).resolve().parent.parent
TOOL = ROOT / "scripts" / "lighthouse"
LIGHTHOUSE = TOOL / "node_modules" / ".bin" / "lighthouse"
CHROMIUM = os.environ.get("GAZETTE_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = ROOT / "test-artifacts"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
PAGES = {  # name: (path, audits left out)
    "home": ("/", ()),
    "year": ("/cong-bao/2026", ()),
    "issue": ("/cong-bao/2026/15", ()),
    "document": ("/van-ban/ubnd-tinh/2026/47-2026-qd-ubnd", ()),
    "search": ("/tim-kiem", ()),
    "search results": ("/tim-kiem?q=quy+hoach+xa", ("is-crawlable",)),
    "feedback": ("/gop-y", ()),
}
RUNS = 3


def _unavailable(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"Lighthouse must run in CI: {reason}")
    pytest.skip(reason)


def _install() -> None:
    if LIGHTHOUSE.exists():
        return
    if shutil.which("npm") is None:
        _unavailable("no npm (Debian package npm) to install Lighthouse")
    result = subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"],
                            cwd=TOOL, capture_output=True, text=True, timeout=600)
    if result.returncode != 0 or not LIGHTHOUSE.exists():
        _unavailable("npm could not install Lighthouse (registry unreachable?): "
                     + (result.stderr.strip().splitlines() or ["no output"])[-1])


def _scores(url: str, skip: tuple[str, ...], report: Path) -> dict[str, int] | str:
    """The page's scores, or Lighthouse's own runtime error (it sometimes loses the trace of a
    page load, NO_NAVSTART, and asks to be run again)."""
    command = [str(LIGHTHOUSE), url, "--quiet", "--output=json", f"--output-path={report}",
               "--only-categories=" + ",".join(CATEGORIES),
               "--chrome-flags=--headless=new --no-sandbox --disable-gpu"]
    if skip:
        command.append("--skip-audits=" + ",".join(skip))
    result = subprocess.run(command, capture_output=True, text=True, timeout=180,
                            env={**os.environ, "CHROME_PATH": CHROMIUM})
    if result.returncode != 0:
        assert "Runtime error encountered" in result.stderr, result.stderr[-2000:]
        return result.stderr.strip().splitlines()[-1]
    categories = json.loads(report.read_text())["categories"]
    return {name: round(categories[name]["score"] * 100) for name in CATEGORIES}


def _failing(report: Path) -> list[str]:
    """The audits that cost points, to say what to fix."""
    data = json.loads(report.read_text())
    return [f"{category['id']}: {ref['id']} {data['audits'][ref['id']].get('displayValue', '')}"
            for category in data["categories"].values() for ref in category["auditRefs"]
            if ref["weight"] and (data["audits"][ref["id"]]["score"] or 0) < 1]


def test_lighthouse_mobile_scores_of_the_public_pages(served_demo, tmp_path):
    if not Path(CHROMIUM).exists():
        _unavailable(f"no Chromium at {CHROMIUM} (Debian package chromium)")
    _install()
    for path, _ in PAGES.values():  # a server just started compiles templates on first use
        urllib.request.urlopen(served_demo + path, timeout=60).read()
    measured, problems = {}, []
    for name, (path, skip) in PAGES.items():
        report = tmp_path / f"{name.replace(' ', '-')}.json"
        best: dict[str, int] = {}
        errors = []
        for _ in range(RUNS):
            scores = _scores(served_demo + path, skip, report)
            if isinstance(scores, str):
                errors.append(scores)
                continue
            if not best or scores["performance"] > best["performance"]:
                best = scores
            if best["performance"] >= 95:
                break
        assert best, f"Lighthouse failed {RUNS} times on {path}: {errors}"
        measured[name] = {"path": path, **best}
        print(f"lighthouse {name} {path}: " + ", ".join(f"{k} {v}" for k, v in best.items()))
        if min(best.values()) < 95 or best["accessibility"] < 100:
            problems.append(f"{name} {best}: " + "; ".join(_failing(report)))
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "lighthouse.json").write_text(json.dumps(measured, indent=2))
    assert problems == [], problems
