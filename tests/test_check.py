"""`python build.py check`: the audit of content and built site, its severities, formats and report."""
from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import sys

import pytest

from conftest import REPO, build_into
from generator.check import CheckOptions, run_check
from generator.check.columns import VETO_COUNT
from generator.check.links import resolve
from generator.check.markup import heading_problems
from generator.check.periods import update_period
from generator.paths import ProjectPaths


def audit(root, output, today="2026-10-12", default_period=180):
    paths = ProjectPaths.at(root, output, REPO / "themes")
    return run_check(paths, CheckOptions(dt.date.fromisoformat(today), default_period), log=lambda _m: None)


def rules(findings, severity=None):
    return [f.rule for f in findings if severity in (None, f.severity)]


@pytest.fixture
def built_copy(site_copy, tmp_path):
    output = tmp_path / "out"
    build_into(site_copy, output)
    return site_copy, output


def test_periods_from_time_limit():
    assert update_period("按季度公开") == 92 and update_period("按月公开") == 31
    assert update_period("每年3月底前") == 366
    assert update_period("信息形成或变更之日起20个工作日内") is None      # a deadline, not a period
    assert update_period("人民代表大会批准后20日内") is None
    assert update_period("公示不少于7日") is None and update_period("作出决定后及时公告") is None


def test_heading_order_and_link_resolution():
    assert heading_problems([1, 2, 3, 2, 3]) == []
    assert len(heading_problems([2, 4])) == 2
    assert resolve("a/b/c.html", "../d/", "/x/") == "a/d/index.html"
    assert resolve("404.html", "/x/static/site.css", "/x/") == "static/site.css"
    assert resolve("a.html", "https://example.org/", "/") is None and resolve("a.html", "#main", "/") is None


def test_veto_lines_blank_and_stale_columns(built_copy):
    root, output = built_copy
    fresh = audit(root, output, today="2026-10-12")
    assert "home-not-updated" in rules(fresh, "veto")           # city and west columns
    blank = [f for f in fresh if f.rule == "blank-column"]
    assert {f.page for f in blank} >= {"west/zhengdi-buchang/index.html", "city/topics/yiqing/kepu/index.html"}
    assert all(f.column and f.source for f in blank)
    late = audit(root, output, today="2027-12-01")
    assert len([f for f in late if f.rule == "stale-column"]) >= VETO_COUNT
    assert "stale-columns-veto" in rules(late, "veto")
    stale_item = next(f for f in late if f.rule == "stale-item")
    assert stale_item.source.startswith("content/") and stale_item.line


def test_five_blank_columns_is_a_veto(built_copy):
    root, output = built_copy
    findings = audit(root, output)
    count = len([f for f in findings if f.rule == "blank-column"])
    assert ("blank-columns-veto" in rules(findings, "veto")) == (count >= VETO_COUNT)


def test_clean_built_site_has_no_page_or_link_errors(built_copy):
    root, output = built_copy
    findings = audit(root, output)
    assert not [f for f in findings if f.rule in ("broken-link", "page-element", "img-alt", "empty-link")]


def test_broken_links_missing_elements_and_markup_are_found(built_copy):
    root, output = built_copy
    page = output / "east/info/dibao-2026-q3.html"
    html = page.read_text(encoding="utf-8")
    html = html.replace("</main>", '<a href="nowhere.html">失效</a><img src="../static/gone.png">'
                                   '<a href="../index.html"></a><h4>跳级</h4></main>')
    html = html.replace('lang="zh-CN"', 'lang="en"').replace("网站标识码", "标识")
    page.write_text(html, encoding="utf-8")
    findings = [f for f in audit(root, output) if f.page == "east/info/dibao-2026-q3.html"]
    messages = " ".join(f.message for f in findings)
    assert {"broken-link", "page-element", "img-alt", "empty-link", "heading-order"} <= set(rules(findings))
    assert "nowhere.html" in messages and "gone.png" in messages and "网站标识码" in messages and "zh-CN" in messages
    broken = next(f for f in findings if f.rule == "broken-link")
    assert broken.column == "东区" and broken.source == "content/east/records/jiuzhu/dibao-2026-q3.md" and broken.line


def test_qr_code_is_required_once_the_site_has_any(built_copy):
    root, output = built_copy
    for page in output.rglob("*.html"):                     # start from a site without QR codes
        html = page.read_text(encoding="utf-8")
        for name in ("page-qr", "qr-code", '"qr'):
            html = html.replace(name, name.replace("qr", "was-qr"))
        page.write_text(html, encoding="utf-8")
    assert not [f for f in audit(root, output) if "二维码" in f.message]
    first, *others = sorted(p for p in (output / "east/info").glob("*-*.html") if not p.name.startswith("page-"))
    first.write_text(first.read_text(encoding="utf-8").replace(
        "</main>", '<div class="qr"><img src="data:image/png;base64,AA==" alt="本页二维码"></div></main>'),
        encoding="utf-8")
    missing = {f.page for f in audit(root, output) if "二维码" in f.message}
    assert {p.relative_to(output).as_posix() for p in others} <= missing
    assert first.relative_to(output).as_posix() not in missing


def test_content_errors_are_reported_not_raised(site_copy, tmp_path):
    (site_copy / "content/east/records/jiuzhu/dibao-2026-q3.md").write_text("no front matter\n", encoding="utf-8")
    findings = audit(site_copy, tmp_path / "out")
    assert rules(findings) == ["content-error"]
    assert findings[0].source == "content/east/records/jiuzhu/dibao-2026-q3.md" and findings[0].line == 1


def test_command_prints_summary_json_and_writes_html_report(built_copy, tmp_path):
    root, output = built_copy
    report = tmp_path / "reports" / "check.html"
    args = [sys.executable, str(REPO / "build.py"), "check", "--root", str(root), "--themes", str(REPO / "themes"),
            "--output", str(output), "--today", "2026-10-12", "--report", str(report)]
    text = subprocess.run(args, capture_output=True, text=True, timeout=300)
    assert text.returncode == 1                              # vetoes and blank columns
    assert "单项否决" in text.stdout and "检查结果" in text.stdout and str(report) in text.stdout
    data = json.loads(subprocess.run(args + ["--format", "json"], capture_output=True, text=True, timeout=300).stdout)
    assert data["today"] == "2026-10-12" and data["counts"]["veto"] >= 1
    assert {"severity", "rule", "message", "column", "page", "source", "line"} <= set(data["findings"][0])
    page = report.read_text(encoding="utf-8")
    assert '<html lang="zh-CN">' in page and "网站检查报告" in page and "空白栏目" in page
    assert not any(output.rglob("check.html"))


def test_default_site_audit_has_no_link_page_or_markup_errors(default_site, tmp_path):
    findings = audit(REPO, default_site, today="2026-11-23")
    site_rules = ("broken-link", "page-element", "img-alt", "empty-link", "content-error", "personal-data")
    assert [f for f in findings if f.rule in site_rules] == []
