"""Parsed documents → validated model objects, one document at a time. Every problem is collected;
none stops the others. Checks that span files are in references.py."""
from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from . import schema as s
from .errors import ErrorList
from .load import Document
from .precompress import formats_of
from .model import (INTERPRETATION_FORMS, Attachment, ColumnConfig, Domain, Footer, Image, Item, Record, SiteConfig,
                    Source, Subcolumn, Topic, Township, interpreted_key)
from .schema import Field, read_fields
from .yamlsource import SourceList, SourceMap

# Folder names inside a column's output; a domain may not take one of them as its slug.
RESERVED_SLUGS = {"info", "town", "policies", "topics", "static", "files", "search", "api"}

FOOTER_FIELDS = [
    Field("organizer", "主办单位", s.text), Field("contact", "联系方式", s.text),
    Field("site_code", "网站标识码", s.text), Field("icp", "ICP备案号", s.text),
    Field("psb", "公安机关备案号", s.text), Field("psb_url", "公安备案链接", s.http_url, False),
    Field("dzjg_url", "党政机关网站标识链接", s.http_url, False),
    Field("error_report_url", "我为政府网站找错", s.http_url),
]
SITE_FIELDS = [
    Field("site_name", "网站名称", s.text), Field("city", "城市", lambda v: v),
    Field("base_url", "网站域名", s.http_url), Field("base_path", "子路径", s.text, False, "/"),
    Field("service_platform", "政务服务平台地址", s.http_url),
    Field("page_size", "每页条数", s.positive_int, False, 20), Field("footer", "页脚标识", lambda v: v),
    Field("map", "首页地图", lambda v: v, False),
    Field("precompress", "预压缩副本", lambda v: precompress_formats(v), False, ()),
    Field("interpretation", "政策解读检查", lambda v: v, False),
]
INTERPRETATION_SETTINGS = [Field("categories", "需要解读的主题分类", s.list_of(s.text), False, ()),
                           Field("max_delay_days", "解读晚于原文的天数上限", s.positive_int, False, 5)]
MAP_FIELDS = [Field("tiles", "地图瓦片地址", s.http_url), Field("attribution", "瓦片版权说明", s.text)]
CITY_FIELDS = [Field("name", "城市名称", s.text), Field("adcode", "行政区划代码", s.adcode),
               Field("column", "市级专栏", s.slug)]
DOMAIN_FIELDS = [Field("slug", "领域标识", s.slug), Field("name", "领域名称", s.text),
                 Field("description", "领域说明", s.text), Field("order", "排序", s.positive_int)]
COLUMN_FIELDS = [
    Field("name", "名称", s.text), Field("adcode", "行政区划代码", s.adcode),
    Field("level", "层级", s.one_of("city", "district")),
    Field("description", "栏目描述", s.text), Field("keywords", "栏目关键词", s.list_of(s.text)),
    Field("theme", "主题", s.slug, False, "default"), Field("banner", "banner 图", s.file_name),
    Field("colors", "配色", lambda v: v, False),
    Field("organizer", "主办单位", s.text, False), Field("contact", "联系方式", s.text, False),
]
COLOR_FIELDS = [Field("primary", "主色", s.color), Field("accent", "辅色", s.color)]
ITEM_FIELDS = [
    Field("id", "事项标识", s.slug), Field("level1", "一级事项", s.text), Field("level2", "二级事项", s.text),
    Field("elements", "公开内容(要素)", s.text), Field("basis", "公开依据", s.text),
    Field("time_limit", "公开时限", s.text), Field("subject", "公开主体", s.text),
    Field("channels", "公开渠道和载体", s.list_of(s.text)),
    Field("audience", "公开对象", s.one_of("全社会", "特定群众")),
    Field("mode", "公开方式", s.one_of("主动", "依申请")),
    Field("levels", "公开层级", s.list_of(s.one_of("市级", "区县级", "乡镇级"))),
    Field("type", "事项类型", s.one_of("政务服务事项", "非政务服务事项")),
    Field("service", "对应政务服务事项", lambda v: v, False),
]
SERVICE_FIELDS = [Field("name", "对应政务服务事项名称", s.text), Field("path", "办事地址路径", s.text, False),
                  Field("url", "办事地址", s.http_url, False)]
