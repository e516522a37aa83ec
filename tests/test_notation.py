import pytest

from gazette_app.notation import NotationError, parse_notation
from search_index.analysis import fold, fold_key, nfc, slugify


@pytest.mark.parametrize("raw, text, legal, number_only", [
    ("15/2021/QĐ-UBND", "15/2021/QĐ-UBND", True, "15/2021"),
    ("15/2021/QD-UBND", "15/2021/QĐ-UBND", True, "15/2021"),
    ("9/2026/nq-hdnd", "09/2026/NQ-HĐND", True, "09/2026"),
    ("1182/QĐ-UBND", "1182/QĐ-UBND", False, "1182"),
    ("Số: 37/2026/QĐ-UBND", "37/2026/QĐ-UBND", True, "37/2026"),
    ("01/QĐ-TT HĐND", "01/QĐ-TT HĐND", False, "1"),
    ("12 / 2026 / CT - UBND", "12/2026/CT-UBND", True, "12/2026"),
])
def test_parse_notation(raw, text, legal, number_only):
    notation = parse_notation(raw)
    assert notation.text == text
    assert notation.legal is legal
    assert notation.number_only == number_only


def test_unaccented_and_accented_share_a_key():
    assert parse_notation("15/2021/QD-UBND").key == parse_notation("15/2021/QĐ-UBND").key
    assert parse_notation("05/QĐ-TTHĐND").key == parse_notation("05/QĐ-TT HĐND").key


@pytest.mark.parametrize("raw, message", [
    ("", "Thiếu số"),
    ("abc", "không đúng dạng"),
    ("0/QĐ-UBND", "lớn hơn 0"),
    ("12/1800/QĐ-UBND", "Năm 1800"),
    ("12/XY-UBND", "“XY” không có"),
    ("15/2021/QĐ-", "không đúng dạng"),
])
def test_nonsense_is_refused_in_vietnamese(raw, message):
    with pytest.raises(NotationError, match=message):
        parse_notation(raw)


def test_folding():
    assert fold("Quyết định Đất đai") == "Quyet dinh Dat dai"
    assert fold("ệ ở ữ Ư ơ") == "e o u U o"
    nfd = "Nghi\u0323 quyê\u0301t"  # decomposed input
    assert nfc(nfd) == "Nghị quyết"
    assert fold(nfd) == "Nghi quyet"
    assert fold_key("  V/v  Bãi bỏ,  Quyết định ") == "v v bai bo quyet dinh"
    assert slugify("HĐND xã Chiềng Hặc") == "hdnd-xa-chieng-hac"
