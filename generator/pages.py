"""Where each page is made: one small function per page kind, each returning render jobs.

A job names its output path, its template, the column whose theme renders it, and its data.
Breadcrumbs and pagination are worked out here; templates only present them.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Callable, Iterator, Sequence

from . import urls
from .assemble import Column, Site, township_catalogues
from .model import VALIDITY_SLUGS, Record

Crumbs = list[tuple[str, str]]


@dataclass(frozen=True)
class PageJob:
    path: str
    template: str
    column: str | None
    title: str
    context: dict = field(default_factory=dict)


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
    count = max(1, math.ceil(len(entries) / size))
    for number in range(1, count + 1):
        yield Pager(number, count, entries[(number - 1) * size: number * size], len(entries), url_for)


def all_pages(site: Site) -> list[PageJob]:
    jobs = [site_home(site), not_found(site), search_page(site)]
    for column in site.columns:
        jobs.extend(column_pages(site, column))
    return jobs


def column_pages(site: Site, column: Column) -> Iterator[PageJob]:
    yield column_home(site, column)
    yield from column_records(site, column)
    for domain in column.catalogues:
        yield catalogue_page(site, column, domain)
        for item in column.catalogues[domain]:
            yield from item_pages(site, column, item.id)
    for record in column.records + column.policies:
        yield record_page(site, column, record)
    if column.townships:
        yield townships_page(site, column)
    for town in column.townships:
        yield from township_pages(site, column, town)
    yield from policy_pages(site, column)
    for topic in column.topics:
        yield from topic_pages(site, column, topic)
    yield qr_poster(site, column)
    yield feed(site, column)


def home_crumbs(site: Site) -> Crumbs:
    return [("首页", urls.HOME)]


def column_crumbs(site: Site, column: Column) -> Crumbs:
    return home_crumbs(site) + [(column.name, urls.column_home(column.slug))]


def site_home(site: Site) -> PageJob:
    return PageJob(urls.HOME, "home.html", None, site.config.site_name,
                   {"crumbs": [], "city": site.city, "districts": site.districts})


def not_found(site: Site) -> PageJob:
    return PageJob(urls.NOT_FOUND, "404.html", None, "页面未找到", {"crumbs": home_crumbs(site)})


def column_home(site: Site, column: Column) -> PageJob:
    tiles = [(site.domain_of[d], len(items), sum(len(site.records_of(i)) for i in items))
             for d, items in column.catalogues.items()]
    return PageJob(urls.column_home(column.slug), "column.html", column.slug, column.name + "基层政务公开专栏", {
        "crumbs": column_crumbs(site, column)[:-1] + [(column.name, "")],
        "tiles": tiles, "latest": column.records[: site.config.page_size],
        "more_records": len(column.records) > site.config.page_size,
    })


def column_records(site: Site, column: Column) -> Iterator[PageJob]:
    for pager in paginate(column.records, site.config.page_size, lambda n: urls.column_records(column.slug, n)):
        yield PageJob(pager.url_for(pager.number), "records.html", column.slug, "最新公开信息", {
            "crumbs": column_crumbs(site, column) + [("最新公开信息", "")], "pager": pager})


def catalogue_page(site: Site, column: Column, domain_slug: str) -> PageJob:
    domain = site.domain_of[domain_slug]
    items = column.catalogues[domain_slug]
    counts = {i.id: len(site.records_of(i)) for i in items}
    return PageJob(urls.catalogue(column.slug, domain_slug), "catalogue.html", column.slug,
                   f"{domain.name}领域基层政务公开事项目录", {
                       "crumbs": column_crumbs(site, column) + [(domain.name, "")],
                       "domain": domain, "items": items, "counts": counts,
                       "search": search_entry(column, "目录", crumbs=[column.name, domain.name], domain=domain.name)})


def item_pages(site: Site, column: Column, item_id: str) -> Iterator[PageJob]:
    item = site.items[(column.slug, item_id)]
    domain = site.domain_of[item.domain]
    records = site.records_of(item)
    crumbs = column_crumbs(site, column) + [(domain.name, urls.catalogue(column.slug, domain.slug)),
                                            (item.level2, "")]
    url_for = lambda n: urls.item(column.slug, domain.slug, item_id, n)  # noqa: E731
    entry = search_entry(column, "事项", crumbs=[column.name, domain.name], domain=domain.name)
    for pager in paginate(records, site.config.page_size, url_for):
        yield PageJob(pager.url_for(pager.number), "item.html", column.slug, f"{item.level1} · {item.level2}",
                      {"crumbs": crumbs, "domain": domain, "item": item, "pager": pager,
                       "search": entry if pager.number == 1 else None})


def record_page(site: Site, column: Column, record: Record) -> PageJob:
    item = site.items.get((column.slug, record.item)) if record.item else None
    domain = site.domain_of[item.domain] if item else None
    crumbs = column_crumbs(site, column)
    if record.kind == "policy":
        crumbs += [("文件库", urls.policies(column.slug))]
    elif domain and item:
        crumbs += [(domain.name, urls.catalogue(column.slug, domain.slug)),
                   (item.level2, urls.item(column.slug, domain.slug, item.id))]
    town = next((t for t in column.townships if t.slug == record.township), None)
    return PageJob(urls.record(column.slug, record.id), "record.html", column.slug, record.title, {
        "crumbs": crumbs + [("正文", "")], "record": record, "item": item, "domain": domain, "township": town,
        "search": record_search_entry(column, record, [label for label, _ in crumbs[1:]],
                                      domain.name if domain else None),
        "replaced_by": site.records.get((column.slug, record.replaced_by)) if record.replaced_by else None,
        "replaces": list(site.replacing.get((column.slug, record.id), ())),
    })


def townships_page(site: Site, column: Column) -> PageJob:
    return PageJob(urls.townships(column.slug), "townships.html", column.slug, "乡镇（街道）专栏", {
        "crumbs": column_crumbs(site, column) + [("乡镇（街道）", "")]})


def township_pages(site: Site, column: Column, town) -> Iterator[PageJob]:
    catalogues = township_catalogues(column, town)
    records = site.by_township.get((column.slug, town.slug), ())
    crumbs = column_crumbs(site, column) + [("乡镇（街道）", urls.townships(column.slug))]
    url_for = lambda n: urls.township(column.slug, town.slug, n)  # noqa: E731
    for pager in paginate(records, site.config.page_size, url_for):
        yield PageJob(pager.url_for(pager.number), "township.html", column.slug, town.name + "政务公开专栏", {
            "crumbs": crumbs + [(town.name, "")], "town": town, "pager": pager,
            "tiles": [(site.domain_of[d], len(items)) for d, items in catalogues.items()],
            "excluded": [site.domain_of[d] for d in column.catalogues if d not in catalogues]})
    for domain_slug, items in catalogues.items():
        domain = site.domain_of[domain_slug]
        kept = {i.id for i in items}
        yield PageJob(urls.township_catalogue(column.slug, town.slug, domain_slug), "township_catalogue.html",
                      column.slug, f"{town.name}{domain.name}领域公开事项目录", {
                          "crumbs": crumbs + [(town.name, urls.township(column.slug, town.slug)), (domain.name, "")],
                          "town": town, "domain": domain, "items": items,
                          "records": [r for r in records if r.item in kept]})


def policy_pages(site: Site, column: Column) -> Iterator[PageJob]:
    counts = {v: sum(1 for p in column.policies if p.validity == v) for v in VALIDITY_SLUGS}
    if not column.policies:
        return
    # A state with no documents gets no page (a blank column); the filter shows it without a link.
    for validity in (None, *(v for v in VALIDITY_SLUGS if counts[v])):
        crumbs = column_crumbs(site, column) + (
            [("文件库", urls.policies(column.slug)), (validity, "")] if validity else [("文件库", "")])
        chosen = [p for p in column.policies if validity in (None, p.validity)]
        url_for = lambda n, v=validity: urls.policies(column.slug, v, n)  # noqa: E731
        for pager in paginate(chosen, site.config.page_size, url_for):
            title = "文件库" + (f" · {validity}" if validity else "")
            yield PageJob(pager.url_for(pager.number), "policies.html", column.slug, title, {
                "crumbs": crumbs,
                "validity": validity, "counts": counts, "pager": pager, "total": len(column.policies)})


def topic_pages(site: Site, column: Column, topic) -> Iterator[PageJob]:
    crumbs = column_crumbs(site, column) + [(topic.name, urls.topic(column.slug, topic.slug))]
    sections = [(sub, site.by_subcolumn.get((column.slug, topic.slug, sub.slug), ())) for sub in topic.subcolumns]
    yield PageJob(urls.topic(column.slug, topic.slug), "topic.html", column.slug, topic.name, {
        "crumbs": crumbs[:-1] + [(topic.name, "")], "topic": topic, "sections": sections})
    for sub, records in sections:
        url_for = lambda n, s=sub.slug: urls.subcolumn(column.slug, topic.slug, s, n)  # noqa: E731
        for pager in paginate(records, site.config.page_size, url_for):
            yield PageJob(pager.url_for(pager.number), "subcolumn.html", column.slug, f"{topic.name} · {sub.name}",
                          {"crumbs": crumbs + [(sub.name, "")], "topic": topic, "sub": sub, "pager": pager})
    for sub, records in sections:
        for record in records:
            yield topic_record_page(site, column, topic, sub, record, crumbs)


def topic_record_page(site: Site, column: Column, topic, sub, record: Record, crumbs: Crumbs) -> PageJob:
    return PageJob(urls.record(column.slug, record.id), "record.html", column.slug, record.title, {
        "crumbs": crumbs + [(sub.name, urls.subcolumn(column.slug, topic.slug, sub.slug)), ("正文", "")],
        "search": record_search_entry(column, record, [column.name, topic.name, sub.name], None),
        "record": record, "item": None, "domain": None, "township": None, "replaced_by": None, "replaces": []})


def feed(site: Site, column: Column) -> PageJob:
    return PageJob(urls.feed(column.slug), "feed.xml", column.slug, column.name + "基层政务公开专栏",
                   {"entries": column.records[:50]})


def search_page(site: Site) -> PageJob:
    """The site search (站内查询); the query runs in the browser from the page's ?q= address."""
    bundles = [{"column": c.slug, "name": c.name, "path": urls.search_bundle(c.slug)} for c in site.columns]
    return PageJob(urls.SEARCH, "search.html", None, "站内查询", {
        "crumbs": home_crumbs(site) + [("站内查询", "")], "bundles": bundles})


