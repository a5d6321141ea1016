"""What a district may publish as a file of its own, checked like content.

A district's files (`districts/<column>/static/**`, `content/<column>/files/**`) are served from the
site's own origin: opened at its own address, an HTML page, an SVG with a script or a disguised
file would run with the site's authority. So, before anything is published:

- only the types a column needs are accepted (images, styles and fonts under static/; documents,
  data, archives, images and media under files/), and the active ones (HTML, XHTML, XML, SVGZ,
  JavaScript, Flash, executables, server scripts) are refused by name;
- a file's bytes must be what its name says (a PNG starts as a PNG; a CSV is not an HTML page),
  and no executable passes under any name;
- an SVG is parsed with defusedxml (no entity tricks, nothing fetched) and refused when it holds a
  script, an event handler, a `javascript:`/`data:` link, foreignObject or other embedded HTML, an
  external reference, an xml-stylesheet, or an animation that rewrites a link;
- a style sheet (a .css file, an SVG's <style> or style="") may not import or load anything from
  elsewhere.

The themes' files (`themes/<theme>/static/`) are the webmaster's and are not checked here.
Nothing is rewritten: a sanitiser that rewrites SVG changes what a district published (py-svg-hush
0.3.0 empties a Chinese aria-label), so a file is published as it is or refused with the reason.
"""
from __future__ import annotations

import re
import xml.sax
from dataclasses import dataclass
from io import BytesIO

import defusedxml
from defusedxml.expatreader import DefusedExpatParser

from .textcodec import UTF8_BOM, decode_utf8

STATIC, ATTACHMENT = "static", "attachment"

IMAGES = (".svg", ".png", ".jpg", ".jpeg", ".gif", ".webp", ".bmp", ".ico")
ALLOWED = {
    STATIC: IMAGES + (".css", ".woff", ".woff2", ".ttf", ".otf"),
    ATTACHMENT: IMAGES + (".pdf", ".ofd", ".doc", ".docx", ".wps", ".xls", ".xlsx", ".et", ".ppt", ".pptx",
                          ".dps", ".odt", ".ods", ".odp", ".rtf", ".txt", ".csv", ".tsv", ".json", ".md",
                          ".zip", ".rar", ".7z", ".mp3", ".mp4"),
}
ACTIVE = {
    "an HTML page (网页)": (".html", ".htm", ".shtml", ".xhtml", ".xht", ".mht", ".mhtml"),
    "an XML file (浏览器会执行其中的 XHTML 脚本和样式表)": (".xml", ".xsl", ".xslt"),
    "a compressed SVG (无法检查其中的脚本)": (".svgz",),
    "a script (脚本；栏目的脚本由主题提供)": (".js", ".mjs", ".cjs", ".swf", ".hta", ".vbs", ".vbe", ".wsf", ".ps1"),
    "a program or server script (可执行程序)": (".exe", ".com", ".bat", ".cmd", ".msi", ".scr", ".dll", ".jar",
                                               ".apk", ".sh", ".php", ".asp", ".aspx", ".jsp", ".cgi", ".pl",
                                               ".py", ".lnk"),
}
PLACES = {STATIC: "districts/<column>/static/", ATTACHMENT: "content/<column>/files/"}

