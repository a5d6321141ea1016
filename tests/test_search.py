"""Site search (站内查询): the Pagefind bundles built with the default site, queried from Node
(pagefind.js with file reads in place of fetch) and from the search page in headless Chromium."""
from __future__ import annotations

import gzip
import json
import re
import shutil
import subprocess
from pathlib import Path
from urllib.parse import quote

import pytest

from conftest import soup

QUERY_JS = Path(__file__).parent / "search" / "query.mjs"
NODE = shutil.which("node") or "/usr/bin/node"
COLUMNS = ["changsha", "furong", "tianxin", "yuelu", "kaifu", "yuhua", "wangcheng", "changshaxian", "liuyang",
           "ningxiang"]
TOP = 10

# (query, filters, a fragment of the title of the pages that must be among the top results).
# The wanted pages are looked up in the built site: the indexed pages that pass the filters and
# whose title holds the fragment. Queries are kept to what a citizen would type.
QUERY_SET = [
    ("核酸采样点", {}, "核酸采样点"),
    ("城乡最低生活保障对象公示", {"区县": "长沙县"}, "城乡最低生活保障对象公示"),
    ("调整退休人员基本养老金", {"区县": "开福区"}, "调整退休人员基本养老金"),
    ("社会救助服务热线", {"区县": "开福区"}, "社会救助服务热线"),
    ("耕地地力保护补贴", {"区县": "宁乡市"}, "耕地地力保护补贴"),
    ("食品经营抽查结果", {"区县": "岳麓区"}, "抽查结果"),
    ("分户补偿情况", {"区县": "长沙市"}, "分户补偿"),
    ("污水处理厂提标改造", {"区县": "宁乡市"}, "污水处理厂提标改造"),
    ("安置房建设项目", {"区县": "开福区"}, "安置房"),
    ("义务教育阶段招生入学工作方案", {"区县": "芙蓉区"}, "义务教育阶段招生入学工作方案"),
    ("被征地农民纳入社会保障", {"区县": "长沙县"}, "被征地农民"),
    ("临时救助情况", {"区县": "长沙市"}, "临时救助情况"),
    ("征收集体土地补偿安置办法", {"区县": "长沙县", "类型": "文件"}, "征收集体土地补偿安置办法"),
    ("村庄规划批前公示", {"区县": "宁乡市"}, "村庄规划"),
    ("提质改造工程", {"区县": "芙蓉区"}, "提质改造"),
    ("强农惠农富农政策", {"区县": "浏阳市"}, "强农惠农富农"),
    ("雷锋大道北延线", {}, "雷锋大道北延线"),
    ("征收土地预公告", {"区县": "芙蓉区"}, "征收土地预公告"),
    ("自然灾害救助应急预案", {"区县": "开福区"}, "自然灾害救助应急预案"),
    ("就业创业补贴资金管理办法", {"区县": "长沙市"}, "就业创业补贴资金管理办法"),
    ("最低生活保障审核确认实施办法", {"区县": "浏阳市"}, "最低生活保障审核确认实施办法"),
    ("梅溪湖二期学校", {}, "梅溪湖二期学校"),
    ("政务公开工作要点", {"区县": "望城区"}, "政务公开工作要点"),
    ("国有建设用地使用权挂牌出让", {"区县": "宁乡市"}, "挂牌出让"),
    ("生态环境质量状况", {"区县": "长沙市"}, "生态环境质量状况"),
    ("安全生产行政处罚决定", {"区县": "芙蓉区"}, "安全生产行政处罚决定"),
    ("冬春生活救助对象", {"区县": "浏阳市"}, "冬春生活救助对象"),
    ("危险化学品经营许可", {"区县": "芙蓉区", "类型": "事项"}, "危险化学品经营许可"),
    ("招生政策及学区划分", {"区县": "宁乡市", "类型": "事项"}, "招生政策及学区划分"),
    ("征地补偿", {"区县": "岳麓区", "类型": "目录"}, "征地补偿领域"),
]
RECALL_FLOOR = 0.9


def search_index(site: Path) -> dict:
    """The bundles as the search page lists them: bases with their columns, the delta, the layers file."""
    form = soup(site, "search/index.html").select_one("form[data-search]")
    return json.loads(form["data-index"])


def node_query(site: Path, queries: list[dict], scope: str | None = None) -> list[dict]:
    job = {"site": str(site), "top": TOP, "queries": queries, "scope": scope}
    run = subprocess.run([NODE, str(QUERY_JS)], input=json.dumps(job, ensure_ascii=False), capture_output=True,
                         text=True, timeout=120, check=False)
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)


