"""The personal-data guard: a corpus of true and false positives with precision and recall, the
build stopping with file:line and a masked preview, lawful exceptions, and the mask command."""
from __future__ import annotations

import re
import subprocess
import sys

import pytest
from stdnum.cn import ric

from conftest import REPO, build_into
from generator.errors import BuildError
from generator.pii import BANK_CARD, ID_CARD, MOBILE, find_personal_data, mask_text


def with_check(first17: str) -> str:
    return first17 + ric.calc_check_digit(first17 + "?")


def wrong_check(first17: str) -> str:
    return first17 + "10X98765432"[("10X98765432".index(ric.calc_check_digit(first17 + "?")) + 1) % 11]


ID_A, ID_B = with_check("43010419850312002"), with_check("43012119620704772")   # the latter ends in X
CARD = "6222021001115678903"                    # passes Luhn
assert ID_B.endswith("X") or ID_B[-1].isdigit()

# (text, the kinds that must be found in it). Empty: a false-positive trap that must pass.
CORPUS = [
    (f"申请人张三，身份证号{ID_A}，住岳麓区。", [ID_CARD]),
    (f"身份证：{ID_B}", [ID_CARD]),
    (f"身份证：{ID_B.lower()}", [ID_CARD]),
    ("旧身份证号430104850312002", [ID_CARD]),                     # 15 digits, valid date
    ("联系电话：13812345678", [MOBILE]),
    ("手机 139 0731 8866 或 139-0731-8866", [MOBILE, MOBILE]),
    ("电话+86 18673112345。", [MOBILE]),
    ("联系人李四（15574898765）", [MOBILE]),
    (f"开户行账号{CARD}", [BANK_CARD]),
    ("卡号 6222 0210 0111 5678 903", [BANK_CARD]),
    ("测试卡 4111111111111111", [BANK_CARD]),
    (f"| 1 | 王五 | {ID_A} | 13907318866 |", [ID_CARD, MOBILE]),
    # the county where the number was issued, in use only since after the birth year (浏阳市 since 1993,
    # 望城区 since 2011), or not in python-stdnum's table: still a number (stdnum's is_valid says no)
    (f"身份证号 {with_check('43018119800101001')}、{with_check('43011219800101001')}", [ID_CARD, ID_CARD]),
    (f"身份证号 {with_check('43019919850312002')}", [ID_CARD]),
    # --- false-positive traps ---
    (f"校验位错误 {wrong_check('43010419850312002')}", []),
    ("出生日期无效 430104198513320028", []),
    ("旧号码日期无效 430104851332002", []),
    (f"出生日期在将来 {with_check('43010421990101001')}，省份代码不存在 {with_check('99010419850312002')}", []),
    ("索引号：430104/2025-12345678", []),
    ("索引号 430104-2025-00012345", []),
    ("文号：岳政发〔2025〕13号，长政办函〔2024〕138号", []),
    ("成文日期 2025-03-12，发布日期 20250318", []),
    ("办公电话 0731-88665114，传真 073188665115", []),
    ("热线 12345、96111，服务电话 400-888-1234", []),
    ("编号 12345678901（不是手机号）", []),
    ("订单号 2019138123456789012（手机号嵌在更长的数字里）", []),
    ("流水号 913812345678", []),                                   # 12 digits
    ("金额 13812345678.50 元", []),
    ("统计 1.3812345678 亿元", []),
    ("卡号校验失败 6222021001115678902", []),
    ("已脱敏 430104********1234、138****5678、6222 **** **** 8903", []),
    ("区划代码 430104001000，邮编 410006", []),
    ("项目编号 CSZB-2025-0318-13812", []),
]


def test_corpus_precision_and_recall():
    expected = sum(len(kinds) for _, kinds in CORPUS)
    true_pos = false_pos = 0
    for text, kinds in CORPUS:
        found = [f.kind for f in find_personal_data(text)]
        hits = sum(min(found.count(k), kinds.count(k)) for k in set(kinds))
        true_pos += hits
        false_pos += len(found) - hits
    precision = true_pos / (true_pos + false_pos)
    recall = true_pos / expected
    print(f"\nguard corpus: {expected} planted, {true_pos} found, {false_pos} false positives, "
          f"precision {precision:.0%}, recall {recall:.0%}")
    assert (precision, recall) == (1.0, 1.0)


@pytest.mark.parametrize("text,kinds", CORPUS, ids=[t[:18] for t, _ in CORPUS])
def test_corpus_case(text, kinds):
    assert sorted(f.kind for f in find_personal_data(text)) == sorted(kinds)