def qr_poster(site: Site, column: Column) -> PageJob:
    """A printable poster for the service hall: QR codes of the column home and its domain catalogues."""
    entries = [(column.name + "基层政务公开专栏", urls.column_home(column.slug))]
    entries += [(site.domain_of[d].name + "领域公开事项目录", urls.catalogue(column.slug, d)) for d in column.catalogues]
    return PageJob(urls.qr_poster(column.slug), "qr_poster.html", column.slug, "政务公开专区二维码海报", {
        "crumbs": column_crumbs(site, column) + [("二维码海报", "")], "entries": entries})


def search_entry(column: Column, kind: str, crumbs: list[str], domain: str | None = None,
                 year: int | None = None, validity: str | None = None, date: str | None = None) -> dict:
    """What the search index gets of a page: its filters (区县, 领域, 类型, 年份, 效力状态) and
    where it sits. Only pages with an entry are indexed."""
    filters = {"区县": column.name, "领域": domain, "类型": kind,
               "年份": str(year) if year else None, "效力状态": validity}
    return {"filters": {k: v for k, v in filters.items() if v},
            "meta": {k: v for k, v in {"where": " › ".join(crumbs), "date": date}.items() if v}}


def record_search_entry(column: Column, record: Record, crumbs: list[str], domain: str | None) -> dict:
    return search_entry(column, "文件" if record.kind == "policy" else "信息", crumbs, domain,
                        record.published.year, record.validity, record.published.isoformat())