ZIP, OLE = (b"PK\x03\x04", b"PK\x05\x06"), (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",)
SIGNATURES = {
    ".png": ("a PNG image", (b"\x89PNG\r\n\x1a\n",)), ".gif": ("a GIF image", (b"GIF87a", b"GIF89a")),
    ".jpg": ("a JPEG image", (b"\xff\xd8\xff",)), ".jpeg": ("a JPEG image", (b"\xff\xd8\xff",)),
    ".bmp": ("a BMP image", (b"BM",)), ".ico": ("an icon", (b"\x00\x00\x01\x00",)),
    ".pdf": ("a PDF document", (b"%PDF-",)), ".rtf": ("an RTF document", (b"{\\rtf",)),
    ".woff": ("a WOFF font", (b"wOFF",)), ".woff2": ("a WOFF2 font", (b"wOF2",)),
    ".ttf": ("a TrueType font", (b"\x00\x01\x00\x00", b"true")), ".otf": ("an OpenType font", (b"OTTO",)),
    ".rar": ("a RAR archive", (b"Rar!\x1a\x07",)), ".7z": ("a 7z archive", (b"7z\xbc\xaf\x27\x1c",)),
    ".mp3": ("an MP3 file", (b"ID3", b"\xff\xfb", b"\xff\xf3", b"\xff\xf2")),
    **{s: ("an Office/OFD document or archive", ZIP) for s in (".zip", ".docx", ".xlsx", ".pptx", ".ofd",
                                                               ".odt", ".ods", ".odp")},
    **{s: ("an Office document", OLE) for s in (".doc", ".xls", ".ppt")},
    **{s: ("a WPS document", ZIP + OLE) for s in (".wps", ".et", ".dps")},
}
EXECUTABLES = (b"MZ", b"\x7fELF", b"\xcf\xfa\xed\xfe", b"\xce\xfa\xed\xfe", b"\xfe\xed\xfa\xce", b"\xfe\xed\xfa\xcf",
               b"\xca\xfe\xba\xbe")
TEXT = (".txt", ".csv", ".tsv", ".json", ".md", ".css")
MARKUP_START = re.compile(rb"\s*<(?:!doctype|html|head|body|script|svg|\?xml|iframe|object|embed|meta)\b", re.I)


@dataclass(frozen=True)
class Refusal:
    line: int | None
    message: str
    expected: str


def check_upload(place: str, name: str, data: bytes) -> list[Refusal]:
    """Why the file `name` with these bytes may not be published at `place` (empty: it may)."""
    suffix = ("." + name.rsplit(".", 1)[1].lower()) if "." in name.strip(".") else ""
    allowed = ALLOWED[place]
    expected = f"one of {' '.join(allowed)} under {PLACES[place]}"
    for kind, suffixes in ACTIVE.items():
        if suffix in suffixes:
            return [Refusal(None, f"{kind} cannot be published as a district's file: opened at its own address "
                                  f"it would run on the site's origin", expected)]
    if suffix not in allowed:
        what = f"a '{suffix}' file" if suffix else "a file without a type suffix"
        return [Refusal(None, f"{what} cannot be published here", expected)]
    if data.startswith(EXECUTABLES):
        return [Refusal(None, "the file is a program (可执行程序), whatever its name says", expected)]
    if suffix in SIGNATURES:
        return signature_refusals(suffix, data)
    if suffix == ".webp":
        ok = data[:4] == b"RIFF" and data[8:12] == b"WEBP"
        return [] if ok else [mismatch("a WebP image", data)]
    if suffix == ".mp4":
        return [] if data[4:8] == b"ftyp" else [mismatch("an MP4 video", data)]
    if suffix == ".svg":
        return svg_refusals(data)
    if suffix in TEXT and MARKUP_START.match(data.lstrip(UTF8_BOM)):
        return [Refusal(1, f"the file is an HTML or XML page named '{suffix}'", f"{suffix[1:].upper()} text")]
    if suffix == ".css":
        return css_refusals(decode_utf8(data, errors="replace"), 1)
    return []


def signature_refusals(suffix: str, data: bytes) -> list[Refusal]:
    kind, starts = SIGNATURES[suffix]
    return [] if data.startswith(starts) else [mismatch(kind, data)]


def mismatch(kind: str, data: bytes) -> Refusal:
    looks = "an HTML/XML page" if MARKUP_START.match(data.lstrip(UTF8_BOM)) else "something else"
    return Refusal(None, f"the file's contents are not {kind} (they look like {looks})",
                   f"{kind}, saved by a program that makes that format")


# --- SVG ---------------------------------------------------------------------------------------------

SVG_NS, XLINK_NS, XHTML_NS = "http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink", "http://www.w3.org/1999/xhtml"
SVG_EXPECTED = "an SVG image with shapes, text and gradients only (no script, event handler, foreignObject or outside link)"
FORBIDDEN_ELEMENTS = {"script", "foreignobject", "iframe", "embed", "object", "handler", "listener"}
ANIMATIONS = {"set", "animate", "animatetransform", "animatemotion", "animatecolor"}


class SvgInspector(xml.sax.ContentHandler):
    """Notes every part of an SVG that could run script or load something from elsewhere."""

    def __init__(self):
        super().__init__()
        self.refusals: list[Refusal] = []
        self.locator = None
        self.depth = 0
        self.in_style = 0
        self.style_line = 0

    def setDocumentLocator(self, locator):
        self.locator = locator

    @property
    def line(self) -> int | None:
        return self.locator.getLineNumber() if self.locator is not None else None

    def refuse(self, message: str, line: int | None = None) -> None:
        self.refusals.append(Refusal(line or self.line, message, SVG_EXPECTED))

    def startElementNS(self, name, qname, attrs):
        uri, local = name
        local_l = local.lower()
        if self.depth == 0 and (uri, local) != (SVG_NS, "svg"):
            self.refuse(f"the file is not an SVG image (its first element is <{qname or local}>)")
        self.depth += 1
        if local_l in FORBIDDEN_ELEMENTS:
            self.refuse(f"<{local}> element (it can run script or show a page inside the image)")
        elif uri == XHTML_NS:
            self.refuse(f"HTML element <{local}> inside the SVG")
        if local_l == "style":
            self.in_style += 1
            self.style_line = self.line or 0
        for (attr_uri, attr_local), value in attrs.items():
            self.attribute(local_l, attr_uri, attr_local, value)

    def attribute(self, element: str, uri: str | None, local: str, value: str) -> None:
        low = local.lower()
        if low.startswith("on"):
            self.refuse(f"event-handler attribute {local}=\"…\" (it runs script)")
        elif low in ("href", "src") or (uri == XLINK_NS and low == "href"):
            problem = link_problem(value, image=element in ("image", "feimage"))
            if problem:
                shown_name = f"xlink:{local}" if uri == XLINK_NS else local
                self.refuse(f"{shown_name}=\"{short(value)}\": {problem}")
        elif low == "style":
            self.refusals += [Refusal(self.line, r.message, SVG_EXPECTED) for r in css_refusals(value, 1)]
        elif element in ANIMATIONS and low == "attributename" and (value.lower().endswith("href")
                                                                   or value.lower().startswith("on")):
            self.refuse(f"<{element}> that changes {value} (an animation can turn a link into a script)")
        elif element in ANIMATIONS and low in ("to", "from", "by", "values") and link_problem(value):
            self.refuse(f"<{element}> {local}=\"{short(value)}\": {link_problem(value)}")

    def endElementNS(self, name, qname):
        self.depth -= 1
        if name[1].lower() == "style":
            self.in_style -= 1

    def characters(self, content):
        if self.in_style:
            self.refusals += [Refusal(self.line, r.message, SVG_EXPECTED) for r in css_refusals(content, 1)]

    def processingInstruction(self, target, data):
        if target.lower() == "xml-stylesheet":
            self.refuse("<?xml-stylesheet?> (a style sheet or XSLT from elsewhere can run script)")


def svg_refusals(data: bytes) -> list[Refusal]:
    inspector = SvgInspector()
    # No entity declarations; a DOCTYPE naming the SVG 1.1 DTD is fine (nothing is ever fetched).
    parser = DefusedExpatParser(forbid_dtd=False, forbid_entities=True, forbid_external=False)
    parser.setFeature(xml.sax.handler.feature_namespaces, True)
    parser.setFeature(xml.sax.handler.feature_external_ges, False)
    parser.setFeature(xml.sax.handler.feature_external_pes, False)
    parser.setContentHandler(inspector)
    try:
        source = xml.sax.xmlreader.InputSource()
        source.setByteStream(BytesIO(data))
        parser.parse(source)
    except xml.sax.SAXParseException as exc:
        return inspector.refusals + [Refusal(exc.getLineNumber(), f"not well-formed SVG: {exc.getMessage()}",
                                             "an SVG file as a drawing program saves it")]
    except defusedxml.EntitiesForbidden:
        return [Refusal(inspector.line, "an entity declaration (<!ENTITY>): it can hide content or swell the file",
                        "the image saved again as plain SVG (纯 SVG / 'SVG 1.1' without a DTD)")]
    except defusedxml.DefusedXmlException as exc:
        return [Refusal(inspector.line, f"a reference to an outside file in the document type ({exc})", SVG_EXPECTED)]
    return dedupe(inspector.refusals)


def dedupe(refusals: list[Refusal]) -> list[Refusal]:
    return list(dict.fromkeys(refusals))


# --- links and style sheets ----------------------------------------------------------------------------

SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):")
INVISIBLE = re.compile(r"[\x00-\x20\x7f]+")