RECORD_FIELDS = [
    Field("id", "信息标识", s.slug), Field("title", "标题", s.text),
    Field("written", "成文日期", s.date), Field("published", "发布日期", s.date),
    Field("publisher", "发布机构", s.text), Field("index_no", "索引号", s.text, False),
    Field("doc_no", "文号", s.text, False), Field("category", "主题分类", s.text, False),
    Field("attachments", "附件", lambda v: v, False, ()), Field("body", "正文", s.text, False),
    Field("privacy_exception", "个人信息公开依据", s.text, False),
]
# A record or a policy document may be the interpretation (政策解读) of a policy document.
INTERPRETATION_FIELDS = [
    Field("interprets", "所解读的文件", s.record_reference, False),
    Field("interpretation_form", "解读形式", s.one_of(*INTERPRETATION_FORMS), False),
    Field("video_url", "视频地址", s.http_url, False), Field("images", "图解图片", lambda v: v, False, ()),
]
RECORD_KIND_FIELDS = {
    "record": [Field("item", "所属事项", s.slug), Field("township", "所属乡镇(街道)", s.slug, False),
               *INTERPRETATION_FIELDS],
    "policy": [Field("item", "所属事项", s.slug, False), Field("validity", "效力状态",
               s.one_of("有效", "失效", "废止", "修改")), Field("replaced_by", "新文件", s.slug, False),
               Field("needs_interpretation", "需要政策解读", s.flag, False), *INTERPRETATION_FIELDS],
    "topic": [Field("subcolumn", "子栏目", s.slug)],
}
IMAGE_FIELDS = [Field("file", "图片文件", s.file_name), Field("alt", "图片说明(替代文本)", s.text)]
IMAGE_TYPES = (".svg", ".png", ".jpg", ".jpeg", ".gif", ".webp")
ATTACHMENT_FIELDS = [Field("title", "附件名称", s.text), Field("href", "附件文件", s.text)]
TOWNSHIP_FIELDS = [
    Field("slug", "乡镇标识", s.slug), Field("name", "乡镇(街道)名称", s.text), Field("code", "区划代码", s.adcode),
    Field("exclude_domains", "不适用领域", s.list_of(s.slug), False, ()),
    Field("exclude_items", "不适用事项", s.list_of(s.slug), False, ()),
]
TOPIC_FIELDS = [Field("name", "专题名称", s.text), Field("description", "专题说明", s.text),
                Field("subcolumns", "子栏目", lambda v: v)]
SUBCOLUMN_FIELDS = [Field("slug", "子栏目标识", s.slug), Field("name", "子栏目名称", s.text)]


# --- site, domains, columns -------------------------------------------------------------

def site_config(doc: Document | None, errors: ErrorList) -> SiteConfig | None:
    if doc is None:
        return None
    what = "site.yaml"
    values = read_fields(doc.data, SITE_FIELDS, doc.path, errors, what)
    if values is None:
        return None
    city = read_fields(values["city"], CITY_FIELDS, doc.path, errors, "city", doc.data.line_of("city"))
    footer = read_fields(values["footer"], FOOTER_FIELDS, doc.path, errors, "footer", doc.data.line_of("footer"))
    if city is None or footer is None or None in (values["site_name"], values["base_url"]):
        return None
    base_path = "/" + values["base_path"].strip("/") + "/" if values["base_path"].strip("/") else "/"
    return SiteConfig(values["site_name"], city["name"], city["adcode"], city["column"],
                      values["base_url"], base_path, values["service_platform"], values["page_size"],
                      Footer(**footer), *map_options(doc, values["map"], errors), values["precompress"],
                      *interpretation_options(doc, values["interpretation"], errors))


def precompress_formats(value: Any) -> tuple[str, ...]:
    try:
        return formats_of(value)
    except ValueError as exc:
        raise s.Invalid(str(exc)) from None


def map_options(doc: Document, value, errors: ErrorList) -> tuple[str | None, str | None]:
    """The optional `map:` section: a tile URL template and its attribution, both or neither."""
    if value is None:
        return None, None
    options = read_fields(value, MAP_FIELDS, doc.path, errors, "map", doc.data.line_of("map"))
    return (options["tiles"], options["attribution"]) if options else (None, None)


