"""Where each page is made: page groups, each a small function of the site that returns its pages
(render jobs) and the groups below it.

A job names its output path, its template, the column whose theme renders it, and its data.
Breadcrumbs and pagination are worked out here; templates only present them. Every group reads the
site through views.py, so what it read is recorded: a group is made again only when something it
read changed, and then all its pages are rendered again. The root group lists the site pages and
the columns; a column lists its groups (one per catalogue, item, record, township, topic ...).

Group keys are tuples of text: ("item", "yuelu", "zdjs-01"). `make_group` runs one.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Callable, Iterator, Sequence

from . import search_layers, urls
from .credits import browser_credits
from .model import VALIDITY_SLUGS, Record

Crumbs = list[tuple[str, str]]
GroupKey = tuple


@dataclass(frozen=True)
class PageJob:
    path: str
    template: str
    column: str | None
    title: str
    context: dict = field(default_factory=dict)

    @property
    def search_part(self) -> str:
        """The family of search shards the page is indexed in ("" when it is not indexed)."""
        return search_layers.part_of(self.column, self.context.get("search"))


@dataclass
class Made:
    pages: list[PageJob] = field(default_factory=list)
    children: list[GroupKey] = field(default_factory=list)


@dataclass(frozen=True)
class Pager:
    """One page of a long list, with the addresses of its neighbours."""

    number: int
    count: int
    entries: Sequence
    total: int
    url_for: Callable[[int], str]

    @property
    def window(self) -> list[tuple[int, str] | None]:
        """First, last and the pages near this one; None marks a gap. Never every page,
        so a list of thousands of pages stays cheap to render."""
        near = {1, self.count, *range(max(1, self.number - 2), min(self.count, self.number + 2) + 1)}
        shown: list[tuple[int, str] | None] = []
        for n in sorted(near):
            if shown and shown[-1] is not None and n - shown[-1][0] > 1:
                shown.append(None)
            shown.append((n, self.url_for(n)))
        return shown


def paginate(entries: Sequence, size: int, url_for: Callable[[int], str]) -> Iterator[Pager]:
    total = len(entries)
    count = max(1, math.ceil(total / size))
    for number in range(1, count + 1):
        yield Pager(number, count, entries[(number - 1) * size: number * size], total, url_for)


# --- the groups --------------------------------------------------------------------------------

def make_group(site, key: GroupKey) -> Made:
    """Run group `key` against `site` (a views.SiteView)."""
    return GROUPS[key[0]](site, *key[1:])


def root_group(site) -> Made:
    children = [("site",), ("search",)] + [("column", c.slug) for c in site.columns]
    return Made(children=children + [("api-site",), ("sitemap",)])


def site_group(site) -> Made:
    return Made(pages=[site_home(site), not_found(site), about(site)])


def column_group(site, slug: str) -> Made:
    column = site.column(slug)
    children: list[GroupKey] = [("column-home", slug), ("column-records", slug)]
    for domain, items in column.catalogues.items():
        children.append(("catalogue", slug, domain))
        children += [("item", slug, item.id) for item in items]
    children += [("record", slug, rid) for rid in column.records.ids()]
    children += [("record", slug, rid) for rid in column.policies.ids()]
    if column.townships:
        children.append(("townships", slug))
        children += [("township", slug, town.slug) for town in column.townships]
    children.append(("policies", slug))
    children += [("topic", slug, topic.slug) for topic in column.topics]
    children += [("poster", slug), ("feed", slug), ("api-column", slug)]
    children += [("api-domain", slug, domain) for domain in column.catalogues]
    return Made(children=children)


def home_crumbs(site) -> Crumbs:
    return [("首页", urls.HOME)]


def column_crumbs(site, column) -> Crumbs:
    return home_crumbs(site) + [(column.name, urls.column_home(column.slug))]


def site_home(site) -> PageJob:
    return PageJob(urls.HOME, "home.html", None, site.config.site_name,
                   {"crumbs": [], "city": site.city, "districts": site.districts})


def about(site) -> PageJob:
    """关于本站: who runs the site, how to subscribe, where the map data and the browser code come from."""
    return PageJob(urls.ABOUT, "about.html", None, "关于本站", {
        "crumbs": home_crumbs(site) + [("关于本站", "")], "columns": site.columns,
        "credits": browser_credits(site.citymap is not None)})


def not_found(site) -> PageJob:
    return PageJob(urls.NOT_FOUND, "404.html", None, "页面未找到", {"crumbs": home_crumbs(site)})


def column_home_group(site, slug: str) -> Made:
    column = site.column(slug)
    tiles = [(site.domain_of[d], len(items), sum(len(site.records_of(i)) for i in items))
             for d, items in column.catalogues.items()]
    size = site.config.page_size
    return Made(pages=[PageJob(urls.column_home(slug), "column.html", slug, column.name + "基层政务公开专栏", {
        "crumbs": column_crumbs(site, column)[:-1] + [(column.name, "")],
        "tiles": tiles, "latest": column.records[:size], "more_records": len(column.records) > size,
    })])


def column_records_group(site, slug: str) -> Made:
    column = site.column(slug)
    pagers = paginate(column.records, site.config.page_size, lambda n: urls.column_records(slug, n))
    return Made(pages=[PageJob(pager.url_for(pager.number), "records.html", slug, "最新公开信息", {
        "crumbs": column_crumbs(site, column) + [("最新公开信息", "")], "pager": pager}) for pager in pagers])


def catalogue_group(site, slug: str, domain_slug: str) -> Made:
    column = site.column(slug)
    domain = site.domain_of[domain_slug]
    items = column.catalogues[domain_slug]
    counts = {i.id: len(site.records_of(i)) for i in items}
    return Made(pages=[PageJob(urls.catalogue(slug, domain_slug), "catalogue.html", slug,
                               f"{domain.name}领域基层政务公开事项目录", {
                                   "crumbs": column_crumbs(site, column) + [(domain.name, "")],
                                   "domain": domain, "items": items, "counts": counts,
                                   "search": search_entry(column, "目录", [column.name, domain.name], domain.name,
                                                          group=f"目录|{domain.slug}")})])


def item_group(site, slug: str, item_id: str) -> Made:
    column = site.column(slug)
    item = site.items[(slug, item_id)]
    domain = site.domain_of[item.domain]
    records = site.records_of(item)
    crumbs = column_crumbs(site, column) + [(domain.name, urls.catalogue(slug, domain.slug)), (item.level2, "")]
    url_for = lambda n: urls.item(slug, domain.slug, item_id, n)  # noqa: E731
    entry = search_entry(column, "事项", [column.name, domain.name], domain.name,
                         group=f"事项|{domain.slug}|{item_id}|{item.level1}·{item.level2}")
    return Made(pages=[PageJob(pager.url_for(pager.number), "item.html", slug, f"{item.level1} · {item.level2}",
                               {"crumbs": crumbs, "domain": domain, "item": item, "pager": pager,
                                "search": entry if pager.number == 1 else None})
                       for pager in paginate(records, site.config.page_size, url_for)])


def record_group(site, slug: str, record_id: str) -> Made:
    column = site.column(slug)
    record = site.records[(slug, record_id)]
    item = site.items.get((slug, record.item)) if record.item else None
    domain = site.domain_of[item.domain] if item else None
    crumbs = column_crumbs(site, column)
    if record.kind == "policy":
        crumbs += [("文件库", urls.policies(slug))]
    elif domain and item:
        crumbs += [(domain.name, urls.catalogue(slug, domain.slug)), (item.level2, urls.item(slug, domain.slug, item.id))]
    town = next((t for t in column.townships if t.slug == record.township), None) if record.township else None
    original = site.records.get(record.interpreted) if record.interprets else None
    interpretations = list(site.interpreting.get((slug, record.id), ())) if record.kind == "policy" else []
    newer, older = site.records_of(item).near(record, NEIGHBOURS).split() if item else ([], [])
    return Made(pages=[PageJob(urls.record(slug, record.id), "record.html", slug, record.title, {
        "crumbs": crumbs + [("正文", "")], "record": record, "item": item, "domain": domain, "township": town,
        "search": record_search_entry(column, record, [label for label, _ in crumbs[1:]],
                                      domain.name if domain else None, original, interpretations,
                                      town.name if town else None),
        "replaced_by": site.records.get((slug, record.replaced_by)) if record.replaced_by else None,
        "replaces": list(site.replacing.get((slug, record.id), ())),
        "original": original, "interpretations": interpretations, "newer": newer, "older": older,
    })])


NEIGHBOURS = 3   # a record page lists this many newer and older records of its item


def townships_group(site, slug: str) -> Made:
    column = site.column(slug)
    return Made(pages=[PageJob(urls.townships(slug), "townships.html", slug, "乡镇（街道）专栏", {
        "crumbs": column_crumbs(site, column) + [("乡镇（街道）", "")]})])


def township_catalogues(site, column, town) -> dict:
    """The district's catalogue minus what does not apply to the township (做减法)."""
    kept = {}
    for domain, items in column.catalogues.items():
        if domain in town.exclude_domains:
            continue
        remaining = tuple(i for i in items if i.id not in town.exclude_items)
        if remaining:
            kept[domain] = remaining
    return kept


