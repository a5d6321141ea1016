"""政策解读 linked both ways: `interprets:` checked like every reference, the document's 政策解读 box,
the interpretation's 原文 link, 图解 galleries, 文件库 marks and filter, search meta, API and audit."""
from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from conftest import BASIC, REPO, build_into, soup
from generator.check import CheckOptions, run_check
from generator.check.interpretations import needs_interpretation
from generator.errors import BuildError
from generator.model import Image, Record, Source, interpreted_key
from generator.pages import record_search_entry
from generator.paths import ProjectPaths
from generator.schema import Invalid, record_reference
from generator.sourcecache import Entry, decode_record, encode
from generator.store import Change, Store
from generator.views import SiteView, reading

DAY = dt.date(2026, 2, 3)


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def record_file(title: str, item: str, published: str, extra: str, body: str = "解读正文。") -> str:
    return (f"---\ntitle: {title}\nitem: {item}\nwritten: {published}\npublished: {published}\n"
            f"publisher: 测试市民政局\n{extra}---\n\n{body}\n")


def add_interpretations(root: Path) -> None:
    """The small site with three interpretations of the city's 低保办法 (one from the east district),
    and documents the audit must find without one."""
    write(root / "content/city/records/jiedu/jd-wz.md", record_file(
        "《测试市最低生活保障办法》政策解读", "dibao-zhinan", "2026-02-03",
        "interprets: zc-2026-001\ninterpretation_form: 文字解读\n"))
    write(root / "content/city/records/jiedu/jd-sp.md", record_file(
        "视频解读：低保怎么办", "dibao-zhinan", "2026-02-20",
        "interprets: zc-2026-001\ninterpretation_form: 视频\nvideo_url: https://www.example.gov.cn/sp/1.html\n"))
    write(root / "content/east/records/jiedu/jd-tj.md", record_file(
        "一图读懂《测试市最低生活保障办法》", "dibao-zhinan", "2026-02-05",
        "interprets: city/zc-2026-001\ninterpretation_form: 图解\nimages:\n"
        "  - file: photo.png\n    alt: 低保申请三步：申请、审核、确认\n  - file: photo.png\n    alt: 低保标准表\n"))
    policies = root / "content/city/policies/more.yaml"
    entries = [("zc-2026-009", "category: 社会救助\n"), ("zc-2026-010", "needs_interpretation: true\n"),
               ("zc-2026-011", "category: 社会救助\n    needs_interpretation: false\n")]
    write(policies, "records:\n" + "".join(
        f"  - id: {rid}\n    title: 测试市文件{rid}\n    written: 2026-03-01\n    published: 2026-03-02\n"
        f"    publisher: 测试市人民政府\n    validity: 有效\n    {extra}    body: 正文。\n" for rid, extra in entries))
    site = root / "site.yaml"
    site.write_text(site.read_text(encoding="utf-8") + "interpretation:\n  categories: [社会救助]\n"
                    "  max_delay_days: 10\n", encoding="utf-8")
    path = root / "content/city/policies/zc.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("    item: dibao-zhinan\n", "    item: dibao-zhinan\n    needs_interpretation: true\n", 1),
                    encoding="utf-8")


@pytest.fixture(scope="module")
def jiedu(tmp_path_factory):
    root = tmp_path_factory.mktemp("jiedu") / "site"
    shutil.copytree(BASIC, root)
    add_interpretations(root)
    output = root.parent / "output"
    build_into(root, output)
    return root, output


# --- units ------------------------------------------------------------------------------------

def record(rid: str, column: str, kind: str = "record", **fields) -> Record:
    """A record whose file is content/<column>/x.md (the store knows files by that key)."""
    return Record(rid, column, kind, f"标题{rid}", DAY, DAY, "发布机构", "索引号", "", Source(f"content/{column}/x.md", 1),
                  **fields)


def test_a_reference_names_its_own_column_or_another():
    assert interpreted_key("east", "zc-1") == ("east", "zc-1")
    assert interpreted_key("east", "city/zc-1") == ("city", "zc-1")
    assert record_reference("city/zc-1") == "city/zc-1" and record_reference("zc-1") == "zc-1"
    for bad in ("a/b/c", "City/zc", "zc 1", "/zc", 3):
        with pytest.raises(Invalid):
            record_reference(bad)


