"""Validated content → the Site: catalogues per column × domain, records per item, townships by
subtraction, latest lists. Pure data work; nothing here knows about pages or files."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from .model import ColumnConfig, Content, Domain, Item, Record, SiteConfig, Topic, Township


@dataclass(frozen=True)
class Column:
    config: ColumnConfig
    catalogues: dict[str, tuple[Item, ...]]      # domain slug -> items, only non-empty domains
    records: tuple[Record, ...]                  # kind "record", newest first
    policies: tuple[Record, ...]                 # newest first
    townships: tuple[Township, ...]
    topics: tuple[Topic, ...]

    @property
    def slug(self) -> str:
        return self.config.slug

    @property
    def name(self) -> str:
        return self.config.name


@dataclass(frozen=True)
class Site:
    config: SiteConfig
    domains: tuple[Domain, ...]
    columns: tuple[Column, ...]                  # city first, then districts in adcode order
    items: dict[tuple[str, str], Item]
    records: dict[tuple[str, str], Record]
    by_item: dict[tuple[str, str], tuple[Record, ...]]
    by_township: dict[tuple[str, str], tuple[Record, ...]]
    by_subcolumn: dict[tuple[str, str, str], tuple[Record, ...]]
    replacing: dict[tuple[str, str], tuple[Record, ...]] = field(default_factory=dict)  # policy -> older ones
    domain_of: dict[str, Domain] = field(default_factory=dict)
    citymap: object | None = None                # citygeo.CityMap, or None when there is no map

    def records_of(self, item: Item) -> tuple[Record, ...]:
        """The records published under an item, newest first."""
        return self.by_item.get((item.column, item.id), ())

    def column(self, slug: str) -> Column:
        return next(c for c in self.columns if c.slug == slug)

    @property
    def city(self) -> Column:
        return next(c for c in self.columns if c.config.is_city)

    @property
    def districts(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if not c.config.is_city)


def build_site(content: Content) -> Site:
    records = sorted(content.records, key=lambda r: r.sort_key, reverse=True)
    columns = tuple(assemble_column(c, content, records) for c in ordered_columns(content.columns))
    return Site(
        config=content.config,
        domains=content.domains,
        columns=columns,
        items={(i.column, i.id): i for i in content.items},
        records={(r.column, r.id): r for r in records},
        by_item=group(records, lambda r: (r.column, r.item) if r.kind == "record" else None),
        by_township=group(records, lambda r: (r.column, r.township) if r.township else None),
        by_subcolumn=group(records, lambda r: (r.column, r.topic, r.subcolumn) if r.kind == "topic" else None),
        replacing=group(records, lambda r: (r.column, r.replaced_by) if r.kind == "policy" and r.replaced_by else None),
        domain_of={d.slug: d for d in content.domains},
        citymap=content.citymap,
    )


def ordered_columns(columns: tuple[ColumnConfig, ...]) -> list[ColumnConfig]:
    return sorted(columns, key=lambda c: (not c.is_city, c.adcode))


def assemble_column(config: ColumnConfig, content: Content, records: list[Record]) -> Column:
    order = {d.slug: d.order for d in content.domains}
    catalogues: dict[str, list[Item]] = defaultdict(list)
    for item in content.items:
        if item.column == config.slug and item.domain in order:
            catalogues[item.domain].append(item)
    mine = [r for r in records if r.column == config.slug]
    return Column(
        config=config,
        catalogues={d: tuple(catalogues[d]) for d in sorted(catalogues, key=order.get)},
        records=tuple(r for r in mine if r.kind == "record"),
        policies=tuple(r for r in mine if r.kind == "policy"),
        townships=tuple(t for t in content.townships if t.column == config.slug),
        topics=tuple(t for t in content.topics if t.column == config.slug),
    )


def township_catalogues(column: Column, town: Township) -> dict[str, tuple[Item, ...]]:
    """The district's catalogue minus what does not apply to the township (做减法)."""
    kept = {}
    for domain, items in column.catalogues.items():
        if domain in town.exclude_domains:
            continue
        remaining = tuple(i for i in items if i.id not in town.exclude_items)
        if remaining:
            kept[domain] = remaining
    return kept


def group(records: list[Record], key) -> dict:
    groups: dict = defaultdict(list)
    for record in records:
        k = key(record)
        if k is not None:
            groups[k].append(record)
    return {k: tuple(v) for k, v in groups.items()}