def township_group(site, slug: str, town_slug: str) -> Made:
    column = site.column(slug)
    town = next(t for t in column.townships if t.slug == town_slug)
    catalogues = township_catalogues(site, column, town)
    records = site.by_township[(slug, town_slug)]
    crumbs = column_crumbs(site, column) + [("乡镇（街道）", urls.townships(slug))]
    url_for = lambda n: urls.township(slug, town_slug, n)  # noqa: E731
    entry = search_entry(column, "乡镇（街道）", [column.name, "乡镇（街道）"], township=town.name)
    pages = [PageJob(pager.url_for(pager.number), "township.html", slug, town.name + "政务公开专栏", {
        "crumbs": crumbs + [(town.name, "")], "town": town, "pager": pager,
        "search": entry if pager.number == 1 else None,
        "tiles": [(site.domain_of[d], len(items)) for d, items in catalogues.items()],
        "excluded": [site.domain_of[d] for d in column.catalogues if d not in catalogues]})
        for pager in paginate(records, site.config.page_size, url_for)]
    for domain_slug, items in catalogues.items():
        domain = site.domain_of[domain_slug]
        pages.append(PageJob(urls.township_catalogue(slug, town_slug, domain_slug), "township_catalogue.html",
                             slug, f"{town.name}{domain.name}领域公开事项目录", {
                                 "crumbs": crumbs + [(town.name, urls.township(slug, town_slug)), (domain.name, "")],
                                 "town": town, "domain": domain, "items": items,
                                 "records": records.with_items(i.id for i in items)}))
    return Made(pages=pages)