def interpretation_options(doc: Document, value, errors: ErrorList) -> tuple[tuple[str, ...], int]:
    """The optional `interpretation:` section: which 主题分类 need a 政策解读, and how many days
    after its document an interpretation may come (both read by the audit)."""
    defaults = ((), INTERPRETATION_SETTINGS[1].default)
    if value is None:
        return defaults
    options = read_fields(value, INTERPRETATION_SETTINGS, doc.path, errors, "interpretation",
                          doc.data.line_of("interpretation"))
    return (options["categories"], options["max_delay_days"]) if options else defaults


def domain_list(doc: Document | None, errors: ErrorList) -> tuple[Domain, ...]:
    entries = list_under(doc, "domains", errors)
    domains: list[Domain] = []
    seen: dict[str, int | None] = {}
    for entry, line in entries:
        values = read_fields(entry, DOMAIN_FIELDS, doc.path, errors, "domain", line)
        if not values or None in values.values():
            continue
        if values["slug"] in RESERVED_SLUGS:
            errors.add(doc.path, entry.line_of("slug"), f"domain slug '{values['slug']}' is reserved",
                       "a slug other than " + ", ".join(sorted(RESERVED_SLUGS)))
        if check_unique(values["slug"], seen, doc.path, entry.line_of("slug"), "domain slug", errors):
            domains.append(Domain(**values))
    return tuple(sorted(domains, key=lambda d: (d.order, d.slug)))


def column_config(doc: Document | None, slug: str, static_files: set[str], errors: ErrorList) -> ColumnConfig | None:
    """districts/<slug>/column.yaml; `static_files` are the names under districts/<slug>/static/."""
    if doc is None:
        return None
    values = read_fields(doc.data, COLUMN_FIELDS, doc.path, errors, "column.yaml")
    if values is None:
        return None
    colors = values["colors"] or {}
    if colors:
        colors = read_fields(colors, COLOR_FIELDS, doc.path, errors, "colors", doc.data.line_of("colors")) or {}
    if values["banner"] and values["banner"] not in static_files:
        errors.add(doc.path, doc.data.line_of("banner"), f"banner '{values['banner']}' not found",
                   f"a file districts/{slug}/static/{values['banner']}")
    if None in (values["name"], values["adcode"], values["level"], values["description"]):
        return None
    return ColumnConfig(slug, values["name"], values["adcode"], values["level"],
                        values["description"], values["keywords"] or (), values["theme"],
                        values["banner"] or "", colors.get("primary") or "#b3121a",
                        colors.get("accent") or "#d4a017", f"districts/{slug}",
                        values["organizer"], values["contact"])


# --- one source file's content (each function reads one document; `key` is its project path) ---

def catalogue_items(doc: Document, key: str, column: str, domain: str, service_platform: str,
                    errors: ErrorList) -> list[Item]:
    items = []
    for entry, line in list_under(doc, "items", errors):
        values = read_fields(entry, ITEM_FIELDS, doc.path, errors, "catalogue item", line)
        if values is None or None in (values["id"], values["level1"], values["level2"]):
            continue
        name, url = service_of(values, entry, doc.path, service_platform, errors)
        values = {k: v for k, v in values.items() if k != "service"}
        items.append(Item(column=column, domain=domain, service_name=name, service_url=url,
                          source=Source(key, entry.line, tuple(entry.key_lines.items())), **values))
    return items


def service_of(values: dict, entry: SourceMap, path: Path, base: str,
               errors: ErrorList) -> tuple[str | None, str | None]:
    service = values["service"]
    if values["type"] != "政务服务事项":
        if service:
            errors.add(path, entry.line_of("service"), "'service' given for a 非政务服务事项",
                       "service only on items whose type is 政务服务事项")
        return None, None
    if not service:
        errors.add(path, entry.line, f"service item '{values['id']}' has no 'service'",
                   "service: {name: ..., path: ...} for 政务服务事项")
        return None, None
    found = read_fields(service, SERVICE_FIELDS, path, errors, "service", entry.line_of("service"))
    if not found:
        return None, None
    if not found["url"] and not found["path"]:
        errors.add(path, service.line, "service has neither 'path' nor 'url'",
                   "path: /... on the service platform, or url: https://...")
    url = found["url"] or (base + "/" + found["path"].lstrip("/") if found["path"] else None)
    return found["name"], url


