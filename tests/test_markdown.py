from bs4 import BeautifulSoup

from generator.markdown import to_html


def parsed(source: str) -> BeautifulSoup:
    return BeautifulSoup(to_html(source), "html.parser")


def test_scripts_handlers_and_javascript_links_are_removed():
    html = to_html('<script>alert(1)</script>\n\n<a href="javascript:alert(1)" onclick="x()">点</a>'
                   '<img src="a.png" onerror="x()" alt="图">')
    assert "<script" not in html and "alert" not in html
    assert "onclick" not in html and "onerror" not in html and "javascript:" not in html


def test_tables_images_links_and_headings_survive():
    doc = parsed("## 标题\n\n| 姓名 | 人数 |\n|---|---|\n| 张*明 | 3 |\n\n"
                 "![现场](photo.png)\n\n[政策](https://www.gov.cn/zhengce/)")
    assert doc.find("h2").text == "标题"
    assert doc.find("table").find_all("td")[0].text == "张*明"
    assert doc.find("img")["src"] == "photo.png" and doc.find("img")["alt"] == "现场"
    assert doc.find("a")["href"] == "https://www.gov.cn/zhengce/"


def test_level_one_heading_is_demoted():
    assert parsed("# 公告").find("h1") is None


def test_relative_links_and_images_point_into_the_files_folder():
    doc = BeautifulSoup(to_html("![图](photo.png) [名单](list.csv) [外](https://x.cn/a) [锚](#a)", "../files/"),
                        "html.parser")
    assert doc.find("img")["src"] == "../files/photo.png"
    assert [a["href"] for a in doc.find_all("a")] == ["../files/list.csv", "https://x.cn/a", "#a"]


def test_footnotes_link_both_ways_in_chinese_and_keep_no_other_ids_or_classes():
    doc = parsed("依据有关规定[^1]。\n\n[^1]: 国办发〔2019〕54号。\n\n"
                 '<a id="main" class="x" aria-label="y" href="#main">跳</a>')
    ref = doc.find("sup", class_="footnote-ref").find("a")
    note = doc.find("section", class_="footnotes").find("li")
    assert ref["href"] == "#" + note["id"] and "国办发〔2019〕54号" in note.text
    back = note.find("a", class_="footnote-backref")
    assert back["href"] == "#" + ref["id"] and back["aria-label"] == "返回正文"
    smuggled = doc.find("a", string="跳")
    assert not smuggled.get("id") and not smuggled.get("class") and not smuggled.get("aria-label")


def test_a_list_right_after_its_paragraph_and_bare_addresses():
    doc = parsed("申请材料如下：\n- 身份证\n- 户口簿\n\n详见 https://www.changsha.gov.cn/zfxxgk/ 。")
    assert [li.text for li in doc.find_all("li")] == ["身份证", "户口簿"]
    assert doc.find("a")["href"] == "https://www.changsha.gov.cn/zfxxgk/"