def policies_group(site, slug: str) -> Made:
    column = site.column(slug)
    if not column.policies:
        return Made()
    counts = {v: len(column.policies_in(v)) for v in VALIDITY_SLUGS}
    interpreted = interpreted_policies(site, column)
    shared = {"counts": counts, "total": len(column.policies), "interpreted": {p.id for p in interpreted},
              "interpreted_count": len(interpreted)}
    pages = []
    # A state with no documents gets no page (a blank column); the filter shows it without a link.
    for validity in (None, *(v for v in VALIDITY_SLUGS if counts[v])):
        crumbs = column_crumbs(site, column) + (
            [("文件库", urls.policies(slug)), (validity, "")] if validity else [("文件库", "")])
        chosen = column.policies_in(validity) if validity else column.policies
        url_for = lambda n, v=validity: urls.policies(slug, v, n)  # noqa: E731
        title = "文件库" + (f" · {validity}" if validity else "")
        pages += [PageJob(pager.url_for(pager.number), "policies.html", slug, title, {
            "crumbs": crumbs, "validity": validity, "pager": pager, "interpreted_only": False, **shared})
            for pager in paginate(chosen, site.config.page_size, url_for)]
    if interpreted:
        crumbs = column_crumbs(site, column) + [("文件库", urls.policies(slug)), ("有解读", "")]
        pages += [PageJob(pager.url_for(pager.number), "policies.html", slug, "文件库 · 有解读", {
            "crumbs": crumbs, "validity": None, "pager": pager, "interpreted_only": True, **shared})
            for pager in paginate(interpreted, site.config.page_size, lambda n: urls.policies_interpreted(slug, n))]
    return Made(pages=pages)


def interpreted_policies(site, column) -> list[Record]:
    """The column's documents that have an interpretation (政策解读), newest first."""
    keys = {r.interpreted for r in column.interpretations}
    return sorted((site.records[k] for k in keys), key=lambda p: p.sort_key, reverse=True)