def test_the_store_keeps_each_documents_interpretations_and_each_columns():
    store, change = Store(), Change()
    store.put_file("content/city/x.md", [record("zc", "city", "policy", validity="有效"),
                         record("jd", "city", interprets="zc", interpretation_form="问答")], [b"1", b"2"], change)
    store.put_file("content/east/x.md", [record("tj", "east", interprets="city/zc", interpretation_form="图解")],
                   [b"3"], change)
    assert store.record_list("interpreting", ("city", "zc")) == [("east", "tj"), ("city", "jd")]
    assert store.record_list("column-interpretations", "city") == [("east", "tj"), ("city", "jd")]
    assert store.record_list("column-interpretations", "east") == []
    assert store.entities["record"].get(("east", "tj")).interpreted == ("city", "zc")
    store.drop_file("content/east/x.md", change)
    assert store.record_list("interpreting", ("city", "zc")) == [("city", "jd")]


def test_an_interpretation_survives_the_source_cache():
    made = record("tj", "east", interprets="city/zc", interpretation_form="图解",
                  images=(Image("a.svg", "说明一"), Image("b.png", "说明二")))
    again = decode_record(encode(made))
    assert again == made and again.images[0].alt == "说明一"
    entry = Entry("k", 1, 1, "d", "c", [made], [b"x"])
    kept = Entry.of_row(entry.row())
    assert kept.entities[0].interprets == "city/zc" and kept.record("tj") == made


def test_search_entry_pairs_a_document_and_its_interpretations():
    class Column:
        name = "测试市"
    policy = record("zc", "city", "policy", validity="有效")
    first = record("jd", "city", interprets="zc", interpretation_form="问答")
    second = record("tj", "east", interprets="city/zc", interpretation_form="图解")
    entry = record_search_entry(Column, policy, ["测试市", "文件库"], None, None, [second, first])
    assert entry["filters"]["政策解读"] == "有解读的文件"
    assert entry["meta"]["jiedu_1_url"] == "east/info/tj.html" and entry["meta"]["jiedu_1_form"] == "图解"
    assert entry["meta"]["jiedu_2_title"] == "标题jd"
    entry = record_search_entry(Column, first, ["测试市"], None, policy, [])
    assert entry["filters"]["政策解读"] == "解读材料"
    assert entry["meta"]["yuanwen"] == "标题zc" and entry["meta"]["yuanwen_url"] == "city/info/zc.html"
    assert "政策解读" not in record_search_entry(Column, record("x", "city"), [], None)["filters"]


def test_pages_that_show_interpretations_depend_on_those_lists():
    store, change = Store(), Change()
    store.put_file("content/city/x.md", [record("zc", "city", "policy", validity="有效"),
                                         record("jd", "city", interprets="zc", interpretation_form="问答")],
                   [b"1", b"2"], change)
    site = SiteView(store)
    with reading() as reads:
        assert [r.id for r in site.interpreting[("city", "zc")]] == ["jd"]
    assert reads == {("c", "interpreting", ("city", "zc"), "ids"), ("e", "record", ("city", "jd"))}
    with reading() as reads:
        assert [r.id for r in site.column("city").interpretations] == ["jd"]
    assert ("c", "column-interpretations", "city", "ids") in reads
    assert site.interpreting.get(("city", "jd")) == ()


def test_which_documents_need_an_interpretation():
    def policy(**fields):
        return record("zc", "city", "policy", **{"validity": "有效", **fields})
    assert needs_interpretation(policy(needs_interpretation=True), ())
    assert needs_interpretation(policy(category="社会救助"), ("社会救助",))
    assert not needs_interpretation(policy(category="社会救助", needs_interpretation=False), ("社会救助",))
    assert not needs_interpretation(policy(needs_interpretation=True, validity="失效"), ())
    assert not needs_interpretation(policy(category="综合政务"), ("社会救助",))


# --- the built pages -------------------------------------------------------------------------------

def test_the_document_lists_its_interpretations_and_each_links_back(jiedu):
    _root, output = jiedu
    page = soup(output, "city/info/zc-2026-001.html")
    box = page.select_one("main section.interpretations#zcjd")
    assert box.h2.get_text() == "政策解读"
    rows = [(li.select_one(".badge").get_text(), li.a["href"], li.time["datetime"]) for li in box.select("li")]
    assert rows == [("视频", "jd-sp.html", "2026-02-20"), ("图解", "../../east/info/jd-tj.html", "2026-02-05"),
                    ("文字解读", "jd-wz.html", "2026-02-03")]
    assert "测试市民政局" in box.select("li")[1].get_text()            # another column's: who published it
    for page_path in ("city/info/jd-wz.html", "city/info/jd-sp.html", "east/info/jd-tj.html"):
        back = soup(output, page_path).select_one("main .original-link a[data-original]")
        target = (output / page_path).parent / back["href"]
        assert target.resolve() == (output / "city/info/zc-2026-001.html").resolve()
        assert back.get_text() == "测试市最低生活保障办法"
    assert soup(output, "city/info/zc-2020-007.html").select_one(".interpretations") is None


