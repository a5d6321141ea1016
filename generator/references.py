"""Checks that span files: unique ids, and every reference (domain, item, township, policy,
sub-column, attachment, theme) resolving to something that exists. Run over the whole store on
every build: a file that did not change can still be broken by one that did (an item deleted that
records point to, an id now given twice)."""
from __future__ import annotations

from .errors import ErrorList
from .model import Record, RecordRef
from .paths import ProjectPaths
from .privacy import EXPECTED, Exemption, attachment_verdicts
from .store import Store, place

UNIQUE = {"item": ("item id", "id"), "record": ("record id", "id"), "township": ("township slug", "slug")}


def check_references(store: Store, paths: ProjectPaths, themes: set[str], errors: ErrorList,
                     records: list[Record] | None = None) -> None:
    """Every rule over the whole store, or (`records`: those that changed, when nothing else did)
    the record rules over those records only."""
    if records is not None:
        check_unique(store, errors)
        for record in sorted(records, key=place):
            check_record(store, record, store.entities["item"], store.entities["township"],
                         store.entities["record"], errors)
        return
    check_columns(store, paths, themes, errors)
    check_unique(store, errors)
    check_catalogues(store, errors)
    check_townships(store, errors)
    check_records(store, errors)


def check_columns(store: Store, paths: ProjectPaths, themes: set[str], errors: ErrorList) -> None:
    cities = [c for c in store.columns if c.is_city]
    if len(cities) != 1:
        errors.add(paths.districts, None, f"{len(cities)} columns have level 'city'",
                   "exactly one column.yaml with level: city")
    config = store.config
    if config and config.city_column not in {c.slug for c in cities}:
        errors.add(paths.site_file, None, f"city.column '{config.city_column}' is not the city column",
                   "the slug of the folder under districts/ whose column.yaml has level: city")
    for column in store.columns:
        if column.theme not in themes:
            errors.add(f"{column.folder}/column.yaml", None, f"theme '{column.theme}' does not exist",
                       "a folder under themes/ with templates/: " + ", ".join(sorted(themes)))


def check_unique(store: Store, errors: ErrorList) -> None:
    """Keys that more than one file (or entry) gives; the store keeps them aside (store.duplicates)."""
    for (kind, key), definers in sorted(store.duplicates.items(), key=lambda d: sorted(place(e) for e, _ in d[1])):
        what, field = UNIQUE[kind] if kind in UNIQUE else (f"{kind} slug", "slug")
        ordered = [whole(store, e) for e, _digest in sorted(definers, key=lambda d: place(d[0]))]
        first = ordered[0].source
        for entity in ordered[1:]:
            errors.add(entity.source.path, entity.source.line_of(field),
                       f"duplicate {what} '{key[-1]}' (first at {first.path}:{first.line_of(field)})",
                       f"a unique {what}")


def whole(store: Store, entity):
    """A record read back as a reference, whole (its lines are wanted for a message)."""
    return store.unpack(entity) if isinstance(entity, RecordRef) else entity


def check_catalogues(store: Store, errors: ErrorList) -> None:
    domains = {d.slug for d in store.domains}
    reported: set[str] = set()
    for item in sorted(store.entities["item"].values(), key=place):
        if item.domain not in domains and item.source.path not in reported:
            reported.add(item.source.path)
            errors.add(item.source.path, None, f"catalogue file names unknown domain '{item.domain}'",
                       "a file named <domain slug>.yaml for a domain in content/domains.yaml")


def check_townships(store: Store, errors: ErrorList) -> None:
    domains = {d.slug for d in store.domains}
    items = store.entities["item"]
    levels = {c.slug: c.level for c in store.columns}
    for town in sorted(store.entities["township"].values(), key=place):
        source = town.source
        if levels.get(town.column) != "district":
            errors.add(source.path, source.line, f"township '{town.slug}' is under a column that is not a district",
                       "townships only in district columns")
        for slug in town.exclude_domains:
            if slug not in domains:
                errors.add(source.path, source.line_of("exclude_domains"),
                           f"township '{town.slug}' excludes unknown domain '{slug}'",
                           "a domain slug from content/domains.yaml")
        for item in town.exclude_items:
            if (town.column, item) not in items:
                errors.add(source.path, source.line_of("exclude_items"),
                           f"township '{town.slug}' excludes unknown item '{item}'",
                           f"an item id from content/{town.column}/catalogue/")