def topic_group(site, slug: str, topic_slug: str) -> Made:
    column = site.column(slug)
    topic = next(t for t in column.topics if t.slug == topic_slug)
    crumbs = column_crumbs(site, column) + [(topic.name, urls.topic(slug, topic_slug))]
    sections = [(sub, site.by_subcolumn[(slug, topic_slug, sub.slug)]) for sub in topic.subcolumns]
    pages = [PageJob(urls.topic(slug, topic_slug), "topic.html", slug, topic.name, {
        "crumbs": crumbs[:-1] + [(topic.name, "")], "topic": topic, "sections": sections})]
    children = []
    for sub, records in sections:
        url_for = lambda n, s=sub.slug: urls.subcolumn(slug, topic_slug, s, n)  # noqa: E731
        pages += [PageJob(pager.url_for(pager.number), "subcolumn.html", slug, f"{topic.name} · {sub.name}",
                          {"crumbs": crumbs + [(sub.name, "")], "topic": topic, "sub": sub, "pager": pager})
                  for pager in paginate(records, site.config.page_size, url_for)]
        children += [("topic-record", slug, rid) for rid in records.ids()]
    return Made(pages=pages, children=children)


def topic_record_group(site, slug: str, record_id: str) -> Made:
    column = site.column(slug)
    record = site.records[(slug, record_id)]
    topic = next(t for t in column.topics if t.slug == record.topic)
    sub = next(s for s in topic.subcolumns if s.slug == record.subcolumn)
    crumbs = column_crumbs(site, column) + [(topic.name, urls.topic(slug, topic.slug))]
    return Made(pages=[PageJob(urls.record(slug, record.id), "record.html", slug, record.title, {
        "crumbs": crumbs + [(sub.name, urls.subcolumn(slug, topic.slug, sub.slug)), ("正文", "")],
        "search": record_search_entry(column, record, [column.name, topic.name, sub.name], None),
        "record": record, "item": None, "domain": None, "township": None, "replaced_by": None, "replaces": [],
        "original": None, "interpretations": []})])


def feed_group(site, slug: str) -> Made:
    column = site.column(slug)
    return Made(pages=[PageJob(urls.feed(slug), "feed.xml", slug, column.name + "基层政务公开专栏",
                               {"entries": column.records[:50]})])


def poster_group(site, slug: str) -> Made:
    """A printable poster for the service hall: QR codes of the column home and its domain catalogues."""
    column = site.column(slug)
    entries = [(column.name + "基层政务公开专栏", urls.column_home(slug))]
    entries += [(site.domain_of[d].name + "领域公开事项目录", urls.catalogue(slug, d)) for d in column.catalogues]
    return Made(pages=[PageJob(urls.qr_poster(slug), "qr_poster.html", slug, "政务公开专区二维码海报", {
        "crumbs": column_crumbs(site, column) + [("二维码海报", "")], "entries": entries})])


def search_group(site) -> Made:
    """The site search (站内查询); the query runs in the browser from the page's ?q= address.
    Its base bundles follow from the search shards, known once every other page is made (late);
    the delta's shards are read from the layers file when the page loads (search_layers.py)."""
    groups = search_layers.shard_groups(site.search_shards())
    guides = search_layers.GUIDES
    index = {"bases": [{"path": urls.search_base(i), "columns": list(dict.fromkeys(c for c, _n in group if c != guides)),
                        "guides": any(c == guides for c, _n in group)}
                       for i, group in enumerate(groups)],
             "delta": urls.SEARCH_DELTA, "layers": urls.SEARCH_LAYERS, "guides": guides,
             "columns": [{"column": c.slug, "name": c.name} for c in site.columns]}
    return Made(pages=[PageJob(urls.SEARCH, "search.html", None, "站内查询", {
        "crumbs": home_crumbs(site) + [("站内查询", "")], "index": index,
        "words": dict(site.search_lexicon.as_json(), places=search_places(site), city=site.city.name)})])


def search_places(site) -> list[dict]:
    """The district and township names a query may hold, for the search page to boost their pages."""
    places = []
    for column in site.columns:
        places.append({"name": column.name, "column": column.name})
        places += [{"name": t.name, "column": column.name, "township": True} for t in column.townships]
    return places


SITEMAP_LIMIT = 50_000   # the sitemaps.org limit of addresses per file


