"""Content errors (the personal-data guard's among them) as findings, and the lawful exceptions
the guard let through (privacy_exception) as notices."""
from __future__ import annotations

from .. import urls
from ..errors import ContentError
from .context import CheckContext
from .findings import ERROR, NOTICE, Finding


def content_error_findings(ctx: CheckContext, errors: list[ContentError]) -> list[Finding]:
    found = []
    for error in errors:
        rule = "personal-data" if "个人信息未脱敏" in error.message else "content-error"
        text = error.message + (f"（应为：{error.expected}）" if error.expected else "")
        column = error.path.split("/")[1] if error.path.startswith("content/") and error.path.count("/") > 1 else ""
        found.append(Finding(ERROR, rule, text, ctx.column_name(column), "", error.path, error.line))
    return found


def exception_notices(ctx: CheckContext, exemptions: list) -> list[Finding]:
    found = []
    for ex in exemptions:    # found by the guard while the content was checked
        found.append(Finding(NOTICE, "personal-data-exception",
                             f"含个人信息（{ex.preview}），已声明依法公开理由：{ex.reason}",
                             ctx.column_name(ex.column), urls.record(ex.column, ex.record),
                             ctx.display(ex.path), ex.line))
    return found
