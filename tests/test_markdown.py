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
