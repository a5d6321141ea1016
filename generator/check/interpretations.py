"""政策解读 rules: a document in force that must be interpreted and has no interpretation, and an
interpretation published too long after its document (the guidance asks for both at once)."""
from __future__ import annotations

from .. import urls
from .context import CheckContext
from .findings import ERROR, WARNING, Finding


def check_interpretations(ctx: CheckContext) -> list[Finding]:
    if ctx.site is None:
        return []
    config = ctx.site.config
    found = []
    for column in ctx.site.columns:
        for policy in column.policies:
            if needs_interpretation(policy, config.interpretation_categories):
                found += missing(ctx, column, policy)
        for interpretation in column.interpretations:
            found += late(ctx, interpretation, config.interpretation_delay_days)
    return found


def needs_interpretation(policy, categories: tuple[str, ...]) -> bool:
    """Marked so (`needs_interpretation: true`), or of a 主题分类 site.yaml names and not marked
    `false`; only a document in force (有效) still needs one."""
    wanted = policy.needs_interpretation
    if wanted is None:
        wanted = policy.category in categories
    return wanted and policy.validity == "有效"


def missing(ctx: CheckContext, column, policy) -> list[Finding]:
    if ctx.site.interpreting.get((policy.column, policy.id)):
        return []
    why = "标注为需要解读" if policy.needs_interpretation else f"主题分类「{policy.category}」的文件需要解读"
    return [Finding(ERROR, "interpretation-missing",
                    f"政策文件「{policy.title}」{why}，但没有发布政策解读（文字解读、图解、问答或视频）",
                    column.name, urls.record(policy.column, policy.id), ctx.display(policy.source.path),
                    policy.source.line_of("needs_interpretation" if policy.needs_interpretation else "category"))]


def late(ctx: CheckContext, interpretation, max_days: int) -> list[Finding]:
    original = ctx.site.records.get(interpretation.interpreted)
    if original is None:
        return []
    days = (interpretation.published - original.published).days
    if days <= max_days:
        return []
    return [Finding(WARNING, "interpretation-late",
                    f"政策解读「{interpretation.title}」发布于 {interpretation.published.isoformat()}，"
                    f"比原文「{original.title}」（{original.published.isoformat()}）晚 {days} 天，"
                    f"超过 {max_days} 天（site.yaml interpretation.max_delay_days）",
                    ctx.column_name(interpretation.column), urls.record(interpretation.column, interpretation.id),
                    ctx.display(interpretation.source.path), interpretation.source.line_of("published"))]
