"""Column slugs for a new site: the pinyin of a division's name, ASCII and stable.

A division is written without its 区/县/市 suffix (岳麓区 → yuelu) when that is unique in the
site; on a clash (长沙县 beside the city 长沙市) every division of the clash takes its whole
name (changshaxian), and if that still clashes, its adcode after it. The city always keeps its
short slug. Slugs become addresses that get printed, so the rule only depends on the names.
"""
from __future__ import annotations

import re
from collections import Counter

SUFFIXES = ("区", "县", "市")


def syllables(name: str) -> list[str]:
    # The whole name is given to pypinyin so that its phrase table reads 朝阳区 as chaoyang,
    # not zhaoyang; the suffix's syllable is dropped afterwards.
    from pypinyin import lazy_pinyin
    return [re.sub(r"[^a-z0-9]", "", s.lower()) for s in lazy_pinyin(name, errors=lambda text: list(text))]


def short_slug(name: str) -> str:
    parts = syllables(name)
    if name.endswith(SUFFIXES) and len(parts) > 1:
        parts = parts[:-1]
    return ascii_slug(parts)


def full_slug(name: str) -> str:
    return ascii_slug(syllables(name))


def ascii_slug(parts: list[str]) -> str:
    slug = "".join(parts)
    return slug or "column"


def column_slugs(city: str, divisions: list[tuple[str, str]]) -> tuple[str, dict[str, str]]:
    """(the city's slug, {adcode: slug} of the divisions) for divisions given as (adcode, name)."""
    city_slug = short_slug(city)
    slugs = {code: short_slug(name) for code, name in divisions}
    clashes = Counter([city_slug, *slugs.values()])
    slugs = {code: full_slug(name) if clashes[slugs[code]] > 1 else slugs[code] for code, name in divisions}
    taken = Counter([city_slug, *slugs.values()])
    slugs = {code: f"{slug}-{code}" if taken[slug] > 1 else slug for code, slug in slugs.items()}
    return city_slug, slugs