def check_records(store: Store, errors: ErrorList) -> None:
    """Every record's references. Most records name only an item that exists, so the test for
    that is made first and the rest only for records that need it."""
    items, towns = store.entities["item"], store.entities["township"]
    records = store.entities["record"]
    suspects = [r for r in records.values()
                if (r.item and (r.column, r.item) not in items) or r.township or r.replaced_by
                or r.kind == "topic" or r.attachments or r.interprets]
    for record in sorted(suspects, key=place):
        check_record(store, record, items, towns, records, errors)


def check_record(store: Store, record: Record, items: dict, towns: dict, records, errors: ErrorList) -> None:
    def at(key: str) -> tuple:
        source = whole(store, record).source              # worked out only for an error
        return source.path, source.line_of(key)
    if record.item and (record.column, record.item) not in items:
        errors.add(*at("item"), f"unknown item '{record.item}'",
                   f"an item id from content/{record.column}/catalogue/*.yaml")
    check_township(record, items, towns, lambda: at("township"), errors)
    if record.replaced_by:
        target = records.get((record.column, record.replaced_by))
        if target is None or target.kind != "policy":
            errors.add(*at("replaced_by"), f"replaced_by '{record.replaced_by}' is not a policy document of this column",
                       "the id of a document in content/" + record.column + "/policies/")
    if record.interprets:
        check_interpretation(store, record, records, at, errors)
    if record.kind == "topic":
        topic = store.entities["topic"].get((record.column, record.topic))
        if topic is not None and record.subcolumn not in {s.slug for s in topic.subcolumns}:
            errors.add(*at("subcolumn"), f"unknown sub-column '{record.subcolumn}'",
                       "one of " + ", ".join(s.slug for s in topic.subcolumns))
    files = store.attachments.get(record.column, frozenset())
    for attachment in record.attachments:
        if not attachment.is_external and attachment.href not in files:
            errors.add(*at("attachments"), f"attachment '{attachment.href}' not found",
                       f"a file content/{record.column}/files/{attachment.href} or an https:// address")


def check_interpretation(store: Store, record, records, at, errors: ErrorList) -> None:
    """What a 政策解读 points to: a policy document of its own column, or of the city column
    (`<city>/<id>`: a district interprets a city document); and its 图解 pictures."""
    column, rid = record.interpreted
    city = store.config.city_column if store.config else None
    expected = (f"the id of a document in content/{record.column}/policies/"
                + (f", or {city}/<id> for a city document" if city and city != record.column else ""))
    target = records.get((column, rid))
    if column not in (record.column, city):
        errors.add(*at("interprets"), f"interprets '{record.interprets}': a column may interpret only its own "
                   "documents and the city's", expected)
    elif target is None or target.kind != "policy":
        what = "is not a policy document" if target is not None else "names no document"
        errors.add(*at("interprets"), f"interprets '{record.interprets}' {what} of column '{column}'", expected)
    files = store.attachments.get(record.column, frozenset())
    for image in whole(store, record).images:
        if image.file not in files:
            errors.add(*at("images"), f"image '{image.file}' not found",
                       f"a picture content/{record.column}/files/{image.file}")


def check_township(record: Record, items: dict, towns: dict, where, errors: ErrorList) -> None:
    """`where()`: the file and line to name (worked out only for an error)."""
    if not record.township:
        return
    town = towns.get((record.column, record.township))
    if town is None:
        errors.add(*where(), f"unknown township '{record.township}'",
                   f"a township slug from content/{record.column}/townships.yaml")
        return
    item = items.get((record.column, record.item))
    if item is None:
        return
    if item.domain in town.exclude_domains or item.id in town.exclude_items:
        errors.add(*where(), f"item '{item.id}' does not apply to township '{town.slug}' (excluded)",
                   "an item the township's catalogue keeps")
    elif "乡镇级" not in item.levels:
        errors.add(*where(), f"item '{item.id}' is not published at 乡镇级",
                   "an item whose levels include 乡镇级")


def judge_attachments(store: Store, finds: dict[str, tuple[str, str, list]], errors: ErrorList) -> list[Exemption]:
    """Attachments with personal data: errors, unless a record publishing the file declares an
    exception. `finds`: attachment file key -> (column, file name, finds)."""
    publishers: dict[tuple[str, str], list[Record]] = {}
    for record in store.entities["record"].values():
        for attachment in record.attachments:
            publishers.setdefault((record.column, attachment.href), []).append(record)
    exemptions: list[Exemption] = []
    for key, (column, name, found) in sorted(finds.items()):
        owners = sorted(publishers.get((column, name), []), key=place)
        bad, allowed = attachment_verdicts(key, column, name, found, owners)
        for find in bad:
            errors.add(key, find.line, find.message, EXPECTED)
        exemptions += allowed
    return exemptions
