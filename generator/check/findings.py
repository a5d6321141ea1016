"""What a check rule reports: one finding, with its severity and where it is."""
from __future__ import annotations

from dataclasses import asdict, dataclass

from ..errors import shown

VETO, ERROR, WARNING, NOTICE = "veto", "error", "warning", "notice"
SEVERITIES = (VETO, ERROR, WARNING, NOTICE)
SEVERITY_LABELS = {VETO: "单项否决", ERROR: "错误", WARNING: "警告", NOTICE: "提示"}


@dataclass(frozen=True)
class Finding:
    severity: str                # one of SEVERITIES
    rule: str                    # short rule id, e.g. "broken-link"
    message: str                 # Chinese, for the webmaster
    column: str = ""             # column name (or slug) the finding belongs to
    page: str = ""               # output page, relative to the site root
    source: str = ""             # source file, relative to the project root
    line: int | None = None

    def __post_init__(self):
        # Reports go to screens, HTML files and other programs: none shows a personal number.
        for name in ("message", "page", "source"):
            object.__setattr__(self, name, shown(getattr(self, name)))

    @property
    def where(self) -> str:
        if not self.source:
            return ""
        return f"{self.source}:{self.line}" if self.line else self.source

    def as_dict(self) -> dict:
        return asdict(self)


def sort_key(finding: Finding) -> tuple:
    return (SEVERITIES.index(finding.severity), finding.rule, finding.column, finding.page, finding.source,
            finding.line or 0)
