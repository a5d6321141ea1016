"""Markup that shuts readers out: images without alt text, headings out of order, empty links."""
from __future__ import annotations

from .context import CheckContext
from .findings import ERROR, WARNING, Finding


def check_markup(ctx: CheckContext) -> list[Finding]:
    findings = []
    for page, info in ctx.pages.items():
        origin = ctx.origin(page)
        where = dict(column=origin.column, page=page, source=origin.source, line=origin.line)
        for src in info.images_without_alt:
            findings.append(Finding(ERROR, "img-alt", f"图片缺少替代文本（alt）：{src}", **where))
        for problem in heading_problems(info.headings):
            findings.append(Finding(WARNING, "heading-order", problem, **where))
        for href in info.empty_links:
            findings.append(Finding(ERROR, "empty-link", f"链接没有可读的文字：{href}", **where))
    return findings


def heading_problems(levels: list[int]) -> list[str]:
    problems = []
    if levels and levels[0] != 1:
        problems.append(f"页面第一个标题是 h{levels[0]}，应为 h1")
    for before, after in zip(levels, levels[1:]):
        if after > before + 1:
            problems.append(f"标题层级跳跃：h{before} 之后直接出现 h{after}")
    return problems
