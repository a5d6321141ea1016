"""Internal links and assets that do not resolve: every href/src of every built page."""
from __future__ import annotations

import posixpath
from urllib.parse import unquote, urlsplit

from .context import CheckContext
from .findings import ERROR, Finding

SKIPPED_SCHEMES = ("mailto:", "tel:", "javascript:", "data:")


def check_links(ctx: CheckContext, files: set[str]) -> list[Finding]:
    base_path = ctx.site.config.base_path if ctx.site else "/"
    findings = []
    for page, info in ctx.pages.items():
        origin = ctx.origin(page)
        for tag, address in info.refs:
            target = resolve(page, address, base_path)
            if target is not None and target not in files:
                findings.append(Finding(ERROR, "broken-link", f"链接或资源无法访问：<{tag}> {address}",
                                        origin.column, page, origin.source, origin.line))
    return findings


def resolve(page: str, address: str, base_path: str) -> str | None:
    """The output file an internal address points to; None for external addresses and anchors."""
    address = address.strip()
    if not address or address.startswith("#") or address.lower().startswith(SKIPPED_SCHEMES):
        return None
    parts = urlsplit(address)
    if parts.scheme or parts.netloc:
        return None
    path = unquote(parts.path)
    if not path:
        return None
    if path.startswith("/"):
        if not path.startswith(base_path):
            return "/" + path.lstrip("/")           # outside the site: cannot resolve
        target = path[len(base_path):]
    else:
        target = posixpath.join(posixpath.dirname(page), path)
    if target.endswith("/") or target == "":
        target += "index.html"
    target = posixpath.normpath(target)
    return target if not target.startswith("..") else "../" + target