@pytest.fixture(scope="module")
def query_set_answers(default_site):
    return node_query(default_site, [{"q": q, "filters": f} for q, f, _ in QUERY_SET])


def test_the_default_site_is_a_base_of_guides_and_one_of_every_columns_records(default_site):
    index = search_index(default_site)
    assert [(b["path"], b["guides"]) for b in index["bases"]] == [("pagefind/00/", True), ("pagefind/01/", False)]
    assert index["bases"][0]["columns"] == [] and index["guides"] == "_guides"
    assert index["bases"][1]["columns"] == COLUMNS == [c["column"] for c in index["columns"]]
    for base in ("00", "01"):
        assert (default_site / f"pagefind/{base}/pagefind.js").is_file()
        assert (default_site / f"pagefind/{base}/pagefind-entry.json").is_file()
    kinds = {base: {kind for data in bundle_fragments(default_site / f"pagefind/{base}") for kind in data["filters"]["类型"]}
             for base in ("00", "01")}
    assert kinds == {"00": {"事项", "目录", "乡镇（街道）"}, "01": {"信息", "文件"}}
    assert json.loads((default_site / index["layers"]).read_text()) == {"delta": []}   # a clean build: no delta
    assert not (default_site / index["delta"]).exists()
    assert not list(default_site.rglob(".source-digest"))        # nothing of the build's own in output/


def bundle_fragments(bundle: Path) -> list[dict]:
    """Pagefind's fragment of every page a bundle holds (address, text, metadata, filters)."""
    return [json.loads(gzip.decompress(f.read_bytes()).removeprefix(b"pagefind_dcd"))
            for f in sorted((bundle / "fragment").glob("*.pf_fragment"))]


INDEXED_H1 = re.compile(r"<h1[^>]*>(.*?)</h1>", re.S)
INDEXED_FILTER = re.compile(r'data-pagefind-filter="([^:"]+):([^"]*)"')


def indexed_pages(site: Path) -> list[tuple[str, str, dict]]:
    """(address as Pagefind gives it, title, filters) of every page that has a search entry."""
    pages = []
    for file in site.rglob("*.html"):
        text = file.read_text(encoding="utf-8")
        if "data-pagefind-body" not in text:
            continue
        url = "/" + file.relative_to(site).as_posix()
        url = url[: -len("index.html")] if url.endswith("/index.html") else url
        pages.append((url, INDEXED_H1.search(text).group(1).strip(), dict(INDEXED_FILTER.findall(text))))
    return pages


def test_query_set_recall(default_site, query_set_answers):
    pages = indexed_pages(default_site)
    ranks = []       # the rank of the first wanted page in each query's top results, None when missed
    for (query, filters, fragment), answer in zip(QUERY_SET, query_set_answers):
        wanted = {url for url, title, f in pages
                  if fragment in title and all(f.get(k) == v for k, v in filters.items())}
        assert wanted, f"the query set needs updating: no page for {query!r} {filters} in the content"
        urls = [r["url"] for r in answer["results"]]
        ranks.append(next((n for n, url in enumerate(urls, 1) if url in wanted), None))
    found = [r for r in ranks if r]
    recall = len(found) / len(QUERY_SET)
    print(f"query set recall@{TOP}: {recall:.2%} over {len(QUERY_SET)} queries; "
          f"mean reciprocal rank {sum(1 / r for r in found) / len(QUERY_SET):.2f}")
    missed = [query for query, rank in zip(QUERY_SET, ranks) if rank is None]
    assert recall >= RECALL_FLOOR, f"recall {recall:.2%}; missed {missed}"


def test_filters_narrow_results(query_set_answers):
    for (q, filters, _), answer in zip(QUERY_SET, query_set_answers):
        for result in answer["results"]:
            for key, value in filters.items():
                assert result["filters"][key] == [value], (q, result)


def test_district_filter_narrows_city_wide_results(default_site):
    everywhere, yuelu = node_query(default_site, [{"q": "征地补偿"}, {"q": "征地补偿", "filters": {"区县": "岳麓区"}}])
    assert everywhere["count"] > yuelu["count"] > 0
    assert {r["where"].split(" › ")[0] for r in everywhere["results"]} - {"岳麓区"}
    assert all(r["url"].startswith("/yuelu/") and r["where"].startswith("岳麓区") for r in yuelu["results"])


def test_a_column_search_finds_only_that_column(default_site):
    [answer] = node_query(default_site, [{"q": "最低生活保障"}], scope="kaifu")
    assert answer["count"] > 0 and all(r["url"].startswith("/kaifu/") for r in answer["results"])


