"""views.py: what a computation reads is recorded as facets, and a facet's digest changes exactly
when what was read changes."""
from __future__ import annotations

import datetime as dt

import pytest

from generator.model import Domain, Item, Record, Source
from generator.sourcecache import encode, entity_digest
from generator.store import Change, Store
from generator.views import SiteView, facet_digest, reading


def record(rid: str, day: int, item: str = "a", column: str = "east", title: str = "标题",
           path: str = "content/east/records/r.yaml") -> Record:
    date = dt.date(2026, 1, day)
    return Record(rid, column, "record", title, date, date, "发布机构", "0001", "正文", Source(path, day), item=item)


def item(iid: str, column: str = "east") -> Item:
    return Item(iid, column, "d", "一级", "二级", "要素", "依据", "时限", "主体", ("网站",), "全社会", "主动", ("区县级",),
                "非政务服务事项", None, None, Source(f"content/{column}/catalogue/d.yaml", 1))


def put(store: Store, key: str, entities: list) -> Change:
    change = Change()
    store.put_file(key, entities, [entity_digest(encode(e)) for e in entities], change)
    return change


@pytest.fixture
def store():
    store = Store()
    store.domains = (Domain("d", "领域", "说明", 1),)
    put(store, "content/east/catalogue/d.yaml", [item("a"), item("b")])
    put(store, "content/east/records/r.yaml", [record(f"r{n}", n) for n in range(1, 8)])
    return store


def test_a_slice_records_which_records_it_handed_out_and_nothing_else(store):
    site = SiteView(store)
    with reading() as reads:
        titles = [r.id for r in site.column("east").records[:3]]
    assert titles == ["r7", "r6", "r5"]                            # newest first
    assert ("c", "column-records", "east", "slice", None, 3) in reads
    assert {f for f in reads if f[0] == "e"} == {("e", "record", ("east", f"r{n}")) for n in (7, 6, 5)}
    assert ("c", "column-records", "east", "len") not in reads


def test_a_length_is_its_own_facet(store):
    with reading() as reads:
        count = len(SiteView(store).records)
    assert count == 7 and reads == {("c", "all-records", (), "len")}


def test_an_edited_record_changes_its_entity_facet_but_not_the_slice(store):
    facets = [("e", "record", ("east", "r6")), ("c", "column-records", "east", "slice", None, 3),
              ("c", "column-records", "east", "len")]
    before = [facet_digest(store, f) for f in facets]
    entities = [record(f"r{n}", n, title="改过" if n == 6 else "标题") for n in range(1, 8)]
    change = put(store, "content/east/records/r.yaml", entities)
    after = [facet_digest(store, f) for f in facets]
    assert before[0] != after[0] and before[1:] == after[1:]
    assert ("record", ("east", "r6")) in change.entities


def test_a_new_newest_record_shifts_the_slices_and_the_length(store):
    facets = [("c", "column-records", "east", "slice", None, 3), ("c", "column-records", "east", "slice", 3, 6),
              ("c", "column-records", "east", "len"), ("e", "record", ("east", "r1"))]
    before = [facet_digest(store, f) for f in facets]
    change = put(store, "content/east/records/new.md", [record("r9", 20, path="content/east/records/new.md")])
    after = [facet_digest(store, f) for f in facets]
    assert [b != a for b, a in zip(before, after)] == [True, True, True, False]
    assert ("column-records", "east") in change.lists and ("item-records", ("east", "a")) in change.lists


def test_records_of_some_items_depend_on_which_pass_not_on_the_others(store):
    entities = [record(f"r{n}", n, item="a" if n % 2 else "b") for n in range(1, 8)]
    put(store, "content/east/records/r.yaml", entities)
    with reading() as reads:
        ids = [r.id for r in SiteView(store).column("east").records.with_items({"b"})]
    assert ids == ["r6", "r4", "r2"]
    facet = ("c", "column-records", "east", "items", ("b",))
    assert facet in reads and ("c", "column-records", "east", "ids") not in reads
    assert {f for f in reads if f[0] == "e"} == {("e", "record", ("east", f"r{n}")) for n in (6, 4, 2)}
    before = facet_digest(store, facet)
    entities[0] = record("r1", 1, item="a", title="改过")              # a record that does not pass
    put(store, "content/east/records/r.yaml", entities)
    assert facet_digest(store, facet) == before
    entities[0] = record("r1", 1, item="b")                            # now it passes
    put(store, "content/east/records/r.yaml", entities)
    assert facet_digest(store, facet) != before


def test_lists_stay_in_order_as_files_come_and_go(store):
    put(store, "content/east/records/new.md", [record("r0", 4, path="content/east/records/new.md")])  # by date, then id
    assert [k[1] for k in store.record_list("column-records", "east")] == ["r7", "r6", "r5", "r4", "r0", "r3", "r2",
                                                                            "r1"]
    store.drop_file("content/east/records/new.md", Change())
    assert [k[1] for k in store.record_list("column-records", "east")] == [f"r{n}" for n in range(7, 0, -1)]


def test_a_small_list_is_read_whole(store):
    with reading() as reads:
        ids = [i.id for i in SiteView(store).column("east").catalogues["d"]]
    assert ids == ["a", "b"]
    assert ("c", "catalogue", ("east", "d"), "all") in reads
    before = facet_digest(store, ("c", "catalogue", ("east", "d"), "all"))
    put(store, "content/east/catalogue/d.yaml", [item("a"), item("b"), item("c")])
    assert facet_digest(store, ("c", "catalogue", ("east", "d"), "all")) != before


def test_a_revert_puts_the_store_back(store):
    before = list(store.record_list("column-records", "east"))
    change = put(store, "content/east/records/new.md", [record("r9", 20, path="content/east/records/new.md")])
    store.revert(change)
    assert store.record_list("column-records", "east") == before and ("east", "r9") not in store.entities["record"]


def test_an_entity_digest_is_the_same_wherever_the_value_came_from():
    a = record("r1", 1)
    b = a._replace(source=Source("content/elsewhere/other.yaml", 99, (("id", 3),)))
    assert entity_digest(encode(a)) == entity_digest(encode(b))
    assert entity_digest(encode(a)) != entity_digest(encode(record("r1", 1, title="别的")))


def test_a_key_two_files_give_is_a_duplicate_until_one_of_them_lets_go(store):
    other = "content/east/records/a-copy.md"
    put(store, other, [record("r3", 9, path=other)])
    assert ("record", ("east", "r3")) in store.duplicates
    assert store.record(("east", "r3")).published.day == 3               # the first one stays shown
    put(store, "content/east/records/r.yaml", [record(f"r{n}", n) for n in (1, 2, 4, 5, 6, 7)])
    assert not store.duplicates
    assert store.record(("east", "r3")).published.day == 9               # now the other file's
    assert ("east", "r3") == store.record_list("column-records", "east")[0]
