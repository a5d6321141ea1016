"""One code per page (一码获取): every page's inline QR code decodes, with an independent decoder
(zxing-cpp's reader), to the page's canonical address; the cache never encodes an address twice."""
from __future__ import annotations

import io
import re
import shutil
import sqlite3
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image, ImageDraw

from conftest import build_into, soup
from generator.qr import QrCodes
from site_checks import html_pages

CANONICAL = re.compile(r'<link rel="canonical" href="([^"]+)"')
PAGE_QR = re.compile(r'<aside class="page-qr[^"]*"[^>]*>.*?(<svg\b.*?</svg>)', re.S)
VIEWBOX = re.compile(r'viewBox="0 0 (\d+) (\d+)"', re.I)
DARK_PATH = re.compile(r'<path[^>]*\bfill="#000"[^>]*\bd="([^"]+)"|<path[^>]*\bd="([^"]+)"[^>]*\bfill="#000"')
TOKEN = re.compile(r"[MmHhVvZz]|-?\d+(?:\.\d+)?")
SCALE = 4


def subpaths(d: str) -> list[list[tuple[float, float]]]:
    """Vertices of each closed sub-path of an SVG path made of M/H/V/Z commands (absolute or relative)."""
    shapes, points, x, y, command = [], [], 0.0, 0.0, ""
    tokens = TOKEN.findall(d)
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token.isalpha():
            command, i = token, i + 1
            if command in "Zz":
                shapes.append(points)
                points = []
            continue
        value = float(token)
        if command in "Mm":
            nx = float(tokens[i + 1])
            x, y = (value, nx) if command == "M" else (x + value, y + nx)
            points = [(x, y)]
            i += 2
            continue
        if command == "H":
            x = value
        elif command == "h":
            x += value
        elif command == "V":
            y = value
        elif command == "v":
            y += value
        else:
            raise ValueError(f"unsupported path command {command!r}")
        points.append((x, y))
        i += 1
    if points:
        shapes.append(points)
    return shapes


def rasterise(svg: str) -> Image.Image:
    """The SVG's dark path drawn on white, SCALE pixels per module (plus a white margin)."""
    size = int(VIEWBOX.search(svg).group(1))
    match = DARK_PATH.search(svg)
    d = match.group(1) or match.group(2)
    image = Image.new("L", ((size + 8) * SCALE,) * 2, 255)
    draw = ImageDraw.Draw(image)
    offset = 4 * SCALE
    for shape in subpaths(d):
        xs, ys = [p[0] for p in shape], [p[1] for p in shape]
        if len(set(xs)) == 2 and len(set(ys)) == 2:   # a rectangle: fill exactly its modules
            draw.rectangle([min(xs) * SCALE + offset, min(ys) * SCALE + offset,
                            max(xs) * SCALE + offset - 1, max(ys) * SCALE + offset - 1], fill=0)
        else:
            draw.polygon([(px * SCALE + offset, py * SCALE + offset) for px, py in shape], fill=0)
    return image


def decode(image: Image.Image) -> str | None:
    found = zxingcpp.read_barcode(image, formats=zxingcpp.BarcodeFormat.QRCode)
    return found.text if found else None


def page_codes(output: Path) -> dict[str, tuple[str, str | None]]:
    """page → (canonical address, the page QR's SVG or None)."""
    codes = {}
    for page in html_pages(output):
        text = (output / page).read_text(encoding="utf-8")
        canonical = CANONICAL.search(text).group(1)
        qr = PAGE_QR.search(text)
        codes[page] = (canonical, qr.group(1) if qr else None)
    return codes


def test_every_page_qr_decodes_to_its_canonical_address(default_site):
    codes = page_codes(default_site)
    assert len(codes) > 5000
    missing = [page for page, (_, svg) in codes.items() if svg is None and page != "404.html"]
    assert missing == []
    assert codes["404.html"][1] is None          # the 404 page has no address of its own
    wrong = []
    decoded: dict[str, str | None] = {}           # each distinct code decoded once
    for page, (canonical, svg) in codes.items():
        if svg is None:
            continue
        if svg not in decoded:
            decoded[svg] = decode(rasterise(svg))
        if decoded[svg] != canonical:
            wrong.append((page, canonical, decoded[svg]))
    assert wrong == []
    assert len(decoded) == len(codes) - 1          # every page's address is different, so is every code