def test_a_video_is_a_link_out_and_nothing_is_embedded(jiedu):
    _root, output = jiedu
    page = soup(output, "city/info/jd-sp.html")
    link = page.select_one("main .video-link a[data-video]")
    assert link["href"] == "https://www.example.gov.cn/sp/1.html" and link["rel"] == ["noopener"]
    assert not page.select("iframe, video, embed, object")


def test_a_graphic_is_a_gallery_of_pictures_with_their_alt_text(jiedu):
    _root, output = jiedu
    page = soup(output, "east/info/jd-tj.html")
    gallery = page.select_one("main section.gallery")
    assert [a["href"] for a in gallery.select("nav.gallery-nav a")] == ["#tu-1", "#tu-2"]
    images = gallery.select("ol.gallery-list li figure img")
    assert [i["alt"] for i in images] == ["低保申请三步：申请、审核、确认", "低保标准表"]
    assert [li["id"] for li in gallery.select("ol.gallery-list > li")] == ["tu-1", "tu-2"]
    for image in images:
        assert ((output / "east/info") / image["src"]).resolve() == (output / "east/files/photo.png").resolve()
        assert image.parent.name == "a" and image.parent["href"] == image["src"]
    assert not page.select("main script")


def test_the_policy_library_marks_interpreted_documents_and_filters_them(jiedu):
    _root, output = jiedu
    pages = [soup(output, p.relative_to(output).as_posix()) for p in sorted((output / "city/policies").glob("*.html"))]
    marked = {row.th.a.get_text(): bool(row.select_one("a.badge.jiedu")) for page in pages
              for row in page.select("tbody tr")}
    assert marked["测试市最低生活保障办法"] and not marked["测试市最低生活保障实施细则"]
    assert len(marked) == 6 and sum(marked.values()) == 1
    badge = next(b for page in pages for b in page.select("a.badge.jiedu"))
    assert badge["href"] == "../info/zc-2026-001.html#zcjd"
    library = pages[0]
    link = library.select_one("nav[aria-label='按政策解读筛选'] a")
    assert link.get_text() == "有解读（1）" and link["href"] == "jiedu/index.html"
    only = soup(output, "city/policies/jiedu/index.html")
    assert [row.th.a.get_text() for row in only.select("tbody tr")] == ["测试市最低生活保障办法"]
    assert only.select_one("nav[aria-label='按政策解读筛选'] [aria-current]").get_text() == "有解读（1）"
    assert not (output / "east/policies/jiedu").exists()                # no document of its own interpreted


def test_search_meta_carries_the_pair(jiedu):
    _root, output = jiedu

    def meta(page):
        return dict(s["data-pagefind-meta"].split(":", 1) for s in soup(output, page).select("[data-pagefind-meta]"))

    def filters(page):
        return dict(s["data-pagefind-filter"].split(":", 1) for s in soup(output, page).select("[data-pagefind-filter]"))
    document = meta("city/info/zc-2026-001.html")
    assert [document[f"jiedu_{n}_url"] for n in (1, 2, 3)] == [
        "city/info/jd-sp.html", "east/info/jd-tj.html", "city/info/jd-wz.html"]
    assert filters("city/info/zc-2026-001.html")["政策解读"] == "有解读的文件"
    graphic = meta("east/info/jd-tj.html")
    assert graphic["yuanwen"] == "测试市最低生活保障办法" and graphic["yuanwen_url"] == "city/info/zc-2026-001.html"
    assert filters("east/info/jd-tj.html")["政策解读"] == "解读材料"
    assert soup(output, "search/index.html").select_one("select[data-filter='政策解读']") is not None


def test_the_api_gives_both_directions_and_validates(jiedu):
    _root, output = jiedu
    column = json.loads((output / "api/city/index.json").read_text(encoding="utf-8"))
    policy = next(p for p in column["policies"] if p["id"] == "zc-2026-001")
    assert [(i["column"], i["id"], i["form"]) for i in policy["interpretations"]] == [
        ("city", "jd-sp", "视频"), ("east", "jd-tj", "图解"), ("city", "jd-wz", "文字解读")]
    domain = json.loads((output / "api/east/shehui-jiuzhu.json").read_text(encoding="utf-8"))
    graphic = next(r for i in domain["items"] for r in i["records"] if r["id"] == "jd-tj")
    assert graphic["interprets"]["column"] == "city" and graphic["interpretation_form"] == "图解"
    assert graphic["interprets"]["url"].endswith("/gk/city/info/zc-2026-001.html")
    schemas = REPO / "generator/schemas"
    jsonschema.validate(column, json.loads((schemas / "api-column.schema.json").read_text(encoding="utf-8")))
    jsonschema.validate(domain, json.loads((schemas / "api-domain.schema.json").read_text(encoding="utf-8")))


