"""Update periods: how many days may pass between two records of an item, from its 公开时限."""
from __future__ import annotations

import re

RECURRING = (                       # (pattern, days); the first that matches wins
    (r"每周|按周|每星期", 7),
    (r"每月|按月|月度", 31),
    (r"每季度?|按季度?|季度", 92),
    (r"每半年|半年度", 183),
    (r"每年|按年|年度|每一年", 366),
)


def update_period(time_limit: str) -> int | None:
    """Days allowed between records, or None when the 公开时限 states no period.

    Only a recurring 公开时限 (按月, 按季度, 每年 …) is a period. A deadline such as
    「信息形成或变更之日起20个工作日内」 or 「批准后20日内」 says how soon new information must be
    published, not how often there is new information, so such items get the default period;
    so do 「公示不少于7日」 (a display time) and 「及时公开」."""
    for pattern, days in RECURRING:
        if re.search(pattern, time_limit):
            return days
    return None