def test_masking_keeps_only_the_ends_and_then_passes():
    text = f"身份证号{ID_A}，电话13812345678，卡号{CARD}"
    masked, finds = mask_text(text)
    assert len(finds) == 3
    assert f"{ID_A[:6]}********{ID_A[-4:]}" in masked and "138****5678" in masked
    assert f"{CARD[:4]}{'*' * 11}{CARD[-4:]}" in masked
    assert find_personal_data(masked) == []


RECORD = """---
title: 测试低保公示
item: dibao-duixiang
written: 2026-10-08
published: 2026-10-10
publisher: 东区民政局
{extra}---
低保对象王五，身份证号 {id}，电话 13907318866。
"""


def write_record(site, extra: str = "") -> object:
    path = site / "content/east/records/jiuzhu/leak.md"
    path.write_text(RECORD.format(extra=extra, id=ID_A), encoding="utf-8")
    return path


def test_unmasked_data_stops_the_build_with_file_line_and_masked_preview(site_copy, tmp_path):
    write_record(site_copy)
    (site_copy / "content/east/files/dibao-q3.csv").write_text("姓名,电话\n赵*六,18673112345\n", encoding="utf-8")
    (site_copy / "content/east/files/13812345678.txt").write_text("x", encoding="utf-8")
    with pytest.raises(BuildError) as caught:
        build_into(site_copy, tmp_path / "out")
    report = caught.value.report()
    assert "content/east/records/jiuzhu/leak.md:8: unmasked personal data" in report
    assert f"身份证号 {ID_A[:6]}********{ID_A[-4:]}" in report and "手机号 139****8866" in report
    assert "content/east/files/dibao-q3.csv:2:" in report and "186****2345" in report
    assert "content/east/files/138****5678.txt: unmasked personal data" in report
    for number in (ID_A, "13907318866", "18673112345", "13812345678"):
        assert number not in report                       # never the full number
    assert not (tmp_path / "out").exists()


def test_bulk_yaml_title_is_checked(site_copy, tmp_path):
    path = site_copy / "content/east/records/jiuzhu.yaml"
    lines = path.read_text(encoding="utf-8").splitlines()
    index = next(i for i, line in enumerate(lines) if line.strip().startswith("title:"))
    lines[index] = lines[index] + " 联系13812345678"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(BuildError) as caught:
        build_into(site_copy, tmp_path / "out")
    assert f"content/east/records/jiuzhu.yaml:{index + 1}: unmasked personal data" in caught.value.report()


def test_lawful_exception_builds_and_is_a_notice_in_check(site_copy, tmp_path):
    write_record(site_copy, "privacy_exception: 依据《社会救助审核确认办法》须公示申请人姓名及证件号\n")
    build_into(site_copy, tmp_path / "out")
    result = run_build(["check", "--root", str(site_copy), "--themes", str(REPO / "themes"),
                        "--output", str(tmp_path / "out"), "--today", "2026-10-12",
                        "--report", str(tmp_path / "r.html"), "--format", "json"])
    import json
    notices = [f for f in json.loads(result.stdout)["findings"] if f["rule"] == "personal-data-exception"]
    assert len(notices) == 2 and {n["severity"] for n in notices} == {"notice"}
    assert notices[0]["source"] == "content/east/records/jiuzhu/leak.md" and notices[0]["line"] == 9
    assert notices[0]["page"] == "east/info/leak.html" and ID_A not in result.stdout


def test_mask_command_masks_in_place_and_keeps_a_backup(site_copy, tmp_path):
    path = write_record(site_copy)
    original = path.read_text(encoding="utf-8")
    result = run_build(["mask", str(path)])
    assert result.returncode == 0, result.stderr
    backup = path.with_name(".leak.md.bak")
    assert backup.read_text(encoding="utf-8") == original
    masked = path.read_text(encoding="utf-8")
    assert "139****8866" in masked and ID_A not in masked and find_personal_data(masked) == []
    assert ID_A not in result.stdout
    build_into(site_copy, tmp_path / "out")                  # the masked file now builds


def test_default_content_passes_the_guard(default_site):
    assert (default_site / "index.html").is_file()          # built: the guard found nothing


def run_build(args: list[str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(REPO / "build.py"), *args], capture_output=True, text=True,
                          cwd=REPO, timeout=300)


def test_no_message_or_audit_finding_shows_a_whole_number_wherever_it_was():
    from generator.check.findings import Finding
    from generator.errors import ContentError
    named = f"content/east/files/{ID_A}名单.csv"
    error = ContentError(named, None, "file is missing", "this file to exist")
    finding = Finding("notice", "personal-data-exception", f"依法公示 {ID_A}", source=named, page=f"east/{ID_A}.html")
    for text in (str(error), finding.message, finding.where, finding.page, str(finding.as_dict())):
        assert ID_A not in text and f"{ID_A[:6]}********{ID_A[-4:]}" in text
