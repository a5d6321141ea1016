"""What Pagefind reads of a page (search.search_document): the indexed <main> without what Pagefind is
told to skip, and the heading once more character by character as searchable metadata."""
from __future__ import annotations

from generator.search import search_document, without_ignored
from generator.summary import character_terms

PAGE = ('<html><head><title>题 - 专栏</title></head><body><nav>菜单</nav>'
        '<main id="main" data-pagefind-body><h1>特困人员救助供养 &amp; 2026年</h1>'
        '<table class="meta-table" data-pagefind-ignore="all"><tr><td><table><tr><td>内</td></tr></table>外</td></tr></table>'
        '<p data-search-names>社会救助领域</p><p>正文</p>'
        '<nav class="item-neighbours" data-pagefind-ignore="all"><a>邻近记录</a></nav></main><footer>页脚</footer></body></html>')


def test_the_document_is_the_main_without_its_ignored_parts():
    document = search_document(PAGE)
    assert "<title>题 - 专栏</title>" in document and "正文" in document
    for left_out in ("菜单", "页脚", "内", "外", "邻近记录"):
        assert left_out not in document


def test_heading_and_marked_names_become_character_metadata():
    document = search_document(PAGE)
    assert 'data-pagefind-meta="zi:特 困 人 员 救 助 供 养 2026 年 社 会 救 助 领 域"' in document


def test_a_page_not_indexed_has_no_document():
    assert search_document("<main id=main><h1>x</h1></main>") is None


def test_character_terms():
    assert character_terms("岳征补决〔２０２６〕19号") == "岳 征 补 决 2026 19 号"
    assert character_terms("A级纳税人") == "a 级 纳 税 人"


def test_nested_ignored_elements_end_where_they_end():
    html = '<div data-pagefind-ignore="all"><div>a</div>b</div>c<section data-pagefind-ignore="all">d</section>e'
    assert without_ignored(html) == "ce"
