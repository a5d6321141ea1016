"""Which search bundles a build indexes, and what each holds.

Pagefind has no incremental mode, and a query costs requests per bundle it loads (an entry, a
meta file and an index chunk per word, in each bundle), so small bundles make edits cheap and
queries dear. The index is therefore layered, as log-structured stores are:

- a **base** bundle per group of shards (`shard_groups`: consecutive small columns share one, up
  to `GROUP_SHARDS` shards, so the whole default site is one; a big column has one per
  `BIG_GROUP_SHARDS` of its shards), indexed whole by a full build, when its shards changed past
  the delta's bound, or at once when it is small enough to cost no more than a delta;
- one **delta** bundle holding the shards that changed since their base was indexed (at most
  `DELTA_SHARDS` of them: re-indexing the delta costs what re-indexing those shards costs).

A page's document carries its shard (filter 分片, search.py). The search page reads
`urls.SEARCH_LAYERS` to learn the delta's shards, merges the delta with the filter 层 set, and
keeps of the bases only pages of other shards: what a query finds is what a clean build's base
would find, page for page (tests/test_incremental.py compares the pages Pagefind returns).
The choice is made from digests only (plan_layers), so it is the same whatever order builds run.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from . import urls
from .write import write_file

# Service guides and items (事项 pages, domain catalogues, township pages) of every column are
# indexed apart from the columns' records, in one base of their own: a citizen asking how to get
# something done (低保怎么申请) is answered from a few thousand pages, and the records' bases
# (100,000 pages at city scale, whose meta files alone are ~750 KB) load only when the query asks
# for records or the guides do not fill the first screen (static/search.js).
GUIDES = "_guides"
GUIDE_KINDS = ("事项", "目录", "乡镇（街道）")

GROUP_SHARDS = 16        # one-shard columns (up to 800 pages each) share a base up to this many shards
BIG_GROUP_SHARDS = 2     # a column of several shards has a base per this many of its shards
DELTA_SHARDS = 4         # a delta of up to this many shards re-indexes in about 1.5 to 5 s


def part_of(column: str | None, entry: dict | None) -> str:
    """The family of shards a page is indexed in: every column's guides together, or its column's
    records ("" when the page is not indexed)."""
    if not entry:
        return ""
    return GUIDES if entry["filters"].get("类型") in GUIDE_KINDS else column or ""


def shard_name(column: str, shard: int) -> str:
    return f"{column}-{shard:02d}"


def shard_groups(shards: list[tuple[str, int]]) -> list[list[tuple[str, int]]]:
    """The shards (in site order) cut into groups: the guides' shards together; consecutive
    one-shard columns together, up to GROUP_SHARDS shards; a column of several shards (more than
    800 pages) alone, in groups of BIG_GROUP_SHARDS. Measured at 100,000 records (16 shards of ~700 pages per column): a base of a
    whole column takes ~17 s to index again, so that the edit which pushed the delta past its bound
    took 21 s; a base of two shards takes ~2 s, and is indexed again at once instead of a delta."""
    columns: dict[str, list[tuple[str, int]]] = {}
    for column, number in shards:
        columns.setdefault(column, []).append((column, number))
    groups: list[list[tuple[str, int]]] = []
    packing = False                                  # the last group is one of one-shard columns
    for column, members in columns.items():
        if column == GUIDES:                         # loaded whole by every query: one bundle
            groups.append(members)
            packing = False
        elif len(members) > 1:
            groups += [members[at:at + BIG_GROUP_SHARDS] for at in range(0, len(members), BIG_GROUP_SHARDS)]
            packing = False
        elif packing and len(groups[-1]) < GROUP_SHARDS:
            groups[-1].extend(members)
        else:
            groups.append(list(members))
            packing = True
    return groups


def base_bundle(group: int) -> str:
    return urls.search_base(group).rstrip("/")


DELTA = urls.SEARCH_DELTA.rstrip("/")


@dataclass
class Layers:
    """What the published bundles hold: for each base, the digest of each of its shards when it
    was indexed; for the delta, the same of its shards."""
    bases: dict[str, dict[str, str]] = field(default_factory=dict)
    delta: dict[str, str] = field(default_factory=dict)

    def as_json(self) -> dict:
        return {"bases": self.bases, "delta": self.delta}

    @classmethod
    def of(cls, saved) -> "Layers | None":
        if not isinstance(saved, dict) or not isinstance(saved.get("bases"), dict):
            return None
        return cls(dict(saved["bases"]), dict(saved.get("delta") or {}))


@dataclass
class LayerPlan:
    bases: list[int]                 # groups whose base bundle is indexed (whole) by this build
    delta: bool                      # the delta bundle is indexed again (or removed, when it holds nothing)
    removed: list[str]               # base bundles of groups the site no longer has
    layers: Layers                   # what the bundles hold once this build is done

    def delta_shards(self) -> list[str]:
        return sorted(self.layers.delta)


def plan_layers(groups: list[list[tuple[str, int]]], digests: dict[str, str], before: Layers | None,
                intact: Callable[[str], bool]) -> LayerPlan:
    """Which bundles to index. `digests`: shard name -> its digest now; `before`: the last build's
    layers (None: a full build, or none saved); `intact(bundle)`: the bundle is in output/ whole
    and no build was cut short while putting it there."""
    names = [[shard_name(c, n) for c, n in group] for group in groups]
    rebase, stale = [], {}
    for index, group in enumerate(names):
        held = before.bases.get(base_bundle(index)) if before else None
        changed = [name for name in group if held is not None and held.get(name) != digests.get(name)]
        if held is None or set(held) != set(group) or not intact(base_bundle(index)) or \
                (changed and len(group) <= BIG_GROUP_SHARDS):      # as cheap as a delta: the base again
            rebase.append(index)
        else:
            stale[index] = changed
    while sum(map(len, stale.values())) > DELTA_SHARDS:
        worst = max(stale, key=lambda i: (len(stale[i]), -i))      # the group with most changed shards
        rebase.append(worst)
        del stale[worst]
    layers = Layers()
    for index, group in enumerate(names):
        layers.bases[base_bundle(index)] = {n: digests[n] for n in group} if index in rebase else \
            before.bases[base_bundle(index)]
    layers.delta = {name: digests[name] for index in stale for name in stale[index]}
    had = before.delta if before else {}
    index_delta = layers.delta != had or (bool(layers.delta) and not intact(DELTA))
    removed = sorted(set(before.bases if before else ()) - set(layers.bases))
    return LayerPlan(sorted(rebase), index_delta, removed, layers)


def write_layers_file(folder: Path, layers: Layers) -> None:
    """The file the search page reads to learn the delta's shards (urls.SEARCH_LAYERS)."""
    text = json.dumps({"delta": sorted(layers.delta)}, ensure_ascii=False) + "\n"
    target = folder / urls.SEARCH_LAYERS
    target.parent.mkdir(parents=True, exist_ok=True)
    write_file(target, text.encode("utf-8"))


def published_bundles(layers: Layers) -> list[str]:
    """The bundles output/ holds when it is as `layers` say."""
    return sorted(layers.bases) + ([DELTA] if layers.delta else [])
