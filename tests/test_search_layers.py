"""The layered search index (search_layers.py): base bundles per group of columns, one delta bundle of
the shards changed since, chosen from digests alone."""
from __future__ import annotations

import json

from generator import search_layers
from generator.search_layers import DELTA, DELTA_SHARDS, GROUP_SHARDS, Layers, plan_layers, shard_groups


def shards_of(counts: dict[str, int]) -> list[tuple[str, int]]:
    return [(column, n) for column, count in counts.items() for n in range(count)]


def digests(shards, changed=()) -> dict[str, str]:
    return {search_layers.shard_name(c, n): ("new" if (c, n) in changed else "old") for c, n in shards}


def always(_bundle):
    return True


def small(count: int, prefix: str = "c") -> dict[str, int]:
    """`count` one-shard columns."""
    return {f"{prefix}{n:02d}": 1 for n in range(count)}


def test_the_guides_of_every_column_make_one_group_of_their_own():
    guides = search_layers.GUIDES
    shards = shards_of({guides: 4, "a": 1, "b": 1, "c": 3})
    assert shard_groups(shards) == [[(guides, n) for n in range(4)], [("a", 0), ("b", 0)], [("c", 0), ("c", 1)], [("c", 2)]]
    entry = {"filters": {"区县": "岳麓区", "类型": "事项"}}
    assert search_layers.part_of("yuelu", entry) == guides
    assert search_layers.part_of("yuelu", {"filters": {"类型": "乡镇（街道）"}}) == guides
    assert search_layers.part_of("yuelu", {"filters": {"类型": "信息"}}) == "yuelu"
    assert search_layers.part_of("yuelu", None) == ""


def test_small_columns_share_a_group_and_big_ones_are_cut_in_small_groups():
    assert shard_groups(shards_of({"a": 1, "b": 1, "c": 1})) == [[("a", 0), ("b", 0), ("c", 0)]]
    mixed = shards_of({"a": 3, "b": 1, "c": 1, "d": 2})
    assert shard_groups(mixed) == [[("a", 0), ("a", 1)], [("a", 2)], [("b", 0), ("c", 0)], [("d", 0), ("d", 1)]]
    many = shards_of(small(GROUP_SHARDS + 1))
    groups = shard_groups(many)
    assert [len(g) for g in groups] == [GROUP_SHARDS, 1]
    assert [shard for group in groups for shard in group] == many       # every shard once, in order


def test_a_full_build_indexes_every_base_and_no_delta():
    shards = shards_of(small(3))
    plan = plan_layers(shard_groups(shards), digests(shards), None, always)
    assert plan.bases == [0] and not plan.delta and plan.removed == []
    assert plan.layers.bases == {"pagefind/00": {"c00-00": "old", "c01-00": "old", "c02-00": "old"}}
    assert plan.layers.delta == {}


def test_changed_shards_go_to_the_delta_and_the_base_stays():
    shards = shards_of(small(3))
    groups = shard_groups(shards)
    before = plan_layers(groups, digests(shards), None, always).layers
    plan = plan_layers(groups, digests(shards, changed={("c01", 0)}), before, always)
    assert plan.bases == [] and plan.delta and plan.delta_shards() == ["c01-00"]
    assert plan.layers.bases == before.bases                          # what the base holds, unchanged
    # the same digests again: nothing to index
    again = plan_layers(groups, digests(shards, changed={("c01", 0)}), plan.layers, always)
    assert again.bases == [] and not again.delta
    # the shard back as the base holds it: the delta empties (its bundle is removed)
    back = plan_layers(groups, digests(shards), plan.layers, always)
    assert back.delta and back.layers.delta == {} and back.bases == []


def test_a_small_base_is_indexed_again_at_once():
    shards = shards_of({"big": 4})
    groups = shard_groups(shards)
    before = plan_layers(groups, digests(shards), None, always).layers
    plan = plan_layers(groups, digests(shards, changed={("big", 3)}), before, always)
    assert plan.bases == [1] and plan.layers.delta == {} and not plan.delta
    assert plan.layers.bases["pagefind/01"] == {"big-02": "old", "big-03": "new"}


def test_past_the_delta_bound_the_group_with_most_changes_is_indexed_whole():
    shards = shards_of(small(2 * GROUP_SHARDS))
    groups = shard_groups(shards)
    before = plan_layers(groups, digests(shards), None, always).layers
    changed = {(f"c{n:02d}", 0) for n in range(DELTA_SHARDS)} | {(f"c{GROUP_SHARDS:02d}", 0)}
    plan = plan_layers(groups, digests(shards, changed), before, always)
    assert plan.bases == [0]                                          # the first base again: 4 of its shards changed
    assert plan.delta_shards() == [f"c{GROUP_SHARDS:02d}-00"]
    assert plan.layers.bases["pagefind/00"] == {f"c{n:02d}-00": "new" if n < DELTA_SHARDS else "old"
                                                for n in range(GROUP_SHARDS)}


def test_a_missing_or_cut_short_base_is_indexed_again():
    shards = shards_of(small(3))
    groups = shard_groups(shards)
    before = plan_layers(groups, digests(shards), None, always).layers
    plan = plan_layers(groups, digests(shards), before, lambda bundle: bundle != "pagefind/00")
    assert plan.bases == [0]
    with_delta = plan_layers(groups, digests(shards, {("c00", 0)}), before, always).layers
    lost = plan_layers(groups, digests(shards, {("c00", 0)}), with_delta, lambda bundle: bundle != DELTA)
    assert lost.delta and lost.delta_shards() == ["c00-00"]           # the delta is made again


def test_a_new_group_of_shards_is_a_new_base_and_a_group_gone_is_removed():
    shards = shards_of({**small(3), "big": 2})
    before = plan_layers(shard_groups(shards), digests(shards), None, always).layers
    fewer = shards_of(small(3))
    plan = plan_layers(shard_groups(fewer), digests(fewer), before, always)
    assert plan.removed == ["pagefind/01"] and plan.bases == []
    more = shards_of({**small(3), "big": 4})                          # big's shards doubled: its pages moved
    plan = plan_layers(shard_groups(more), digests(more, changed=set(shards_of({"big": 4}))), before, always)
    assert plan.bases == [1, 2] and plan.removed == []


def test_layers_survive_a_round_trip_and_the_layers_file_names_the_delta(tmp_path):
    layers = Layers({"pagefind/00": {"a-00": "x"}}, {"a-00": "y"})
    assert Layers.of(json.loads(json.dumps(layers.as_json()))) == layers
    assert Layers.of(None) is None and Layers.of({"bases": "broken"}) is None
    search_layers.write_layers_file(tmp_path, layers)
    assert json.loads((tmp_path / "pagefind/layers.json").read_text()) == {"delta": ["a-00"]}
    assert search_layers.published_bundles(layers) == ["pagefind/00", DELTA]
