"""Issue numbers: from 01 each year, never reused, no gap unless an administrator says why."""
from __future__ import annotations


class NumberingError(ValueError):
    """A refused numbering; the message is Vietnamese, for the user."""


def next_number(taken: set[int]) -> int:
    return max(taken, default=0) + 1


def check_numbers(numbers: list[int], taken: set[int], gap_reason: str = "") -> None:
    """Refuse reused, non-consecutive or gapped numbers (a gap needs ``gap_reason``)."""
    if not numbers:
        raise NumberingError("Cần ít nhất một số Công báo.")
    if any(n < 1 for n in numbers):
        raise NumberingError("Số Công báo phải từ 01 trở lên.")
    ordered = sorted(numbers)
    if ordered != list(range(ordered[0], ordered[0] + len(ordered))):
        raise NumberingError("Các số của một số ghép phải liên tiếp (ví dụ 44 + 45).")
    reused = sorted(set(numbers) & taken)
    if reused:
        listed = ", ".join(f"{n:02d}" for n in reused)
        raise NumberingError(f"Số {listed} đã dùng trong năm; số Công báo không được dùng lại.")
    expected = next_number(taken)
    if ordered[0] < expected:
        raise NumberingError(f"Số {ordered[0]:02d} nhỏ hơn số tiếp theo ({expected:02d}).")
    if ordered[0] > expected and not gap_reason.strip():
        raise NumberingError(f"Số tiếp theo phải là {expected:02d}; bỏ số cần quản trị viên "
                             "ghi rõ lý do.")
