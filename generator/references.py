"""Checks that span files: unique ids, and every reference (domain, item, township, policy,
sub-column, attachment, theme) resolving to something that exists."""
from __future__ import annotations

from pathlib import Path

from .errors import ErrorList
from .model import Content, Record
from .paths import ProjectPaths


def check_references(content: Content, paths: ProjectPaths, errors: ErrorList) -> None:
    check_columns(content, paths, errors)
    check_catalogues(content, errors)
    check_townships(content, errors)
    check_records(content, errors)


def check_columns(content: Content, paths: ProjectPaths, errors: ErrorList) -> None:
    cities = [c for c in content.columns if c.is_city]
    if len(cities) != 1:
        errors.add(paths.districts, None, f"{len(cities)} columns have level 'city'",
                   "exactly one column.yaml with level: city")
    config = content.config
    if config and config.city_column not in {c.slug for c in cities}:
        errors.add(paths.site_file, None, f"city.column '{config.city_column}' is not the city column",
                   "the slug of the folder under districts/ whose column.yaml has level: city")
    for column in content.columns:
        if not (paths.themes / column.theme / "templates").is_dir():
            errors.add(column.folder / "column.yaml", None, f"theme '{column.theme}' does not exist",
                       "a folder under themes/ with templates/: " + ", ".join(theme_names(paths)))


def theme_names(paths: ProjectPaths) -> list[str]:
    return sorted(p.parent.name for p in paths.themes.glob("*/templates"))


def check_catalogues(content: Content, errors: ErrorList) -> None:
    domains = {d.slug for d in content.domains}
    seen: dict[tuple[str, str], str] = {}
    reported: set[Path] = set()
    for item in content.items:
        if item.domain not in domains and item.source.path not in reported:
            reported.add(item.source.path)
            errors.add(item.source.path, None, f"catalogue file names unknown domain '{item.domain}'",
                       "a file named <domain slug>.yaml for a domain in content/domains.yaml")
        unique(seen, (item.column, item.id), item.source.path, item.source.line_of("id"), "item id", errors)


def check_townships(content: Content, errors: ErrorList) -> None:
    domains = {d.slug for d in content.domains}
    items = {(i.column, i.id) for i in content.items}
    levels = {c.slug: c.level for c in content.columns}
    seen: dict[tuple[str, str], str] = {}
    for town in content.townships:
        where = (town.source.path, town.source.line)
        unique(seen, (town.column, town.slug), town.source.path, town.source.line_of("slug"), "township slug", errors)
        if levels.get(town.column) != "district":
            errors.add(*where, f"township '{town.slug}' is under a column that is not a district",
                       "townships only in district columns")
        for slug in town.exclude_domains:
            if slug not in domains:
                errors.add(town.source.path, town.source.line_of("exclude_domains"), f"township '{town.slug}' excludes unknown domain '{slug}'",
                           "a domain slug from content/domains.yaml")
        for item in town.exclude_items:
            if (town.column, item) not in items:
                errors.add(town.source.path, town.source.line_of("exclude_items"), f"township '{town.slug}' excludes unknown item '{item}'",
                           f"an item id from content/{town.column}/catalogue/")


def check_records(content: Content, errors: ErrorList) -> None:
    items = {(i.column, i.id): i for i in content.items}
    towns = {(t.column, t.slug): t for t in content.townships}
    topics = {(t.column, t.slug): t for t in content.topics}
    files = {(column, p.name) for column, paths in content.files.items() for p in paths}
    policies = {(r.column, r.id) for r in content.records if r.kind == "policy"}
    seen: dict[tuple[str, str], str] = {}
    for record in content.records:
        at = lambda key, r=record: (r.source.path, r.source.line_of(key))  # noqa: E731
        unique(seen, (record.column, record.id), *at("id"), "record id", errors)
        check_item(record, items, at("item"), errors)
        check_township(record, items, towns, at("township"), errors)
        if record.replaced_by and (record.column, record.replaced_by) not in policies:
            errors.add(*at("replaced_by"), f"replaced_by '{record.replaced_by}' is not a policy document of this column",
                       "the id of a document in content/" + record.column + "/policies/")
        if record.kind == "topic":
            topic = topics[(record.column, record.topic)]
            if record.subcolumn not in {s.slug for s in topic.subcolumns}:
                errors.add(*at("subcolumn"), f"unknown sub-column '{record.subcolumn}'",
                           "one of " + ", ".join(s.slug for s in topic.subcolumns))
        for attachment in record.attachments:
            if not attachment.is_external and (record.column, attachment.href) not in files:
                errors.add(*at("attachments"), f"attachment '{attachment.href}' not found",
                           f"a file content/{record.column}/files/{attachment.href} or an https:// address")


def check_item(record: Record, items: dict, where: tuple, errors: ErrorList) -> None:
    if record.item and (record.column, record.item) not in items:
        errors.add(*where, f"unknown item '{record.item}'",
                   f"an item id from content/{record.column}/catalogue/*.yaml")


def check_township(record: Record, items: dict, towns: dict, where: tuple, errors: ErrorList) -> None:
    if not record.township:
        return
    town = towns.get((record.column, record.township))
    if town is None:
        errors.add(*where, f"unknown township '{record.township}'",
                   f"a township slug from content/{record.column}/townships.yaml")
        return
    item = items.get((record.column, record.item))
    if item is None:
        return
    if item.domain in town.exclude_domains or item.id in town.exclude_items:
        errors.add(*where, f"item '{item.id}' does not apply to township '{town.slug}' (excluded)",
                   "an item the township's catalogue keeps")
    elif "乡镇级" not in item.levels:
        errors.add(*where, f"item '{item.id}' is not published at 乡镇级",
                   "an item whose levels include 乡镇级")


def unique(seen: dict, key: tuple, path: Path, line: int | None, what: str, errors: ErrorList) -> None:
    if key in seen:
        first_path, first_line = seen[key]
        errors.add(path, line, f"duplicate {what} '{key[-1]}' (first at {errors.display(first_path)}:{first_line})",
                   f"a unique {what}")
    else:
        seen[key] = (path, line)      # shown only for a duplicate: display() costs on 100,000 records