def test_only_meaningful_content_is_indexed(default_site):
    """Navigation, footer and list pages stay out of the index; the filters are on the indexed pages."""
    answers = node_query(default_site, [{"q": q} for q in ("找错", "跳到主要内容", "切换专栏")])
    assert [a["count"] for a in answers] == [0, 0, 0]         # footer, skip link, column nav
    policy = sorted(default_site.glob("yuelu/info/zc-*.html"))[0].relative_to(default_site).as_posix()
    record = soup(default_site, policy)
    body = record.select_one("[data-pagefind-body]")
    assert body is not None and body.name == "main"
    filters = {span["data-pagefind-filter"] for span in body.select("[data-pagefind-filter]")}
    validity = record.select_one(".meta-table .badge").text
    year = record.find("meta", attrs={"name": "PubDate"})["content"][:4]
    assert filters >= {"区县:岳麓区", "类型:文件", f"年份:{year}", f"效力状态:{validity}"}
    where = body.select_one("[data-pagefind-meta^=where]")["data-pagefind-meta"]
    assert where == "where:岳麓区 › 文件库"
    assert soup(default_site, "yuelu/info/index.html").select_one("[data-pagefind-body]") is None


def test_every_page_has_a_search_form_to_the_search_page(default_site):
    record = sorted(default_site.glob("furong/info/*-*.html"))[0].relative_to(default_site).as_posix()
    for page, action, scope in (("index.html", "search/index.html", None),
                                ("furong/index.html", "../search/index.html", "furong"),
                                (record, "../../search/index.html", "furong")):
        form = soup(default_site, page).select_one("form.site-search")
        assert form["action"] == action and form["method"] == "get"
        assert form.select_one("input[name=q]")
        radios = form.select("input[name=scope]")
        if scope:
            assert [(r["value"], r.has_attr("checked")) for r in radios] == [(scope, True), ("", False)]
        else:
            assert radios == []


def test_search_page_lists_bundles_served_from_the_site(default_site):
    index = search_index(default_site)
    assert [c["column"] for c in index["columns"]] == COLUMNS
    for bundle in index["bases"]:
        assert (default_site / bundle["path"] / "pagefind.js").is_file()
    for script in soup(default_site, "search/index.html").find_all("script", src=True):
        assert "://" not in script["src"]


# --- in the browser ------------------------------------------------------------------------------

def wait_for_results(page):
    # results show as their pages load: the screen is whole once data-shown names the query
    page.wait_for_function("document.querySelector('[data-results]').dataset.shown !== undefined", timeout=30_000)


def test_browser_search_from_the_home_page_box(page, default_site_url):
    page.goto(default_site_url)
    page.fill("#site-search-q", "征地补偿")
    page.click("form.site-search button[type=submit]")
    page.wait_for_url(re.compile(r"/search/(index\.html)?\?q="))
    wait_for_results(page)
    titles = page.locator("[data-results] li h2").all_inner_texts()
    assert titles and all("征" in t or "补偿" in t or "征地" in t for t in titles[:5])
    while not any("征地补偿安置方案公告" in t for t in titles) and page.locator("[data-more]").is_visible():
        loaded = page.locator("[data-results]").get_attribute("data-loaded")
        page.locator("[data-more]").click()
        page.wait_for_function(f"document.querySelector('[data-results]').dataset.loaded !== '{loaded}'")
        titles = page.locator("[data-results] li h2").all_inner_texts()
    assert any("征地补偿安置方案公告" in t for t in titles)
    first = page.locator("[data-results] li").first
    assert " › " in first.locator(".result-where").inner_text()
    assert first.locator(".result-excerpt mark").count() > 0
    assert "找到" in page.locator("[data-status]").inner_text()


def pagefind_folders(requested: list[str]) -> set[str]:
    return {url.split("/pagefind/", 1)[1].split("/")[0] for url in requested if "/pagefind/" in url}


def test_browser_a_service_question_is_answered_from_the_guides_and_more_brings_the_records(page, default_site_url):
    """低保怎么申请 asks for a service: the guides' base answers it alone (the records' bases are
    not loaded); 显示更多结果 loads them and the list goes on with records."""
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(default_site_url + "search/index.html?q=" + quote("低保怎么申请"))
    wait_for_results(page)
    assert pagefind_folders(requested) == {"00", "layers.json"}
    assert "办事事项和指南" in page.locator("[data-status]").inner_text()
    titles = page.locator("[data-results] li h2").all_inner_texts()
    assert "最低生活保障" in titles[0] and "办事指南" in titles[0]
    hrefs = page.locator("[data-results] > li h2 a").evaluate_all("els => els.map(e => e.href)")
    assert hrefs and not any("/info/" in h for h in hrefs)            # no record among the guides
    loaded = page.locator("[data-results]").get_attribute("data-loaded")
    page.locator("[data-more]").click()
    page.wait_for_function(f"document.querySelector('[data-results]').dataset.loaded !== '{loaded}'", timeout=30_000)
    assert "01" in pagefind_folders(requested)
    hrefs_after = page.locator("[data-results] > li h2 a").evaluate_all("els => els.map(e => e.href)")
    assert hrefs_after[:len(hrefs)] == hrefs and any("/info/" in h for h in hrefs_after)
    assert "相关的结果" in page.locator("[data-status]").inner_text()


