from generator import urls


def test_relative_links_between_pages():
    assert urls.relative("yuelu/info/a.html", "yuelu/index.html") == "../index.html"
    assert urls.relative("index.html", "yuelu/index.html") == "yuelu/index.html"
    assert urls.relative("yuelu/town/x/index.html", "static/site.css") == "../../../static/site.css"


def test_external_links_untouched():
    assert urls.relative("a/b.html", "https://example.org/x") == "https://example.org/x"


def test_canonical_drops_index_html():
    assert urls.canonical("https://x.gov.cn", "/gk/", "index.html") == "https://x.gov.cn/gk/"
    assert urls.canonical("https://x.gov.cn", "/", "yuelu/index.html") == "https://x.gov.cn/yuelu/"
    assert urls.canonical("https://x.gov.cn", "/", "yuelu/info/a.html") == "https://x.gov.cn/yuelu/info/a.html"


def test_record_address_comes_from_id_only():
    assert urls.record("yuelu", "zdbc-2025-001") == "yuelu/info/zdbc-2025-001.html"


def test_pagination_addresses():
    assert urls.item("yuelu", "fupin", "fp-01") == "yuelu/fupin/fp-01/index.html"
    assert urls.item("yuelu", "fupin", "fp-01", 2) == "yuelu/fupin/fp-01/page-2.html"
    assert urls.policies("yuelu", "废止") == "yuelu/policies/feizhi/index.html"