def test_basic_site_qr_codes_use_its_base_url_and_sub_path(basic_site):
    for page, (canonical, svg) in page_codes(basic_site).items():
        if svg:
            assert canonical.startswith("https://www.example.gov.cn/gk/")
            assert decode(rasterise(svg)) == canonical, page


def test_qr_is_inline_with_caption_and_no_request(default_site):
    doc = soup(default_site, "furong/info/index.html")
    aside = doc.select_one("aside.page-qr")
    assert aside.find("svg", class_="qr-code") and not aside.find("img")
    assert "扫一扫在手机上查看" in aside.get_text()
    assert aside.select_one(".qr-url").text == doc.find("link", rel="canonical")["href"]


def test_qr_poster_per_column_linked_from_its_home(default_site):
    home = soup(default_site, "yuelu/index.html")
    assert home.find("a", href="qr-poster.html")
    poster = soup(default_site, "yuelu/qr-poster.html")
    sheets = poster.select(".poster-sheet")
    domains = [a for a in home.select(".tiles a")]
    assert len(sheets) == 1 + len(domains)
    assert sheets[0].select_one(".poster-title").text == "岳麓区基层政务公开专栏"
    for sheet in sheets:
        url = sheet.select_one(".poster-url").text
        assert decode(rasterise(str(sheet.select_one("svg")))) == url
    base = sheets[0].select_one(".poster-url").text
    assert base.endswith("/yuelu/")
    assert {s.select_one(".poster-url").text.removeprefix(base) for s in sheets[1:]} == \
        {a["href"].removesuffix("index.html") for a in domains}
    css = (default_site / "static" / "site.css").read_text(encoding="utf-8")
    assert "@page { size: A4; }" in css and "break-after: page" in css


# --- the cache ------------------------------------------------------------------------------------

def test_cache_encodes_each_address_once_across_builds(tmp_path):
    urls = [f"https://www.example.gov.cn/gk/c/info/{n}.html" for n in range(40)]
    first = QrCodes(tmp_path / "qr")
    svgs = [first.svg(u) for u in urls]
    assert (first.encoded, first.reused) == (40, 0)
    first.save()
    second = QrCodes(tmp_path / "qr")
    assert [second.svg(u) for u in urls] == svgs
    assert (second.encoded, second.reused) == (0, 40)


def test_corrupt_cache_entries_are_discarded(tmp_path):
    url, other = "https://www.example.gov.cn/gk/a.html", "https://www.example.gov.cn/gk/b.html"
    cache = QrCodes(tmp_path)
    good = cache.svg(url)
    cache.svg(other)
    cache.save()
    with sqlite3.connect(tmp_path / "codes.sqlite") as db:
        db.execute("UPDATE codes SET path = ? WHERE url = ?", ("<script>alert(1)</script>", other))
    again = QrCodes(tmp_path)
    assert again.svg(url) == good and again.encoded == 0
    assert "script" not in again.svg(other) and again.encoded == 1
    again.save()
    assert QrCodes(tmp_path).svg(other) == again.svg(other)


def test_a_cache_that_is_not_a_database_is_made_again(tmp_path):
    url = "https://www.example.gov.cn/gk/a.html"
    cache = QrCodes(tmp_path)
    good = cache.svg(url)
    cache.save()
    cache.close()
    (tmp_path / "codes.sqlite").write_bytes(b"not a database" * 500)
    again = QrCodes(tmp_path)
    assert again.svg(url) == good and again.encoded == 1
    again.save()
    third = QrCodes(tmp_path)
    assert third.svg(url) == good and third.encoded == 0


def test_a_build_that_renders_every_page_keeps_only_the_codes_it_used(tmp_path):
    urls = [f"https://www.example.gov.cn/gk/{n}.html" for n in range(5)]
    cache = QrCodes(tmp_path)
    for u in urls:
        cache.svg(u)
    cache.save()
    again = QrCodes(tmp_path)
    again.svg(urls[0])
    again.save(prune=True)
    with sqlite3.connect(tmp_path / "codes.sqlite") as db:
        assert [row[0] for row in db.execute("SELECT url FROM codes")] == [urls[0]]


