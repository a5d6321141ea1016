"""Column rules of the national inspection: home pages not updated, blank columns and stale columns
(the veto lines), and items not updated within their 公开时限."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .. import urls
from ..model import Record
from .context import CheckContext
from .findings import ERROR, VETO, WARNING, Finding
from .periods import update_period

HOME_DAYS = NEWS_DAYS = 14
NOTICE_DAYS = POLICY_DAYS = 183
VETO_COUNT = 5
NEWS_WORDS = ("动态", "新闻", "要闻", "通报", "资讯", "快讯")


@dataclass(frozen=True)
class Unit:
    """One 栏目 in the inspection's sense: a column, a domain catalogue, 文件库 or a sub-column."""

    column: object                       # views.ColumnView
    name: str
    page: str
    records: tuple[Record, ...]
    max_days: int | None                 # None: staleness is the home-page veto's business
    source: str = ""


def check_columns(ctx: CheckContext) -> list[Finding]:
    if ctx.site is None:
        return []
    units = [u for column in ctx.site.columns for u in column_units(ctx, ctx.site, column)]
    findings = [f for column in ctx.site.columns for f in home_not_updated(ctx, column)]
    blank = [blank_finding(ctx, u) for u in units if not u.records]
    stale = [stale_finding(ctx, u) for u in units
             if u.records and u.max_days is not None and age(ctx, u.records) > u.max_days]
    findings += blank + stale + veto_counts(blank, stale)
    for column in ctx.site.columns:
        findings += item_findings(ctx, ctx.site, column)
    return findings


def column_units(ctx: CheckContext, site, column) -> list[Unit]:
    source = f"{column.config.folder}/column.yaml"
    units = [Unit(column, "专栏", urls.column_home(column.slug), tuple(column.records) + tuple(column.policies),
                  None, source)]
    for domain, items in column.catalogues.items():
        records = sorted((r for i in items for r in site.records_of(i)),
                         key=lambda r: r.sort_key, reverse=True)
        units.append(Unit(column, f"{site.domain_of[domain].name}领域目录", urls.catalogue(column.slug, domain),
                          tuple(records), NOTICE_DAYS, ctx.display(items[0].source.path)))
    if column.policies:         # an empty 文件库 has no page, so it is no blank column
        units.append(Unit(column, "文件库", urls.policies(column.slug), tuple(column.policies), POLICY_DAYS, source))
    for topic in column.topics:
        for sub in topic.subcolumns:
            records = tuple(site.by_subcolumn[(column.slug, topic.slug, sub.slug)])
            days = NEWS_DAYS if any(w in sub.name for w in NEWS_WORDS) else NOTICE_DAYS
            units.append(Unit(column, f"{topic.name}·{sub.name}", urls.subcolumn(column.slug, topic.slug, sub.slug),
                              records, days, ctx.display(topic.source.path)))
    return units


def age(ctx: CheckContext, records: tuple[Record, ...]) -> int:
    return (ctx.today - max(r.published for r in records)).days


def home_not_updated(ctx: CheckContext, column) -> list[Finding]:
    everything = tuple(column.records) + tuple(column.policies)
    if not everything:
        return []        # reported as a blank column
    newest = max(r.published for r in everything)
    days = (ctx.today - newest).days
    if days <= HOME_DAYS:
        return []
    return [Finding(VETO, "home-not-updated",
                    f"专栏首页超过两周未更新：最新信息发布于 {newest.isoformat()}（{days} 天前）",
                    column.name, urls.column_home(column.slug), f"{column.config.folder}/column.yaml")]


def blank_finding(ctx: CheckContext, unit: Unit) -> Finding:
    return Finding(ERROR, "blank-column", f"空白栏目：「{unit.name}」没有任何公开信息",
                   unit.column.name, unit.page, unit.source)


def stale_finding(ctx: CheckContext, unit: Unit) -> Finding:
    newest = max(r.published for r in unit.records)
    kind = "动态类栏目两周" if unit.max_days == NEWS_DAYS else "通知公告、政策文件类栏目六个月"
    return Finding(WARNING, "stale-column",
                   f"栏目不更新：「{unit.name}」最新信息发布于 {newest.isoformat()}，超过{kind}的更新要求",
                   unit.column.name, unit.page, unit.source)


def veto_counts(blank: list[Finding], stale: list[Finding]) -> list[Finding]:
    found = []
    if len(blank) >= VETO_COUNT:
        found.append(Finding(VETO, "blank-columns-veto", f"空白栏目 {len(blank)} 个，达到单项否决线（5 个及以上）"))
    if len(stale) >= VETO_COUNT:
        found.append(Finding(VETO, "stale-columns-veto", f"不更新栏目 {len(stale)} 个，达到单项否决线（5 个及以上）"))
    return found


def item_findings(ctx: CheckContext, site, column) -> list[Finding]:
    found = []
    for domain, items in column.catalogues.items():
        for item in items:
            records = site.records_of(item)
            page = urls.item(column.slug, domain, item.id)
            where = dict(column=column.name, page=page, source=ctx.display(item.source.path), line=item.source.line)
            if not records and item.mode == "主动":
                found.append(Finding(WARNING, "blank-item", f"主动公开事项「{item.level2}」没有公开信息", **where))
            elif records:
                found += stale_item(ctx, item, records[0].published, where)
    return found


def stale_item(ctx: CheckContext, item, newest: dt.date, where: dict) -> list[Finding]:
    period = update_period(item.time_limit)
    days = period if period is not None else ctx.default_period
    if (ctx.today - newest).days <= days:
        return []
    basis = f"公开时限「{item.time_limit}」" if period is not None else f"默认更新周期 {days} 天"
    return [Finding(WARNING, "stale-item",
                    f"事项「{item.level2}」最新信息发布于 {newest.isoformat()}，超过{basis}", **where)]