def test_browser_a_query_for_records_loads_them_at_once_and_a_named_district_is_searched_alone(page, default_site_url):
    """A year asks for records: their bases load at once. The query names 岳麓区: a city-wide
    search then searches that column (its 区县 filter set, only its records' bases)."""
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(default_site_url + "search/index.html?q=" + quote("岳麓区2024年财政预算"))
    wait_for_results(page)
    assert {"00", "01"} <= pagefind_folders(requested)
    assert "在岳麓区专栏找到" in page.locator("[data-status]").inner_text()
    hrefs = page.locator("[data-results] > li h2 a").evaluate_all("els => els.map(e => e.href)")
    assert "/yuelu/info/czys-2024-001.html" in hrefs[0] and all("/yuelu/" in h for h in hrefs)
    # blocks end with 。 also where the block's last word is a match (<mark>预算</mark>. 二级事项)
    assert not [t for t in page.locator(".result-excerpt").all_inner_texts() if ". " in t]
    page.click("[data-status] a[data-city-wide]")                # the whole city after all
    wait_for_results(page)
    assert "在全市找到" in page.locator("[data-status]").inner_text() and "all=1" in page.url
    hrefs = page.locator("[data-results] > li h2 a").evaluate_all("els => els.map(e => e.href)")
    assert "/yuelu/info/czys-2024-001.html" in hrefs[0]                 # 岳麓区 still boosts
    assert not page.locator("[data-status] a[data-city-wide]").count()


def test_browser_district_filter_narrows_to_that_district(page, default_site_url):
    page.goto(default_site_url + "search/index.html?q=" + quote("征地补偿"))
    wait_for_results(page)
    page.click("[data-filter-box] summary")                 # the filters load when their box opens
    page.wait_for_selector("select[data-filter='区县'] option[value='岳麓区']", state="attached")
    page.select_option("select[data-filter='区县']", "岳麓区")
    page.wait_for_url(re.compile(quote("区县") + "="))
    page.wait_for_function("[...document.querySelectorAll('[data-results] .result-where')]"
                           ".every(e => e.textContent.includes('岳麓区'))", timeout=30_000)
    wait_for_results(page)
    wheres = page.locator("[data-results] .result-where").all_inner_texts()
    assert wheres and all("岳麓区" in w for w in wheres)


def test_browser_column_home_searches_its_column_then_whole_city(page, default_site_url):
    page.goto(default_site_url + "kaifu/index.html")
    page.fill("#site-search-q", "最低生活保障")
    page.click("form.site-search button[type=submit]")
    wait_for_results(page)
    assert "开福区" in page.locator("[data-status]").inner_text()
    links = page.locator("[data-results] li h2 a")
    assert all("/kaifu/" in href for href in links.evaluate_all("els => els.map(e => e.href)"))
    page.goto(default_site_url + "kaifu/index.html")
    page.fill("#site-search-q", "最低生活保障")
    page.check("form.site-search input[name=scope][value='']")     # one click: the whole city
    page.click("form.site-search button[type=submit]")
    wait_for_results(page)
    assert "全市" in page.locator("[data-status]").inner_text()
    others = page.locator("details.result-others").first
    others.locator("summary").click()                          # the other districts' pages load when opened
    others.locator("li a").first.wait_for()
    hrefs = page.locator("[data-results] li a").evaluate_all("els => els.map(e => e.href)")
    assert len({h.split("/")[3] for h in hrefs}) > 1          # heads and their 其他区县


def test_search_result_link_opens_the_record(page, default_site_url):
    page.goto(default_site_url + "search/index.html?q=" + quote("征收集体土地补偿安置办法") + "&"
              + quote("区县") + "=" + quote("开福区"))
    wait_for_results(page)
    page.locator("[data-results] li h2 a").first.click()
    page.wait_for_load_state()
    assert "补偿安置办法" in page.locator("h1").inner_text()
    assert "/kaifu/info/" in page.url