def test_build_reuses_the_cache(site_copy, tmp_path):
    lines: list[str] = []
    from generator.paths import ProjectPaths
    from generator.pipeline import BuildOptions, build
    shutil.rmtree(site_copy / ".build-cache", ignore_errors=True)     # start with no cache
    paths = ProjectPaths.at(site_copy, tmp_path / "out", Path(__file__).resolve().parent.parent / "themes")
    build(paths, log=lines.append)
    build(paths, log=lines.append, options=BuildOptions(progress=False, clean=True))   # every page rendered again
    qr_lines = [line.split("; ")[-1] for line in lines if "qr:" in line]
    assert qr_lines[0].startswith("qr: ") and not qr_lines[0].startswith("qr: 0 ")
    assert qr_lines[1].startswith("qr: 0 codes encoded")
    assert (site_copy / ".build-cache" / "qr").is_dir()
    assert not (tmp_path / "out" / ".build-cache").exists()


# --- a real browser's rendering -------------------------------------------------------------------

@pytest.mark.parametrize("page_path", ["", "changsha/", "furong/info/", "search/", "yuelu/zhengdi-buchang/"])
def test_code_rendered_by_chromium_scans(page, default_site_url, default_site, page_path):
    page.set_viewport_size({"width": 1024, "height": 900})
    page.goto(default_site_url + page_path)
    shot = page.locator("aside.page-qr svg").screenshot()
    expected = CANONICAL.search((default_site / (page_path + "index.html")).read_text(encoding="utf-8")).group(1)
    assert decode(Image.open(io.BytesIO(shot))) == expected


def test_printed_poster_codes_scan(page, default_site_url):
    page.goto(default_site_url + "kaifu/qr-poster.html")
    page.emulate_media(media="print")
    codes = page.locator(".poster-sheet svg")
    urls = page.locator(".poster-url").all_inner_texts()
    for n in (0, codes.count() - 1):
        shot = codes.nth(n).screenshot()
        assert decode(Image.open(io.BytesIO(shot))) == urls[n]
    assert page.locator(".page-qr").is_hidden() and page.locator(".site-footer").is_hidden()


def test_a_cache_of_another_version_is_started_afresh(tmp_path):
    with sqlite3.connect(tmp_path / "codes.sqlite") as db:
        db.execute("CREATE TABLE codes (url TEXT PRIMARY KEY, size INTEGER, path TEXT)")
        db.execute("INSERT INTO codes VALUES ('https://www.example.gov.cn/gk/a.html', 25, 'M0 0h1v1h-1z')")
        db.execute("PRAGMA user_version = 1")
    cache = QrCodes(tmp_path)
    cache.svg("https://www.example.gov.cn/gk/a.html")
    assert cache.encoded == 1
    cache.save()
    assert QrCodes(tmp_path).svg("https://www.example.gov.cn/gk/a.html") == cache.svg("https://www.example.gov.cn/gk/a.html")


def row_by_row_runs(pixels: bytes, size: int) -> str:
    """The path data as the encoder first wrote it, one row at a time (the reference)."""
    rows = (pixels[y * size:(y + 1) * size] for y in range(size))
    return "".join(f"M{m.start()} {y}h{len(m[0])}v1h-{len(m[0])}z"
                   for y, row in enumerate(rows) for m in re.finditer(rb"\x00+", row))


def test_dark_runs_of_the_whole_image_match_the_rows_one_by_one():
    import random
    from generator.qr import QrError, dark_runs
    rng = random.Random(7)
    for size in (21, 29, 45, 57):
        inner = size - 2
        for _ in range(30):
            rows = [b"\xff" + bytes(rng.choice((0, 255)) for _ in range(inner)) + b"\xff" for _ in range(size)]
            pixels = b"".join(rows)
            assert dark_runs(pixels, size) == row_by_row_runs(pixels, size)
    with pytest.raises(QrError):                       # a run would cross into the next row
        dark_runs(b"\x00" * 21 * 21, 21)
