"""Lighthouse 12 (mobile) over the five page types citizens use most, served as deployed: the
default site built with `precompress: true`, served by Debian's nginx with deploy/nginx/jczwgk.conf.

    npm install --prefix .tools -E lighthouse@12.2.3      # once; Lighthouse 13 needs a newer Node
    .venv/bin/python bench/lighthouse.py [--runs 3] [--min 95]

Prints each page's four category scores (the median of `--runs` runs: performance varies between
runs on a busy machine) and exits non-zero when one is below `--min`. Lighthouse's mobile preset
simulates a mid-range phone on a slow 4G network (its default throttling), so the figures do not
depend much on this machine's speed.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO), str(REPO / "deploy")]
from local_nginx import NginxError, serving  # noqa: E402
from generator.paths import ProjectPaths  # noqa: E402
from generator.pipeline import BuildOptions, build  # noqa: E402

LIGHTHOUSE = REPO / ".tools" / "node_modules" / ".bin" / "lighthouse"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
BASE = "/jczwgk/"


def pages(site: Path) -> dict[str, str]:
    record = sorted((site / "yuelu" / "info").glob("*.html"))[0].relative_to(site).as_posix()
    return {"front page": "index.html", "column home": "yuelu/index.html",
            "catalogue": "yuelu/anquan-shengchan/index.html", "record": record,
            "search": "search/index.html?q=" + "%E4%BD%8E%E4%BF%9D"}       # 低保


def built_site(folder: Path) -> Path:
    """The default content with precompressed copies, built as <folder>/www/jczwgk/."""
    project = folder / "project"
    project.mkdir()
    for name in ("content", "districts"):
        shutil.copytree(REPO / name, project / name)
    text = (REPO / "site.yaml").read_text(encoding="utf-8")
    (project / "site.yaml").write_text(text + "precompress: true\n", encoding="utf-8")
    www = folder / "www"
    build(ProjectPaths.at(project, www / BASE.strip("/")), log=lambda _m: None,
          options=BuildOptions(progress=False))
    return www


def scores(url: str, report: Path) -> dict[str, float]:
    env = dict(os.environ, CHROME_PATH="/usr/bin/chromium")
    subprocess.run([str(LIGHTHOUSE), url, "--quiet", "--output=json", f"--output-path={report}",
                    "--only-categories=" + ",".join(CATEGORIES),
                    "--chrome-flags=--headless=new --no-sandbox --disable-gpu"], env=env, check=True)
    data = json.loads(report.read_text(encoding="utf-8"))
    return {c: round(data["categories"][c]["score"] * 100) for c in CATEGORIES}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--min", type=int, default=95)
    args = parser.parse_args()
    if not LIGHTHOUSE.exists():
        print("lighthouse is not installed: npm install --prefix .tools -E lighthouse@12.2.3", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        www = built_site(folder)
        (folder / "nginx").mkdir()
        try:
            with serving(www, folder / "nginx") as base:
                table = {kind: [scores(base + BASE + path, folder / "report.json") for _ in range(args.runs)]
                         for kind, path in pages(www / BASE.strip("/")).items()}
        except NginxError as exc:
            print(exc, file=sys.stderr)
            return 2
    return report(table, args.min)


def report(table: dict[str, list[dict]], least: int) -> int:
    print("| page (mobile) | " + " | ".join(CATEGORIES) + " |")
    print("|---|" + "---|" * len(CATEGORIES))
    low = []
    for kind, runs in table.items():
        median = {c: statistics.median(run[c] for run in runs) for c in CATEGORIES}
        print(f"| {kind} | " + " | ".join(f"{median[c]:g}" for c in CATEGORIES) + " |")
        low += [f"{kind} {c} {median[c]:g}" for c in CATEGORIES if median[c] < least]
    print(f"runs per page: {len(next(iter(table.values())))}; below {least}: " + (", ".join(low) or "none"))
    return 1 if low else 0


if __name__ == "__main__":
    sys.exit(main())