def test_the_audit_reports_missing_and_late_interpretations(jiedu):
    root, output = jiedu
    findings = run_check(ProjectPaths.at(root, output, REPO / "themes"), CheckOptions(dt.date(2026, 3, 10)),
                         log=lambda _m: None)
    missing = sorted((f.page, f.source, f.line, f.severity) for f in findings if f.rule == "interpretation-missing")
    assert missing == [("city/info/zc-2026-009.html", "content/city/policies/more.yaml", 8, "error"),
                       ("city/info/zc-2026-010.html", "content/city/policies/more.yaml", 16, "error")]
    late = [f for f in findings if f.rule == "interpretation-late"]
    assert [(f.page, f.source, f.line, f.severity) for f in late] == [
        ("city/info/jd-sp.html", "content/city/records/jiedu/jd-sp.md", 5, "warning")]
    assert "晚 17 天" in late[0].message and "超过 10 天" in late[0].message


# --- bad input ---------------------------------------------------------------------------------------

BAD = [
    ("interprets: zc-1999-001\ninterpretation_form: 问答\n",
     "content/city/records/jiedu/bad.md:7: interprets 'zc-1999-001' names no document of column 'city' "
     "(expected the id of a document in content/city/policies/)"),
    ("interprets: jd-wz\ninterpretation_form: 问答\n",
     "content/city/records/jiedu/bad.md:7: interprets 'jd-wz' is not a policy document of column 'city' "
     "(expected the id of a document in content/city/policies/)"),
    ("interprets: bad\ninterpretation_form: 问答\n",
     "content/city/records/jiedu/bad.md:7: 'bad' interprets itself (expected the id of another policy document)"),
    ("interprets: zc-2026-001\ninterpretation_form: 漫画\n",
     "content/city/records/jiedu/bad.md:8: 'interpretation_form' (解读形式) is '漫画' "
     "(expected one of 文字解读 / 图解 / 问答 / 视频)"),
    ("interprets: zc-2026-001\n",
     "content/city/records/jiedu/bad.md:7: 'interprets' given without 'interpretation_form' (解读形式) "
     "(expected interpretation_form: 文字解读 / 图解 / 问答 / 视频)"),
    ("interpretation_form: 问答\n",
     "content/city/records/jiedu/bad.md:7: 'interpretation_form' given without 'interprets' "
     "(expected interprets: <the id of the policy document it interprets>)"),
    ("interprets: zc-2026-001\ninterpretation_form: 视频\n",
     "content/city/records/jiedu/bad.md:8: a 视频 interpretation has no 'video_url' "
     "(expected video_url: https://... (the page of the video, linked to, not embedded))"),
    ("interprets: zc-2026-001\ninterpretation_form: 问答\nvideo_url: https://www.example.gov.cn/v.html\n",
     "content/city/records/jiedu/bad.md:9: 'video_url' given on a record that is not a 视频 interpretation "
     "(expected video_url only with interpretation_form: 视频)"),
    ("interprets: zc-2026-001\ninterpretation_form: 图解\n",
     "content/city/records/jiedu/bad.md:8: a 图解 has no 'images' "
     "(expected images: a list of {file, alt}, each a picture in content/city/files/)"),
    ("interprets: zc-2026-001\ninterpretation_form: 图解\nimages:\n  - file: nope.png\n    alt: 图\n",
     "content/city/records/jiedu/bad.md:9: image 'nope.png' not found (expected a picture content/city/files/nope.png)"),
    ("interprets: zc-2026-001\ninterpretation_form: 图解\nimages:\n  - file: a.pdf\n    alt: 图\n",
     "content/city/records/jiedu/bad.md:10: image 'a.pdf' is not a picture "
     "(expected a file ending .svg .png .jpg .jpeg .gif .webp)"),
    ("interprets: zc-2026-001\ninterpretation_form: 图解\nimages:\n  - file: a.png\n",
     "content/city/records/jiedu/bad.md:10: missing 'alt' (图片说明(替代文本)) in image (expected text)"),
    ("interprets: west/zc-1\ninterpretation_form: 问答\n",
     "content/city/records/jiedu/bad.md:7: interprets 'west/zc-1': a column may interpret only its own "
     "documents and the city's (expected the id of a document in content/city/policies/)"),
    ("interprets: city/zc-2026-001/x\ninterpretation_form: 问答\n",
     "content/city/records/jiedu/bad.md:7: 'interprets' (所解读的文件) is 'city/zc-2026-001/x' (expected a document "
     "id (zc-2025-010), or <column>/<id> for another column's (changsha/zc-2025-010))"),
]


