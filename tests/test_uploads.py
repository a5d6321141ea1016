"""A district's own files (static overrides, banners, attachments) are checked like content: what
could run on the site's origin is refused with the file, the line and the reason."""
from __future__ import annotations

import pytest

from conftest import build_into
from generator.uploads import ATTACHMENT, STATIC, check_upload
from test_bad_input import rebuild_errors

SVG_HEAD = '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 10 10">\n'
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def svg(body: str) -> bytes:
    return (SVG_HEAD + body + "\n</svg>\n").encode("utf-8")


def messages(place: str, name: str, data: bytes) -> list[str]:
    return [f"{r.line}: {r.message}" for r in check_upload(place, name, data)]


@pytest.mark.parametrize("body, expected", [
    ("<script>alert(1)</script>", "2: <script> element"),
    ('<rect onload="alert(1)" width="5" height="5"/>', "2: event-handler attribute onload"),
    ('<a xlink:href="javascript:alert(1)"><text>x</text></a>', "2: xlink:href=\"javascript:alert(1)\": a javascript: link"),
    ('<a href="java&#9;script:alert(1)"><text>x</text></a>', "a javascript: link"),
    ('<a href=" JAVASCRIPT:alert(1)"><text>x</text></a>', "a javascript: link"),
    ('<foreignObject width="9" height="9"><div xmlns="http://www.w3.org/1999/xhtml">x</div></foreignObject>',
     "2: <foreignObject> element"),
    ('<a href="data:text/html,&lt;script&gt;alert(1)&lt;/script&gt;"><text>x</text></a>', "a data: address"),
    ('<image href="https://example.com/x.png" width="5" height="5"/>', "a reference to another site"),
    ('<use href="//example.com/s.svg#a"/>', "a reference to another site"),
    ("<style>@import 'https://example.com/x.css';</style>", "in a style sheet: a reference to another site"),
    ('<rect style="fill: url(https://example.com/p.svg#g)" width="1" height="1"/>', "a reference to another site"),
    ('<a href="#x"><set attributeName="href" to="javascript:alert(1)"/></a>', "<set> that changes href"),
    ('<iframe src="x.html"/>', "<iframe> element"),
])
def test_svg_that_could_run_script_or_load_from_elsewhere_is_refused(body, expected):
    found = messages(STATIC, "banner.svg", svg(body))
    assert any(expected in m for m in found), found


def test_svg_parts_that_are_only_drawing_pass():
    body = ('<title>长沙市岳麓区基层政务公开专栏</title><defs><linearGradient id="g"><stop offset="0" stop-color="#b3121a"/>'
            '</linearGradient></defs><rect width="10" height="10" fill="url(#g)" style="opacity:.5"/>'
            '<use href="#g"/><image href="data:image/png;base64,iVBORw0KGgo=" width="1" height="1"/>'
            '<image href="logo.png" width="1" height="1"/><style>rect { fill: url(#g) }</style>'
            '<a href="../index.html"><text>首页</text></a>')
    doctype = b'<?xml version="1.0"?>\n<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" ' \
              b'"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">\n'
    assert check_upload(STATIC, "banner.svg", svg(body)) == []
    assert check_upload(STATIC, "banner.svg", doctype + svg(body)) == []


def test_svg_entities_html_in_disguise_and_broken_xml_are_refused():
    xxe = b'<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n' + svg("<text>&x;</text>")
    assert "entity declaration" in messages(STATIC, "a.svg", xxe)[0]
    assert "not an SVG image (its first element is <html>)" in messages(STATIC, "a.svg", b"<html><body>x</body></html>")[0]
    assert messages(STATIC, "a.svg", svg("<rect>"))[0].startswith("3: not well-formed SVG")


@pytest.mark.parametrize("place, name, data, expected", [
    (ATTACHMENT, "公告.html", b"<p>x</p>", "an HTML page (网页) cannot be published"),
    (ATTACHMENT, "公告.XHTML", b"<p>x</p>", "an HTML page (网页) cannot be published"),
    (ATTACHMENT, "data.xml", b"<a/>", "an XML file"),
    (ATTACHMENT, "banner.svgz", b"\x1f\x8b", "a compressed SVG"),
    (STATIC, "site.js", b"alert(1)", "a script"),
    (ATTACHMENT, "setup.exe", b"MZ\x90\x00", "a program or server script"),
    (ATTACHMENT, "申请表.pdf", b"MZ\x90\x00\x03", "the file is a program"),
    (ATTACHMENT, "photo.png", b"<html><script>alert(1)</script></html>", "not a PNG image (they look like an HTML/XML page)"),
    (STATIC, "logo.jpg", b"GIF89a", "not a JPEG image"),
    (ATTACHMENT, "名单.csv", b"\xef\xbb\xbf  <!DOCTYPE html><script>alert(1)</script>", "an HTML or XML page named '.csv'"),
    (STATIC, "fonts.woff2", b"<svg", "not a WOFF2 font"),
    (STATIC, "brand.pdf", b"%PDF-1.7", "a '.pdf' file cannot be published here"),
    (ATTACHMENT, "README", b"x", "a file without a type suffix"),
    (STATIC, "site.css", b"body{}\n.a{background:url('https://example.com/a.png')}", "2: url('https://example.com/a.png')"),
    (STATIC, "site.css", b".a{width:expression(alert(1))}", "'expression(' in a style sheet"),
])
def test_active_disguised_and_unknown_files_are_refused(place, name, data, expected):
    found = messages(place, name, data)
    assert any(expected in m for m in found), found


