"""Required elements of every page: lang, title, canonical URL, the footer identifiers and, once
the site has QR codes (一码获取), the QR code on every page of a kind that carries one."""
from __future__ import annotations

from collections import defaultdict

from .context import CheckContext
from .findings import ERROR, Finding

FOOTER_LABELS = ("党政机关网站标识", "主办单位", "联系方式", "网站标识码", "ICP备案号", "公安机关备案号", "我为政府网站找错")
QR_REQUIRED_KINDS = ("page-record",)          # body classes that need a QR code once the site has any


def check_pages(ctx: CheckContext) -> list[Finding]:
    findings = []
    for page, info in ctx.pages.items():
        for problem in page_problems(ctx, info):
            findings.append(finding(ctx, page, problem))
    findings += missing_qr(ctx)
    return findings


def page_problems(ctx: CheckContext, info) -> list[str]:
    problems = []
    if info.lang != "zh-CN":
        problems.append(f"<html> 的 lang 属性应为 zh-CN（现为 {info.lang or '空'}）")
    if not info.title:
        problems.append("缺少页面标题 <title>")
    config = ctx.site.config if ctx.site else None
    prefix = config.base_url + config.base_path if config else ""
    if not info.canonical or not info.canonical.startswith(prefix):
        problems.append("缺少规范链接（canonical URL）")
    for label in FOOTER_LABELS:
        if label not in info.footer_text:
            problems.append(f"页脚缺少「{label}」")
    return problems


def missing_qr(ctx: CheckContext) -> list[Finding]:
    """A page of a kind whose other pages carry a QR code (or a record page) lacks one."""
    if not any(info.has_qr for info in ctx.pages.values()):
        return []
    kinds: dict[str, list[str]] = defaultdict(list)
    with_qr = set()
    for page, info in ctx.pages.items():
        if page == "404.html":                 # served at any address: no address of its own
            continue
        kinds[info.body_class].append(page)
        if info.has_qr:
            with_qr.add(info.body_class)
    required = with_qr | {k for k in kinds if any(r in k.split() for r in QR_REQUIRED_KINDS)}
    return [finding(ctx, page, "缺少本页二维码（一码获取）")
            for kind in sorted(required) for page in kinds[kind] if not ctx.pages[page].has_qr]


def finding(ctx: CheckContext, page: str, problem: str) -> Finding:
    origin = ctx.origin(page)
    return Finding(ERROR, "page-element", problem, origin.column, page, origin.source, origin.line)
