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


def test_small_columns_share_a_group_and_big_ones_have_their_own():
    assert shard_groups(shards_of({"a": 1, "b": 1, "c": 1})) == [[("a", 0), ("b", 0), ("c", 0)]]
    big = shards_of({"a": GROUP_SHARDS, "b": 1, "c": GROUP_SHARDS - 1, "d": 2})
    groups = shard_groups(big)
    assert [sorted({c for c, _n in g}) for g in groups] == [["a"], ["b", "c"], ["d"]]
    assert [shard for group in groups for shard in group] == big       # every shard once, in order
    assert shard_groups(shards_of({"a": 2 * GROUP_SHARDS})) == [shards_of({"a": 2 * GROUP_SHARDS})]


def test_a_full_build_indexes_every_base_and_no_delta():
    shards = shards_of({"a": 1, "b": 1})
    plan = plan_layers(shard_groups(shards), digests(shards), None, always)
    assert plan.bases == [0] and not plan.delta and plan.removed == []
    assert plan.layers.bases == {"pagefind/00": {"a-00": "old", "b-00": "old"}} and plan.layers.delta == {}


def test_changed_shards_go_to_the_delta_and_the_base_stays():
    shards = shards_of({"a": 1, "b": 1})
    groups = shard_groups(shards)
    before = plan_layers(groups, digests(shards), None, always).layers
    plan = plan_layers(groups, digests(shards, changed={("b", 0)}), before, always)
    assert plan.bases == [] and plan.delta and plan.delta_shards() == ["b-00"]
    assert plan.layers.bases == before.bases                          # what the base holds, unchanged
    # the same digests again: nothing to index
    again = plan_layers(groups, digests(shards, changed={("b", 0)}), plan.layers, always)
    assert again.bases == [] and not again.delta
    # the shard back as the base holds it: the delta empties (its bundle is removed)
    back = plan_layers(groups, digests(shards), plan.layers, always)
    assert back.delta and back.layers.delta == {} and back.bases == []


def test_past_the_delta_bound_the_group_with_most_changes_is_indexed_whole():
    shards = shards_of({"a": GROUP_SHARDS, "b": GROUP_SHARDS})
    groups = shard_groups(shards)
    before = plan_layers(groups, digests(shards), None, always).layers
    changed = {("a", n) for n in range(DELTA_SHARDS)} | {("b", 0)}
    plan = plan_layers(groups, digests(shards, changed), before, always)
    assert plan.bases == [0]                                          # a's base again: 4 of its shards changed
    assert plan.delta_shards() == ["b-00"]
    assert plan.layers.bases["pagefind/00"] == {search_layers.shard_name("a", n): "new" if n < DELTA_SHARDS else "old"
                                                for n in range(GROUP_SHARDS)}


def test_a_missing_or_cut_short_base_is_indexed_again():
    shards = shards_of({"a": 1})
    groups = shard_groups(shards)
    before = plan_layers(groups, digests(shards), None, always).layers
    plan = plan_layers(groups, digests(shards), before, lambda bundle: bundle != "pagefind/00")
    assert plan.bases == [0]
    with_delta = plan_layers(groups, digests(shards, {("a", 0)}), before, always).layers
    lost = plan_layers(groups, digests(shards, {("a", 0)}), with_delta, lambda bundle: bundle != DELTA)
    assert lost.delta and lost.delta_shards() == ["a-00"]             # the delta is made again


def test_a_new_group_of_shards_is_a_new_base_and_a_group_gone_is_removed():
    shards = shards_of({"a": GROUP_SHARDS, "b": 1})
    before = plan_layers(shard_groups(shards), digests(shards), None, always).layers
    fewer = shards_of({"a": GROUP_SHARDS})
    plan = plan_layers(shard_groups(fewer), digests(fewer), before, always)
    assert plan.removed == ["pagefind/01"] and plan.bases == []
    more = shards_of({"a": 2 * GROUP_SHARDS})                          # a's shards doubled: its base again
    plan = plan_layers(shard_groups(more), digests(more), before, always)
    assert plan.bases == [0] and plan.removed == ["pagefind/01"]


def test_layers_survive_a_round_trip_and_the_layers_file_names_the_delta(tmp_path):
    layers = Layers({"pagefind/00": {"a-00": "x"}}, {"a-00": "y"})
    assert Layers.of(json.loads(json.dumps(layers.as_json()))) == layers
    assert Layers.of(None) is None and Layers.of({"bases": "broken"}) is None
    search_layers.write_layers_file(tmp_path, layers)
    assert json.loads((tmp_path / "pagefind/layers.json").read_text()) == {"delta": ["a-00"]}
    assert search_layers.published_bundles(layers) == ["pagefind/00", DELTA]
