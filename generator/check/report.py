"""The audit's three forms: a text summary for the terminal, JSON for CI and an HTML report for
the webmaster (written outside output/: it is not for the public)."""
from __future__ import annotations

import datetime as dt
import html
import json
from collections import Counter
from pathlib import Path

from .findings import SEVERITIES, SEVERITY_LABELS, Finding

TEXT_LIMIT = 30          # findings printed per severity in the text summary; all go to the HTML report


def counts(findings: list[Finding]) -> dict[str, int]:
    found = Counter(f.severity for f in findings)
    return {s: found.get(s, 0) for s in SEVERITIES}


def summary_line(findings: list[Finding]) -> str:
    return "，".join(f"{SEVERITY_LABELS[s]} {n} 项" for s, n in counts(findings).items())


def text_report(findings: list[Finding], report_path: Path | None) -> str:
    lines = []
    for severity in SEVERITIES:
        chosen = [f for f in findings if f.severity == severity]
        if not chosen:
            continue
        lines.append(f"== {SEVERITY_LABELS[severity]}（{severity}）{len(chosen)} 项 ==")
        lines += [text_line(f) for f in chosen[:TEXT_LIMIT]]
        if len(chosen) > TEXT_LIMIT:
            lines.append(f"  …… 另有 {len(chosen) - TEXT_LIMIT} 项，见 HTML 报告")
    lines.append("检查结果：" + summary_line(findings))
    if report_path is not None:
        lines.append(f"HTML 报告：{report_path}")
    return "\n".join(lines)


def text_line(f: Finding) -> str:
    parts = [p for p in (f.column, f.page, f.where) if p]
    return f"  [{f.rule}] {f.message}" + (f"  ({' · '.join(parts)})" if parts else "")


def json_report(findings: list[Finding], today: dt.date) -> str:
    return json.dumps({"today": today.isoformat(), "counts": counts(findings),
                       "findings": [f.as_dict() for f in findings]}, ensure_ascii=False, indent=2)


def write_html_report(path: Path, findings: list[Finding], today: dt.date) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(html_report(findings, today), encoding="utf-8")


def html_report(findings: list[Finding], today: dt.date) -> str:
    e = html.escape
    rows = "\n".join(
        f'<tr class="{e(f.severity)}"><td>{e(SEVERITY_LABELS[f.severity])}</td><td>{e(f.rule)}</td>'
        f"<td>{e(f.message)}</td><td>{e(f.column)}</td><td>{e(f.page)}</td><td>{e(f.where)}</td></tr>"
        for f in findings)
    totals = "".join(f"<li>{e(SEVERITY_LABELS[s])}：{n} 项</li>" for s, n in counts(findings).items())
    return f"""<!DOCTYPE html>
<html lang="zh-CN">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>网站检查报告 {today.isoformat()}</title>
<style>
body{{font-family:sans-serif;margin:1rem;color:#1f1f1f}} table{{border-collapse:collapse;width:100%;font-size:.9rem}}
th,td{{border:1px solid #ccc;padding:.3rem .5rem;text-align:left;vertical-align:top}} thead th{{background:#f0f0f0}}
tr.veto td:first-child{{background:#a31515;color:#fff}} tr.error td:first-child{{background:#fde2e2}}
tr.warning td:first-child{{background:#fff3cd}}
</style></head>
<body>
<h1>网站检查报告</h1>
<p>检查日期：{today.isoformat()}。本报告供网站管理员使用，不对外发布。</p>
<ul>{totals}</ul>
<table>
<thead><tr><th scope="col">级别</th><th scope="col">规则</th><th scope="col">问题</th><th scope="col">栏目</th>
<th scope="col">页面</th><th scope="col">源文件</th></tr></thead>
<tbody>
{rows}
</tbody>
</table>
</body>
</html>
"""
