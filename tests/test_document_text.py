"""A document's extracted text as HTML blocks: paragraphs joined back, articles with anchors,
page marks, the page's own number dropped."""
from gazette_app.document_text import articles, text_blocks

PAGE_1 = "\n".join([
    "ỦY BAN NHÂN DÂN",
    "QUYẾT ĐỊNH",
    "Về việc ban hành quy chế quản lý tài sản công trên địa bàn tỉnh",
    "Điều 1. Phạm vi điều chỉnh",
    "Quyết định này quy định việc quản lý, sử dụng tài sản công tại các cơ quan, tổ chức,",
    "đơn vị thuộc phạm vi quản lý của tỉnh.",
    "Điều 2. Đối tượng áp dụng",
    "1. Cơ quan nhà nước, đơn vị sự nghiệp công lập và tổ chức khác được giao quản lý tài",
    "sản công.",
    "2. Cá nhân có liên quan.",
])
PAGE_2 = "\n".join([
    "2",
    "Điều 3. Trách nhiệm thi hành quyết định này thuộc về Chánh Văn phòng UBND tỉnh, các sở,",
    "ban, ngành và Chủ tịch UBND các xã, phường chịu trách nhiệm thi hành Quyết định này.",
])


def test_articles_become_linkable_headings_and_lines_join_into_paragraphs():
    blocks = text_blocks(PAGE_1 + "\n\n" + PAGE_2)
    kinds = [(b.kind, b.text[:20]) for b in blocks]
    assert ("caps", "ỦY BAN NHÂN DÂN") in kinds and ("caps", "QUYẾT ĐỊNH") in kinds
    heads = articles(blocks)
    assert [(h.number, h.anchor) for h in heads] == [(1, "dieu-1"), (2, "dieu-2"), (3, "dieu-3")]
    assert heads[0].text == "Điều 1. Phạm vi điều chỉnh"  # a short title line is the heading
    assert heads[2].text == "Điều 3."  # a long article: the heading, then its text
    paragraphs = [b.text for b in blocks if b.kind == "paragraph"]
    assert ("Quyết định này quy định việc quản lý, sử dụng tài sản công tại các cơ quan, tổ "
            "chức, đơn vị thuộc phạm vi quản lý của tỉnh.") in paragraphs
    assert "2. Cá nhân có liên quan." in paragraphs  # numbered points stay apart
    assert paragraphs[-1].startswith("Trách nhiệm thi hành")


def test_pages_are_marked_and_their_printed_numbers_dropped():
    blocks = text_blocks(PAGE_1 + "\n\n" + PAGE_2)
    marks = [b for b in blocks if b.kind == "page"]
    assert [(m.number, m.anchor) for m in marks] == [(2, "trang-2")]
    assert not any(b.text == "2" for b in blocks)


def test_no_text_gives_no_blocks_and_a_repeated_article_is_linked_once():
    assert text_blocks("") == [] and text_blocks(None) == [] and text_blocks(" \n ") == []
    blocks = text_blocks("Điều 2. Sửa đổi\n\nĐiều 2. Sửa đổi")
    assert len(articles(blocks)) == 1
