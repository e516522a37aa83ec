"""The past-issue importer on generated issues it did not make: per-entry accuracy (entries
found, page ranges right, notations matched), pages per second, and documents that would be
registered with a wrong range without a staff confirmation (target 0).

Issues are laid out by LibreOffice from DOCX (contents as a table or a tab-leader list, some
over two pages, some double issues, three page numberings) with real demo records; some are
scanned (no text layer). The default run keeps to about two minutes; ``--full`` makes the
few hundred issues of the issue's target (OCR makes the scans the slow part)."""
from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import machine, report  # noqa: E402
from issues.importing import import_issue, same_notation  # noqa: E402
from tests.support.past_issues import (  # noqa: E402
    LAYOUTS,
    NUMBERINGS,
    PastIssue,
    PastIssueSpec,
    build_past_issues,
    demo_documents,
    ordered,
    scanned,
)


def specs(count: int, rng: random.Random, folder: Path) -> list[PastIssueSpec]:
    made = []
    for index in range(count):
        documents = ordered(demo_documents(folder, rng, rng.randint(3, 16), max_pages=8))
        number = 1 + index % 90
        numbers = (number, number + 1) if rng.random() < 0.15 else (number,)
        made.append(PastIssueSpec(
            f"issue-{index:03d}", numbers, date(2026, 1, 5) + timedelta(days=index % 350),
            documents, layout=rng.choice(LAYOUTS), numbering=rng.choice(NUMBERINGS),
            year_start=rng.randint(2, 2400),
            break_after=rng.randrange(len(documents)) if rng.random() < 0.3 else None))
    return made


class Tally:
    def __init__(self) -> None:
        self.entries = self.found = self.right = self.notations = self.wrong = 0
        self.pages = 0
        self.seconds = 0.0

    def add(self, issue: PastIssue) -> tuple[int, int]:
        """Import ``issue`` and count; returns its entries and those with the right range."""
        start = time.perf_counter()
        result = import_issue(issue.path)
        self.seconds += time.perf_counter() - start
        self.pages += issue.page_count
        # (notation, first, last): an issue may hold two "21/NQ-HĐND" of different communes
        expected = set(issue.truth)
        right_before = self.right
        self.entries += len(expected)
        self.found += sum(1 for notation, _, _ in expected
                          if any(same_notation(entry.notation, notation)
                                 for entry in result.entries))
        self.notations += len(result.documents) + sum(
            1 for u in result.unmatched if u.first_page_checked)
        for document in result.documents:
            if (document.notation, document.first_page, document.last_page) in expected:
                self.right += 1
            else:
                self.wrong += 1
        # a proposed range still needs staff: it counts neither as right nor as wrong
        return len(expected), self.right - right_before

    def report(self, kind: str, target: float) -> None:
        report(f"import_{kind}_issues_entries", self.entries, "entries")
        report(f"import_{kind}_entries_found", self.found / max(self.entries, 1), "ratio")
        report(f"import_{kind}_right_page_range", self.right / max(self.entries, 1), "ratio",
               target=target, better="higher")
        report(f"import_{kind}_notation_matched", self.notations / max(self.entries, 1), "ratio")
        report(f"import_{kind}_pages_per_second", self.pages / max(self.seconds, 1e-9),
               "pages/s")
        report(f"import_{kind}_wrong_range_registered_unconfirmed", self.wrong, "documents",
               target=0, better="lower")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--full", action="store_true", help="300 text issues and 30 scans")
    parser.add_argument("--text", type=int, default=None)
    parser.add_argument("--scans", type=int, default=None)
    args = parser.parse_args()
    text_count = args.text if args.text is not None else (300 if args.full else 20)
    scan_count = args.scans if args.scans is not None else (30 if args.full else 2)
    print(f"# import benchmark on {machine()}: {text_count} text issues, {scan_count} scans")
    rng = random.Random(2026)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        start = time.perf_counter()
        issues = build_past_issues(folder, specs(text_count, rng, folder))
        report("import_generate_issues", time.perf_counter() - start, "s")
        text = Tally()
        for issue in issues:
            text.add(issue)
        text.report("text", 0.98)
        scans = Tally()
        by_layout = {layout: [0, 0] for layout in LAYOUTS}  # entries, right ranges
        for issue in rng.sample(issues, min(scan_count, len(issues))):
            entries, right = scans.add(scanned(issue, folder))
            by_layout[issue.spec.layout][0] += entries
            by_layout[issue.spec.layout][1] += right
        if scan_count:
            scans.report("scanned", 0.90)
            for layout, (entries, right) in by_layout.items():
                report(f"import_scanned_{layout}_right_page_range", right / max(entries, 1),
                       f"ratio of {entries} entries")


if __name__ == "__main__":
    main()