def records_in(doc: Document, key: str, column: str, kind: str, topic: str | None, adcode: str,
               errors: ErrorList) -> list[Record]:
    """The records of one Markdown or bulk YAML file; `adcode` is the column's, for 索引号."""
    if doc.body is not None:
        entries = [(doc.data, doc.data.line if isinstance(doc.data, SourceMap) else 1)]
    else:
        entries = list_under(doc, "records", errors)
    records = []
    for entry, line in entries:
        record = record_of(entry, line, doc, key, column, kind, topic, adcode, errors)
        if record is not None:
            records.append(record)
    return records


def record_of(entry: Any, line: int | None, doc: Document, key: str, column: str, kind: str,
              topic: str | None, adcode: str, errors: ErrorList) -> Record | None:
    fields = RECORD_FIELDS + RECORD_KIND_FIELDS[kind]
    if doc.body is not None and isinstance(entry, SourceMap) and "id" not in entry:
        entry["id"] = doc.path.stem
    what = {"record": "record", "policy": "policy document", "topic": "topic record"}[kind]
    values = read_fields(entry, fields, doc.path, errors, what, line)
    if values is None or values["id"] is None:
        return None
    body = doc.body if doc.body is not None else values.pop("body") or ""
    values.pop("body", None)
    if values["written"] and values["published"] and values["written"] > values["published"]:
        errors.add(doc.path, entry.line_of("written"), "成文日期 is after 发布日期",
                   "written on or before published")
    if None in (values["title"], values["written"], values["published"], values["publisher"]):
        return None
    values["attachments"] = attachments_of(values["attachments"], entry, doc.path, errors)
    if kind != "topic":
        values["images"] = interpretation_of(values, entry, doc.path, column, errors)
    values["index_no"] = values["index_no"] or index_number(adcode, column, values)
    return Record(column=column, kind=kind, body=body, topic=topic,
                  source=Source(key, entry.line, tuple(entry.key_lines.items())), **values)


def attachments_of(value: Any, entry: SourceMap, path: Path, errors: ErrorList) -> tuple[Attachment, ...]:
    if not value:
        return ()
    if not isinstance(value, SourceList):
        errors.add(path, entry.line_of("attachments"), "'attachments' (附件) is not a list",
                   "a list of {title, href}")
        return ()
    found = []
    for item, line in zip(value, value.item_lines):
        values = read_fields(item, ATTACHMENT_FIELDS, path, errors, "attachment", line)
        if values and None not in values.values():
            found.append(Attachment(**values))
    return tuple(found)


def interpretation_of(values: dict, entry: SourceMap, path: Path, column: str, errors: ErrorList) -> tuple:
    """The keys of a 政策解读 belong together: what it interprets and its form, a 视频's address,
    a 图解's pictures. Returns the pictures."""
    target, form = values["interprets"], values["interpretation_form"]
    if target and "interpretation_form" not in entry:           # a wrong value is reported as such
        errors.add(path, entry.line_of("interprets"), "'interprets' given without 'interpretation_form' (解读形式)",
                   "interpretation_form: " + " / ".join(INTERPRETATION_FORMS))
    if form and "interprets" not in entry:
        errors.add(path, entry.line_of("interpretation_form"), "'interpretation_form' given without 'interprets'",
                   "interprets: <the id of the policy document it interprets>")
    if target and interpreted_key(column, target) == (column, values["id"]):
        errors.add(path, entry.line_of("interprets"), f"'{values['id']}' interprets itself",
                   "the id of another policy document")
    only_with(values, "video_url", "视频", entry, path, errors)
    if form == "视频" and not values["video_url"]:
        errors.add(path, entry.line_of("interpretation_form"), "a 视频 interpretation has no 'video_url'",
                   "video_url: https://... (the page of the video, linked to, not embedded)")
    images = images_of(values["images"], entry, path, errors)
    only_with(values, "images", "图解", entry, path, errors)
    if form == "图解" and not images and not entry.get("images"):
        errors.add(path, entry.line_of("interpretation_form"), "a 图解 has no 'images'",
                   "images: a list of {file, alt}, each a picture in content/" + column + "/files/")
    return images


