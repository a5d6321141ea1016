"""`python build.py mask FILE...`: masks the personal data the guard finds, in place, keeping a backup."""
from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

from .errors import shown
from .pii import masked, mask_text
from .textcodec import decode_text

EXIT_OK, EXIT_FAILED = 0, 1


DESCRIPTION = "将文件中的身份证号、手机号、银行卡号脱敏（原文件备份为同目录下的隐藏文件 .<文件名>.bak）。"


def add_mask_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("files", nargs="+", type=Path, help="the content files to mask")


def mask_command(args: argparse.Namespace) -> int:
    status = EXIT_OK
    for path in args.files:
        try:
            mask_file(path)
        except (OSError, ValueError) as exc:
            print(shown(f"mask: {path}: {exc}"), file=sys.stderr)
            status = EXIT_FAILED
    return status


def mask_file(path: Path) -> int:
    """Masks `path` in place; the original goes to a backup first. Returns the number of finds."""
    text, encoding = read_text(path)
    new_text, finds = mask_text(text)
    if not finds:
        print(shown(f"{path}: 未发现需要脱敏的个人信息"))
        return 0
    backup = backup_path(path)
    shutil.copy2(path, backup)
    path.write_bytes(new_text.encode(encoding))
    for find in finds:
        line = text.count("\n", 0, find.start) + 1
        print(shown(f"{path}:{line}: {find.kind} → {masked(find.kind, find.value)}"))
    print(shown(f"{path}: 已脱敏 {len(finds)} 处，原文件备份为 {backup}"))
    return len(finds)


def read_text(path: Path) -> tuple[str, str]:
    found = decode_text(path.read_bytes())
    if found is None:
        raise ValueError("not UTF-8 or GB18030 text, so it cannot be masked here")
    return found


def backup_path(path: Path) -> Path:
    """A hidden file beside the original (.name.bak): never loaded as content, never published."""
    candidate, n = path.with_name(f".{path.name}.bak"), 1
    while candidate.exists():
        n += 1
        candidate = path.with_name(f".{path.name}.bak{n}")
    return candidate
