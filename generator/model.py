"""The site's nouns as frozen dataclasses. Built by validate.py, related by assemble.py."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import NamedTuple

VALIDITY_SLUGS = {"有效": "youxiao", "失效": "shixiao", "废止": "feizhi", "修改": "xiugai"}
INTERPRETATION_FORMS = ("文字解读", "图解", "问答", "视频")


class Source(NamedTuple):
    """Where a thing was written, for error messages: the file as a project-relative POSIX path
    (`content/yuelu/records/x.md`), so that nothing absolute reaches a cache or a digest; the line
    of the entry and of each of its keys ((key, line) pairs)."""

    path: str
    line: int | None = None
    key_lines: tuple = ()

    def line_of(self, key: str) -> int | None:
        return next((line for name, line in self.key_lines if name == key), self.line)


@dataclass(frozen=True)
class Footer:
    organizer: str
    contact: str
    site_code: str
    icp: str
    psb: str
    psb_url: str | None
    dzjg_url: str | None
    error_report_url: str


@dataclass(frozen=True)
class SiteConfig:
    site_name: str
    city_name: str
    city_adcode: str
    city_column: str
    base_url: str
    base_path: str
    service_platform: str
    page_size: int
    footer: Footer
    map_tiles: str | None = None          # optional tile URL template for the front-page map
    map_attribution: str | None = None    # its attribution (required with map_tiles)
    precompress: tuple[str, ...] = ()     # gzip / brotli copies beside the text files (precompress.py)
    interpretation_categories: tuple[str, ...] = ()   # 主题分类 whose documents need a 政策解读 (audit)
    interpretation_delay_days: int = 5    # an interpretation later than this after its document is late (audit)

    @property
    def domain_name(self) -> str:
        return self.base_url.split("://", 1)[1]


@dataclass(frozen=True)
class Domain:
    slug: str
    name: str
    description: str
    order: int


@dataclass(frozen=True)
class ColumnConfig:
    """A column's identity and branding, from districts/<slug>/column.yaml."""

    slug: str
    name: str
    adcode: str
    level: str                    # "city" | "district"
    description: str
    keywords: tuple[str, ...]
    theme: str
    banner: str
    primary: str
    accent: str
    folder: str                   # "districts/<slug>", home of the overrides (project-relative)
    organizer: str | None = None  # 主办单位 and 联系方式 in the column's footer (default: site.yaml footer)
    contact: str | None = None

    @property
    def is_city(self) -> bool:
        return self.level == "city"


@dataclass(frozen=True)
class Item:
    """One line of a catalogue (公开事项目录)."""

    id: str
    column: str
    domain: str
    level1: str
    level2: str
    elements: str
    basis: str
    time_limit: str
    subject: str
    channels: tuple[str, ...]
    audience: str
    mode: str
    levels: tuple[str, ...]
    type: str
    service_name: str | None
    service_url: str | None
    source: Source

    @property
    def is_service(self) -> bool:
        return self.type == "政务服务事项"


class Attachment(NamedTuple):
    title: str
    href: str                    # a file name in content/<column>/files/ or an http(s) address

    @property
    def is_external(self) -> bool:
        return self.href.startswith(("http://", "https://"))


class Image(NamedTuple):
    """One picture of a 图解: a file in content/<column>/files/ and what it shows."""

    file: str
    alt: str


def interpreted_key(column: str, interprets: str) -> tuple[str, str]:
    """The document an `interprets:` value names: `<id>` in the record's own column, or
    `<column>/<id>` in another (a district interpreting the city's document)."""
    owner, _, rid = interprets.rpartition("/")
    return (owner or column, rid)


class Record(NamedTuple):
    """A published record (公开信息); policies and topic records are records of another kind.
    A named tuple, not a dataclass: a big site holds 100,000 of them, read back from the build
    cache on every build, and a tuple is made many times faster."""

    id: str
    column: str
    kind: str                    # "record" | "policy" | "topic"
    title: str
    written: dt.date
    published: dt.date
    publisher: str
    index_no: str
    body: str                    # Markdown source
    source: Source
    item: str | None = None
    township: str | None = None
    doc_no: str | None = None
    category: str | None = None
    attachments: tuple[Attachment, ...] = ()
    validity: str | None = None
    replaced_by: str | None = None
    topic: str | None = None
    subcolumn: str | None = None
    privacy_exception: str | None = None   # written reason why personal data is lawfully shown
    interprets: str | None = None          # the policy document this record interprets (政策解读)
    interpretation_form: str | None = None  # one of INTERPRETATION_FORMS
    video_url: str | None = None           # a 视频 interpretation's page, linked to, never embedded
    images: tuple[Image, ...] = ()         # a 图解's pictures
    needs_interpretation: bool | None = None   # a policy: must have a 政策解读 (None: as site.yaml says)

    @property
    def interpreted(self) -> tuple[str, str] | None:
        return interpreted_key(self.column, self.interprets) if self.interprets else None

    @property
    def sort_key(self) -> tuple:
        return (self.published, self.id)

    @property
    def published_day(self) -> int:
        return self.published.toordinal()

    @property
    def place(self) -> tuple:
        return (self.source.path, self.source.line or 0)


@dataclass(frozen=True)
class Township:
    slug: str
    column: str
    name: str
    code: str
    exclude_domains: tuple[str, ...]
    exclude_items: tuple[str, ...]
    source: Source


@dataclass(frozen=True)
class Subcolumn:
    slug: str
    name: str


@dataclass(frozen=True)
class Topic:
    slug: str
    column: str
    name: str
    description: str
    subcolumns: tuple[Subcolumn, ...]
    source: Source


@dataclass(frozen=True)
class Catalogue:
    """One column's items in one domain, in file order."""

    column: str
    domain: str
    items: tuple[Item, ...]


# Fields that say where a thing was read from (or point into the file system): never shown on a
# page, never part of a digest, and not readable from templates.
WHERE_FIELDS = frozenset({"source", "folder", "path"})


class RecordRef(NamedTuple):
    """What the store keeps of a record until a page needs all of it: the fields that relate
    records (lists, references) and where it was written. A big site holds 100,000 records; a build
    that changes one unpacks the few its pages show (from the source cache, see sourcecache.py)."""

    id: str
    column: str
    kind: str
    published_day: int           # 发布日期 as a day number (date.toordinal)
    item: str | None
    township: str | None
    topic: str | None
    subcolumn: str | None
    replaced_by: str | None
    validity: str | None
    attachments: tuple           # of Attachment
    privacy_exception: str | None
    path: str                    # where it was written, as Source
    line: int | None
    interprets: str | None       # the document it interprets (政策解读), for the reverse lists

    @property
    def place(self) -> tuple:
        return (self.path, self.line or 0)

    @property
    def interpreted(self) -> tuple[str, str] | None:
        return interpreted_key(self.column, self.interprets) if self.interprets else None