def sitemap_group(site) -> Made:
    """Late as well: the site's pages are known only once every other group is made."""
    pages = site.html_pages()
    if len(pages) <= SITEMAP_LIMIT:
        return Made(pages=[PageJob(urls.SITEMAP, "sitemap.xml", None, "", {"pages": pages})])
    parts = [pages[i:i + SITEMAP_LIMIT] for i in range(0, len(pages), SITEMAP_LIMIT)]
    names = [f"sitemap-{n}.xml" for n in range(1, len(parts) + 1)]
    jobs = [PageJob(name, "sitemap.xml", None, "", {"pages": part}) for name, part in zip(names, parts)]
    return Made(pages=jobs + [PageJob(urls.SITEMAP, "sitemap_index.xml", None, "", {"sitemaps": names})])


def api_site_group(site) -> Made:
    return Made(pages=[PageJob("api/index.json", "api:site", None, "")])


def api_column_group(site, slug: str) -> Made:
    return Made(pages=[PageJob(f"api/{slug}/index.json", "api:column", slug, "")])


def api_domain_group(site, slug: str, domain: str) -> Made:
    return Made(pages=[PageJob(f"api/{slug}/{domain}.json", "api:domain", slug, "", {"domain": domain})])


LATE_GROUPS = {("search",): ("x", "shards"), ("sitemap",): ("x", "pages")}


def search_entry(column, kind: str, crumbs: list[str], domain: str | None = None,
                 year: int | None = None, validity: str | None = None, date: str | None = None,
                 interpretation: str | None = None, township: str | None = None, group: str | None = None) -> dict:
    """What the search index gets of a page: its filters (区县, 领域, 类型, 年份, 效力状态, 政策解读;
    乡镇街道 for a township's page and records, which a query naming the township boosts; 组 for a
    page every column has its own of, a domain's catalogue or an item, by which the search page
    shows them as one result without loading each) and where it sits. Only pages with an entry
    are indexed."""
    filters = {"区县": column.name, "领域": domain, "类型": kind, "年份": str(year) if year else None,
               "效力状态": validity, "政策解读": interpretation, "乡镇街道": township, "组": group}
    return {"filters": {k: v for k, v in filters.items() if v},
            "meta": {k: v for k, v in {"where": " › ".join(crumbs), "date": date}.items() if v}}


SEARCH_INTERPRETATIONS = 5    # a document's result links this many of its interpretations


def record_search_entry(column, record: Record, crumbs: list[str], domain: str | None,
                        original: Record | None = None, interpretations: Sequence[Record] = (),
                        township: str | None = None) -> dict:
    """A record's entry; an interpretation's result shows its 原文, a document's its interpretations
    (meta keys with site-relative addresses, which the search page turns into links)."""
    marked = "解读材料" if original else "有解读的文件" if interpretations else None
    entry = search_entry(column, "文件" if record.kind == "policy" else "信息", crumbs, domain,
                         record.published.year, record.validity, record.published.isoformat(), marked, township)
    meta = entry["meta"]
    if original:
        meta.update(yuanwen=original.title, yuanwen_url=urls.record(original.column, original.id))
    for n, other in enumerate(interpretations[:SEARCH_INTERPRETATIONS], 1):
        meta.update({f"jiedu_{n}_title": other.title, f"jiedu_{n}_form": other.interpretation_form,
                     f"jiedu_{n}_url": urls.record(other.column, other.id)})
    return entry


GROUPS: dict[str, Callable[..., Made]] = {
    "root": root_group, "site": site_group, "search": search_group, "sitemap": sitemap_group,
    "column": column_group, "column-home": column_home_group, "column-records": column_records_group,
    "catalogue": catalogue_group, "item": item_group, "record": record_group,
    "townships": townships_group, "township": township_group, "policies": policies_group,
    "topic": topic_group, "topic-record": topic_record_group, "feed": feed_group, "poster": poster_group,
    "api-site": api_site_group, "api-column": api_column_group, "api-domain": api_domain_group,
}


def all_jobs(site) -> list[PageJob]:
    """Every page but the late ones (search page, sitemaps), made group by group from the root
    (for `build.py check`, which wants to know where each page came from)."""
    jobs: list[PageJob] = []
    pending = [("root",)]
    while pending:
        made = make_group(site, pending.pop())
        jobs += made.pages
        pending += reversed([k for k in made.children if k not in LATE_GROUPS])
    return jobs
