"""The site's data as JSON under output/api/ (内容同源): the same content, for a mini-program or
the service platform. One file per column and per column × domain, so that no file is huge.

  api/index.json                      site, domains, columns (with the address of each column file)
  api/<column>/index.json             column, its domains with counts, townships, policy documents
  api/<column>/<domain>.json          the domain's catalogue items with every element and their records
Schemas: generator/schemas/*.schema.json.
"""
from __future__ import annotations

import json

from . import urls
from .model import Item, Record

API_VERSION = 1


def api_json(kind: str, site, column, context: dict) -> str:
    """The text of one API file; `kind` is the page job's template after "api:" (see pages.py)."""
    if kind == "site":
        data = site_index(site)
    elif kind == "column":
        data = column_index(site, column)
    else:
        data = domain_file(site, column, context["domain"])
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def address(site, path: str) -> str:
    return urls.canonical(site.config.base_url, site.config.base_path, path)


def site_index(site) -> dict:
    config = site.config
    return {
        "version": API_VERSION, "site_name": config.site_name,
        "city": {"name": config.city_name, "adcode": config.city_adcode},
        "domains": [{"slug": d.slug, "name": d.name, "description": d.description, "order": d.order}
                    for d in site.domains],
        "columns": [{"slug": c.slug, "name": c.name, "adcode": c.config.adcode, "level": c.config.level,
                     "url": address(site, urls.column_home(c.slug)), "api": f"{c.slug}/index.json"}
                    for c in site.columns],
    }


def column_index(site, column) -> dict:
    return {
        "version": API_VERSION, "slug": column.slug, "name": column.name, "adcode": column.config.adcode,
        "level": column.config.level, "description": column.config.description,
        "url": address(site, urls.column_home(column.slug)),
        "domains": [{"slug": d, "name": site.domain_of[d].name, "items": len(items),
                     "records": sum(len(site.records_of(i)) for i in items),
                     "api": f"{d}.json"} for d, items in column.catalogues.items()],
        "townships": [{"slug": t.slug, "name": t.name, "code": t.code,
                       "exclude_domains": list(t.exclude_domains), "exclude_items": list(t.exclude_items),
                       "url": address(site, urls.township(column.slug, t.slug))} for t in column.townships],
        "policies": [record_entry(site, p) for p in column.policies],
    }


def domain_file(site, column, domain: str) -> dict:
    return {
        "version": API_VERSION, "column": column.slug, "domain": domain, "name": site.domain_of[domain].name,
        "url": address(site, urls.catalogue(column.slug, domain)),
        "items": [item_entry(site, column, item) for item in column.catalogues[domain]],
    }


def item_entry(site, column, item: Item) -> dict:
    return {
        "id": item.id, "level1": item.level1, "level2": item.level2, "elements": item.elements,
        "basis": item.basis, "time_limit": item.time_limit, "subject": item.subject,
        "channels": list(item.channels), "audience": item.audience, "mode": item.mode,
        "levels": list(item.levels), "type": item.type,
        "service": {"name": item.service_name, "url": item.service_url} if item.is_service else None,
        "url": address(site, urls.item(column.slug, item.domain, item.id)),
        "records": [record_entry(site, r) for r in site.records_of(item)],
    }


def record_entry(site, record: Record) -> dict:
    entry = {
        "id": record.id, "title": record.title, "index_no": record.index_no, "publisher": record.publisher,
        "doc_no": record.doc_no, "category": record.category,
        "written": record.written.isoformat(), "published": record.published.isoformat(),
        "township": record.township, "url": address(site, urls.record(record.column, record.id)),
    }
    if record.kind == "policy":
        entry.update(validity=record.validity, replaced_by=record.replaced_by, item=record.item,
                     interpretations=[interpretation_entry(site, r)
                                      for r in site.interpreting.get((record.column, record.id), ())])
    if record.interprets:
        column, rid = record.interpreted
        entry.update(interprets={"column": column, "id": rid, "url": address(site, urls.record(column, rid))},
                     interpretation_form=record.interpretation_form, video_url=record.video_url)
    return entry


def interpretation_entry(site, record: Record) -> dict:
    return {"column": record.column, "id": record.id, "title": record.title, "form": record.interpretation_form,
            "published": record.published.isoformat(), "url": address(site, urls.record(record.column, record.id))}
