"""A record page links the other records of its item: previous (newer) and next (older), and a
window of NEIGHBOURS records either side. Each page depends on its window only, so a new record
makes again the pages whose window it enters, not every page of the item."""
from __future__ import annotations

import random

from conftest import soup
from edits import write_record
from generator.pages import NEIGHBOURS
from generator.views import near_keys
from test_incremental import assert_same_as_clean, changed_since, run, stamps


def test_near_keys_is_a_window_around_the_key():
    keys = [("c", str(n)) for n in range(10)]
    assert near_keys(keys, ("c", "0"), 2) == keys[:3]
    assert near_keys(keys, ("c", "5"), 2) == keys[3:8]
    assert near_keys(keys, ("c", "9"), 3) == keys[6:]
    assert near_keys(keys, ("c", "x"), 3) == []


def item_order(site, item_page: str) -> list[str]:
    """The item page's records, newest first, as output paths."""
    page = soup(site, item_page)
    base = (site / item_page).parent
    return [(base / a["href"]).resolve().relative_to(site.resolve()).as_posix()
            for a in page.select("main .record-list a")]


def test_previous_and_next_follow_the_item_page_order(default_site):
    item_page = "furong/shehui-jiuzhu/shjz-03/index.html"
    order = item_order(default_site, item_page)
    assert len(order) >= 3
    for n, path in enumerate(order):
        page = soup(default_site, path)
        base = (default_site / path).parent
        target = lambda a: (base / a["href"]).resolve().relative_to(default_site.resolve()).as_posix()  # noqa: E731
        prev, nxt = page.select_one('.item-neighbours a[rel="prev"]'), page.select_one('.item-neighbours a[rel="next"]')
        assert (target(prev) if prev else None) == (order[n - 1] if n > 0 else None)
        assert (target(nxt) if nxt else None) == (order[n + 1] if n + 1 < len(order) else None)
        listed = [target(a) for a in page.select(".item-neighbours .record-list a")]
        assert listed == order[max(0, n - NEIGHBOURS):n] + order[n + 1:n + 1 + NEIGHBOURS]
        assert page.select_one('.item-neighbours li[aria-current="page"]')


def test_a_new_record_remakes_only_the_pages_it_stands_beside(site_copy, tmp_path):
    rng = random.Random(7)
    for day in range(1, 9):
        write_record(site_copy, "west", f"nb-{day}", "dibao-zhinan", day, rng)
    output = tmp_path / "output"
    run(site_copy, output)
    before = stamps(output)
    write_record(site_copy, "west", "nb-newest", "dibao-zhinan", 20, rng)
    run(site_copy, output)
    changed = {p for p in changed_since(output, before) if "/info/nb-" in p}
    newest_first = [f"west/info/nb-{day}.html" for day in range(8, 0, -1)]
    assert changed == {"west/info/nb-newest.html", *newest_first[:NEIGHBOURS]}
    assert_same_as_clean(site_copy, output, tmp_path)