@pytest.fixture(scope="module")
def broken(tmp_path_factory, jiedu):
    """A copy of the built site with its output and build state (so each build is incremental),
    to break one file at a time."""
    root, output = jiedu
    copy = tmp_path_factory.mktemp("broken") / "project"
    shutil.copytree(root.parent, copy)
    assert (copy / ".output.build-state").is_dir()
    return copy / "site", copy / "output"


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("keys, message", BAD, ids=range(len(BAD)))
def test_bad_interpretations_name_file_line_and_what_is_expected(broken, keys, message):
    root, output = broken
    before = snapshot(output)
    path = root / "content/city/records/jiedu/bad.md"
    write(path, record_file("坏的解读", "dibao-zhinan", "2026-02-03", keys))
    try:
        with pytest.raises(BuildError) as exc:
            build_into(root, output)
    finally:
        path.unlink()
    assert [str(e) for e in exc.value.errors] == [message]
    assert snapshot(output) == before


def test_a_district_may_not_interpret_another_districts_document(broken):
    root, output = broken
    path = root / "content/east/records/jiedu/bad.md"
    write(path, record_file("坏的解读", "dibao-zhinan", "2026-02-03", "interprets: west/zc-1\ninterpretation_form: 问答\n"))
    try:
        with pytest.raises(BuildError) as exc:
            build_into(root, output)
    finally:
        path.unlink()
    assert [str(e) for e in exc.value.errors] == [
        "content/east/records/jiedu/bad.md:7: interprets 'west/zc-1': a column may interpret only its own documents "
        "and the city's (expected the id of a document in content/east/policies/, or city/<id> for a city document)"]


def test_a_document_deleted_under_its_interpretation_is_an_error_on_the_command_line(broken):
    """An incremental build: the interpretations did not change, their document did."""
    root, output = broken
    before = snapshot(output)
    path = root / "content/city/policies/zc.yaml"
    original = path.read_text(encoding="utf-8")
    path.write_text(original.replace("  - id: zc-2026-001\n", "  - id: zc-2026-051\n"), encoding="utf-8")
    try:
        done = subprocess.run([sys.executable, str(REPO / "build.py"), "--root", str(root), "--output", str(output),
                               "--themes", str(REPO / "themes"), "--quiet"], capture_output=True, text=True)
    finally:
        path.write_text(original, encoding="utf-8")
    assert done.returncode == 1 and "Traceback" not in done.stderr + done.stdout
    out = done.stdout + done.stderr
    for where in ("content/city/records/jiedu/jd-wz.md:7", "content/city/records/jiedu/jd-sp.md:7",
                  "content/east/records/jiedu/jd-tj.md:7"):
        assert f"{where}: interprets " in out
    assert snapshot(output) == before


# --- the default site --------------------------------------------------------------------------------

def interpretation_pages(site: Path) -> dict[str, str]:
    """Every interpretation page of the site -> the page of its 原文."""
    found = {}
    for page in sorted(site.glob("*/info/*.html")):
        link = soup(site, page.relative_to(site).as_posix()).select_one("main .original-link a[data-original]")
        if link is not None:
            found[page.relative_to(site).as_posix()] = (page.parent / link["href"]).resolve().relative_to(site).as_posix()
    return found


def test_the_default_site_pairs_documents_and_interpretations(default_site):
    pairs = interpretation_pages(default_site)
    assert len(pairs) >= 10 and len({p.split("/")[0] for p in pairs}) >= 5
    assert any(p.split("/")[0] != d.split("/")[0] for p, d in pairs.items())        # a district reads the city's
    forms = set()
    for page, document in pairs.items():
        box = soup(default_site, document).select_one("main section.interpretations")
        links = {((default_site / document).parent / a["href"]).resolve().relative_to(default_site).as_posix(): a
                 for a in box.select("li a")}
        assert page in links, f"{document} does not list {page}"
        forms.add(links[page].find_previous_sibling("span").get_text())
    assert forms == {"文字解读", "图解", "问答"}       # 视频 is tested on tests/sites (no made-up video address here)
    for page in pairs:
        for image in soup(default_site, page).select("main .gallery img"):
            assert len(image["alt"]) >= 10 and ((default_site / page).parent / image["src"]).is_file()