RASTER_DATA = re.compile(r"^data:image/(png|jpeg|gif|webp)[;,]")


def link_problem(value: str, image: bool = False) -> str | None:
    """Why a link in an uploaded file is not allowed (None: it points into the same site). Where
    the target can only be shown as a picture (`image`), an embedded raster image is fine."""
    target = INVISIBLE.sub("", value).lower()     # browsers ignore these inside "java\tscript:"
    if not target or target.startswith("#") or (image and RASTER_DATA.match(target)):
        return None
    scheme = SCHEME.match(target)
    if scheme and scheme.group(1) in ("javascript", "vbscript", "livescript"):
        return f"a {scheme.group(1)}: link (it runs script)"
    if scheme and scheme.group(1) == "data":
        return "a data: address (it can hold a page or a script)"
    if scheme or target.startswith("//") or target.startswith("\\\\"):
        return "a reference to another site (the site loads nothing from elsewhere)"
    return None


CSS_URL = re.compile(r"(?:url\(\s*(['\"]?)(.*?)\1\s*\)|@import\s+(['\"])(.*?)\3)", re.I | re.S)
CSS_ACTIVE = re.compile(r"expression\s*\(|javascript:|-moz-binding|behavior\s*:", re.I)


def css_refusals(text: str, first_line: int) -> list[Refusal]:
    expected = "styles that use only this site's own files"
    found = []
    without_comments = re.sub(r"/\*.*?\*/", lambda m: re.sub(r"[^\n]", " ", m.group()), text, flags=re.S)
    for match in CSS_ACTIVE.finditer(without_comments):
        line = first_line + without_comments.count("\n", 0, match.start())
        found.append(Refusal(line, f"'{match.group().strip()}' in a style sheet (it loads or runs something)",
                             expected))
    for match in CSS_URL.finditer(without_comments):
        target = match.group(2) if match.group(2) is not None else match.group(4)
        problem = link_problem(target, image=True)
        if problem:
            line = first_line + without_comments.count("\n", 0, match.start())
            found.append(Refusal(line, f"{short(match.group())} in a style sheet: {problem}", expected))
    return found


def short(value: str, limit: int = 60) -> str:
    value = " ".join(value.split())
    return value if len(value) <= limit else value[:limit] + "…"
