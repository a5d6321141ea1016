"""Update periods: how many days may pass between two records of an item, from its 公开时限."""
from __future__ import annotations

import math
import re

RECURRING = (                       # (pattern, days); the first that matches wins
    (r"每周|按周|每星期", 7),
    (r"每月|按月|月度", 31),
    (r"每季度?|按季度?|季度", 92),
    (r"每半年|半年度", 183),
    (r"每年|按年|年度|每一年", 366),
)
WORKING_DAYS = re.compile(r"(\d+)\s*个?工作日内?")
DAYS = re.compile(r"(\d+)\s*[日天]内")


def update_period(time_limit: str) -> int | None:
    """Days allowed between records, or None when the 公开时限 states no period (e.g. 及时公开)."""
    for pattern, days in RECURRING:
        if re.search(pattern, time_limit):
            return days
    if "不少于" in time_limit:            # a minimum display time (公示不少于7日), not a period
        return None
    if match := WORKING_DAYS.search(time_limit):
        return math.ceil(int(match.group(1)) * 7 / 5)
    if match := DAYS.search(time_limit):
        return int(match.group(1))
    return None