@pytest.mark.parametrize("place, name, data", [
    (STATIC, "banner.png", PNG), (STATIC, "site.css", b"body{background:url(bg.png) #fff}\n/* url(http://x) */"),
    (ATTACHMENT, "名单.csv", "姓名,地址\n张*,岳麓区\n".encode()), (ATTACHMENT, "办法.pdf", b"%PDF-1.4\n"),
    (ATTACHMENT, "表.xlsx", b"PK\x03\x04rest"), (ATTACHMENT, "表.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest"),
    (ATTACHMENT, "解读.mp4", b"\x00\x00\x00\x18ftypmp42"), (STATIC, "x.webp", b"RIFF\x00\x00\x00\x00WEBPVP8 "),
])
def test_ordinary_files_pass(place, name, data):
    assert check_upload(place, name, data) == []


# --- in a build -----------------------------------------------------------------------------------------

@pytest.fixture
def built(site_copy, tmp_path):
    from test_bad_input import snapshot
    output = tmp_path / "output"
    build_into(site_copy, output)
    return site_copy, output, snapshot(output)


def test_a_banner_with_script_stops_the_build_naming_file_line_and_element(built):
    root, output, before = built
    banner = root / "districts/east/static/banner.svg"
    text = banner.read_text(encoding="utf-8")
    banner.write_text(text.replace("</svg>", '<script>alert(document.cookie)</script>\n</svg>', 1), encoding="utf-8")
    errors = rebuild_errors(root, output, before)
    line = text[:text.rindex("</svg>")].count("\n") + 1
    assert errors == [f"districts/east/static/banner.svg:{line}: <script> element (it can run script or show a page "
                      "inside the image) (expected an SVG image with shapes, text and gradients only (no script, "
                      "event handler, foreignObject or outside link))"]
    assert "<script>" not in (output / "east/static/banner.svg").read_text(encoding="utf-8")


def test_an_html_attachment_and_a_script_override_stop_the_build(built):
    root, output, before = built
    (root / "content/east/files/通知.html").write_text("<script>alert(1)</script>", encoding="utf-8")
    (root / "districts/west/static/site.js").write_text("alert(1)", encoding="utf-8")
    errors = rebuild_errors(root, output, before)
    assert [e.split(":")[0] for e in errors] == ["content/east/files/通知.html", "districts/west/static/site.js"]  # sorted
    assert "an HTML page (网页) cannot be published" in errors[0] and "a script" in errors[1]


def test_a_refused_file_is_refused_again_until_it_is_fixed(built):
    root, output, before = built
    path = root / "content/east/files/photo-2.png"
    path.write_bytes(b"<html><script>alert(1)</script></html>")
    for _ in range(2):                                            # not remembered as checked
        rebuild_errors(root, output, before)
    path.write_bytes(PNG)
    build_into(root, output)
    assert (output / "east/files/photo-2.png").read_bytes() == PNG


def test_theme_scripts_are_the_webmasters_and_are_not_refused(site_copy, tmp_path):
    from generator.paths import ProjectPaths
    from generator.pipeline import build
    (site_copy / "themes/default/static/extra.js").write_text("console.log(1)", encoding="utf-8")
    build(ProjectPaths.at(site_copy, tmp_path / "out", site_copy / "themes"), log=lambda _m: None)
    assert (tmp_path / "out/static/extra.js").read_text(encoding="utf-8") == "console.log(1)"


def test_a_link_to_a_file_outside_the_project_is_refused(built, tmp_path):
    root, output, before = built
    secret = tmp_path / "secret.txt"
    secret.write_text("服务器上的文件", encoding="utf-8")
    (root / "content/east/files/名单.txt").symlink_to(secret)
    (root / "content/east/files/本项目内.txt").symlink_to(root / "content/east/files/dibao-q3.csv")
    errors = rebuild_errors(root, output, before)
    assert errors == ["content/east/files/名单.txt: a link to a file outside the project: it would publish that "
                      "file (expected the file itself, copied into the project)"]