def only_with(values: dict, key: str, form: str, entry: SourceMap, path: Path, errors: ErrorList) -> None:
    if values[key] and values["interpretation_form"] != form:
        errors.add(path, entry.line_of(key), f"'{key}' given on a record that is not a {form} interpretation",
                   f"{key} only with interpretation_form: {form}")


def images_of(value: Any, entry: SourceMap, path: Path, errors: ErrorList) -> tuple[Image, ...]:
    if not value:
        return ()
    if not isinstance(value, SourceList):
        errors.add(path, entry.line_of("images"), "'images' (图解图片) is not a list", "a list of {file, alt}")
        return ()
    found = []
    for item, line in zip(value, value.item_lines):
        image = read_fields(item, IMAGE_FIELDS, path, errors, "image", line)
        if not image or None in image.values():
            continue
        if not image["file"].lower().endswith(IMAGE_TYPES):
            errors.add(path, item.line_of("file"), f"image '{image['file']}' is not a picture",
                       "a file ending " + " ".join(IMAGE_TYPES))
            continue
        found.append(Image(**image))
    return tuple(found)


def index_number(adcode: str, column: str, values: dict) -> str:
    """A stable 索引号 from the column's adcode, the year and the record id."""
    digest = int(hashlib.sha1(f"{column}/{values['id']}".encode()).hexdigest(), 16) % 10**8
    return f"{adcode}/{values['published'].year}-{digest:08d}"


def township_list(doc: Document, key: str, column: str, errors: ErrorList) -> list[Township]:
    townships = []
    for entry, line in list_under(doc, "townships", errors):
        values = read_fields(entry, TOWNSHIP_FIELDS, doc.path, errors, "township", line)
        if values and None not in (values["slug"], values["name"], values["code"]):
            townships.append(Township(column=column, source=Source(key, entry.line, tuple(entry.key_lines.items())),
                                      **values))
    return townships


def topic_slug_problem(folder: Path, slug: str, errors: ErrorList) -> bool:
    if s.SLUG_RE.match(slug):
        return False
    errors.add(folder, None, f"topic folder name '{slug}' is not a safe slug", "lower-case letters, digits and '-'")
    return True


def topic_of(doc: Document, key: str, column: str, slug: str, errors: ErrorList) -> Topic | None:
    if doc.data is None:
        return None
    values = read_fields(doc.data, TOPIC_FIELDS, doc.path, errors, "topic.yaml")
    if not values or None in values.values():
        return None
    subs = []
    for entry, line in list_under(Document(doc.path, doc.data), "subcolumns", errors):
        sub = read_fields(entry, SUBCOLUMN_FIELDS, doc.path, errors, "sub-column", line)
        if sub and None not in sub.values():
            subs.append(Subcolumn(**sub))
    return Topic(slug, column, values["name"], values["description"], tuple(subs), Source(key, 1))


# --- helpers -------------------------------------------------------------------------------

def list_under(doc: Document | None, key: str, errors: ErrorList) -> list[tuple[Any, int | None]]:
    """The entries of the list under `key` with their lines; reports a missing or wrong list."""
    if doc is None:
        return []
    data = doc.data
    if not isinstance(data, SourceMap) or not isinstance(data.get(key), SourceList):
        line = data.line_of(key) if isinstance(data, SourceMap) else 1
        errors.add(doc.path, line, f"no list under '{key}'", f"a top-level '{key}:' followed by '- ' entries")
        return []
    entries = data[key]
    return list(zip(entries, entries.item_lines))


def check_unique(key: str, seen: dict, path: Path, line: int | None, what: str, errors: ErrorList) -> bool:
    if key in seen:
        errors.add(path, line, f"duplicate {what} '{key}' (first at {seen[key]})", f"a unique {what}")
        return False
    seen[key] = f"{errors.display(path)}:{line}"
    return True
