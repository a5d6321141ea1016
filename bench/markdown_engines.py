"""The two Markdown engines compared: cmark-gfm (the build's) against Python-Markdown (`markdown`,
the design card's) with the extensions a government page needs: tables, attribute lists, footnotes.

    .venv/bin/pip install markdown                 # only for this comparison, not a dependency
    .venv/bin/python bench/markdown_engines.py [--records 10000] [--rounds 2] [--folder DIR]

Prints three things, each engine's HTML going through the same sanitiser (nh3) and the same
heading and file-link rules as the build's `generator/markdown.py`:
1. the time per body, on the default content's record bodies and on the benchmark corpus' bodies;
2. a cold build (`build.py --clean`) of a benchmark corpus of `--records` records with each engine,
   alternating, `--rounds` times each (the Python-Markdown build is the same build.py with
   `generator.render.to_html` replaced in the process before it starts; render workers are forked,
   so they inherit it);
3. how the HTML differs on the default content: bodies with the same HTML, and the elements
   (tables, list items, line breaks, paragraphs) whose counts differ, with examples;
4. both engines' HTML for the constructs where Markdown dialects part: a list right after a
   paragraph, a two-space nested list, a hard-wrapped Chinese paragraph, a table, a bare address,
   a footnote, an attribute list.
"""
from __future__ import annotations

import argparse
import random
import re
import shutil
import statistics
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

PYTHON_MARKDOWN_EXTENSIONS = ["tables", "attr_list", "footnotes", "fenced_code", "sane_lists"]
COUNTED_TAGS = ["p", "br", "table", "tr", "ul", "ol", "li", "h2", "h3", "a", "img", "strong", "em", "code", "pre"]


PROBES = {
    "list right after a paragraph": "申请材料如下：\n- 身份证\n- 户口簿\n",
    "nested list, two-space indent": "1. 申请\n  - 线上\n  - 线下\n2. 审核\n",
    "hard-wrapped Chinese paragraph": "城乡低保对象名单\n现予公示。\n",
    "line break (two spaces)": "联系电话：0731-88665114  \n地址：岳麓大道218号\n",
    "table": "| 序号 | 金额（万元） |\n|---|---:|\n| 1 | 12.50 |\n",
    "bare web address": "详见 https://www.changsha.gov.cn/zfxxgk/ 。\n",
    "footnote": "依据有关规定[^1]。\n\n[^1]: 国办发〔2019〕54号。\n",
    "attribute list": "## 申请条件 {: #tiaojian }\n",
}


def python_markdown_to_html():
    """A `to_html(source, files_url)` like generator.markdown's, on Python-Markdown."""
    import markdown
    import nh3
    from generator import markdown as ours
    engine = markdown.Markdown(extensions=PYTHON_MARKDOWN_EXTENSIONS, output_format="html")

    def to_html(source: str, files_url: str = "") -> str:
        if files_url and not files_url.endswith("/"):
            files_url += "/"
        html = engine.reset().convert(source).replace("<h1", "<h2").replace("</h1>", "</h2>")
        return nh3.clean(html, tags=ours.ALLOWED_TAGS, attributes=ours.ALLOWED_ATTRIBUTES,
                         url_schemes=ours.URL_SCHEMES, link_rel="noopener noreferrer",
                         attribute_filter=ours._file_links(files_url))
    return to_html


def default_bodies() -> list[str]:
    from generator.paths import ProjectPaths
    from generator.session import read_site
    site, _ = read_site(ProjectPaths.at(REPO, Path("/nonexistent-output")))
    return [record.body for record in site.records.values() if record.body]


def corpus_bodies(count: int) -> list[str]:
    from corpus import body
    rng = random.Random(20261202)
    return [body(rng) for _ in range(count)]


def engines_alone() -> dict:
    """The two parsers without the sanitiser, for the time per body of the engine alone."""
    import cmarkgfm
    import markdown
    from generator.markdown import GFM_EXTENSIONS, GFM_OPTIONS
    engine = markdown.Markdown(extensions=PYTHON_MARKDOWN_EXTENSIONS, output_format="html")
    return {"cmark-gfm": lambda text, _url: cmarkgfm.markdown_to_html_with_extensions(
                text, options=GFM_OPTIONS, extensions=GFM_EXTENSIONS),
            "python-markdown": lambda text, _url: engine.reset().convert(text)}


def per_body_microseconds(to_html, bodies: list[str], rounds: int = 3) -> float:
    best = float("inf")
    for _ in range(rounds):
        started = time.perf_counter()
        for text in bodies:
            to_html(text, "../files/")
        best = min(best, time.perf_counter() - started)
    return best / len(bodies) * 1e6


def timing_table(engines: dict, sets: dict[str, list[str]]) -> None:
    print("1. time per body, best of 3 passes in one process")
    for label, fns in (("with the nh3 sanitiser", engines), ("the engine alone", engines_alone())):
        for set_name, bodies in sets.items():
            figures = {name: per_body_microseconds(fn, bodies) for name, fn in fns.items()}
            ratio = figures["python-markdown"] / figures["cmark-gfm"]
            print(f"   {set_name:<34} {label:<23} " + "  ".join(f"{name} {us:7.1f} µs" for name, us in figures.items())
                  + f"  (Python-Markdown / cmark-gfm = {ratio:.1f}x)")


def probes(engines: dict) -> None:
    print("4. where the dialects part (after the sanitiser)")
    for name, text in PROBES.items():
        print(f"   {name}: {shorten(text)!r}")
        for engine, fn in engines.items():
            print(f"      {engine:<16} {shorten(fn(text))!r}")


def tag_counts(html: str) -> Counter:
    return Counter(tag for tag in re.findall(r"<([a-z0-9]+)[\s>/]", html) if tag in COUNTED_TAGS)


def differences(engines: dict, bodies: list[str]) -> None:
    cmark, python_md = engines["cmark-gfm"], engines["python-markdown"]
    same = same_but_space = 0
    kinds: Counter = Counter()
    examples: dict[str, tuple[str, str, str]] = {}
    for text in bodies:
        a, b = cmark(text), python_md(text)
        if a == b:
            same += 1
            continue
        if re.sub(r"\s+", "", a) == re.sub(r"\s+", "", b):
            same_but_space += 1
            continue
        ca, cb = tag_counts(a), tag_counts(b)
        for tag in sorted(set(ca) | set(cb)):
            if ca[tag] != cb[tag]:
                kinds[tag] += 1
                examples.setdefault(tag, (text, a, b))
    print(f"3. HTML of the default content's {len(bodies)} record bodies: {same} the same, "
          f"{same_but_space} the same but for white space, {len(bodies) - same - same_but_space} different")
    for tag, count in kinds.most_common():
        text, a, b = examples[tag]
        print(f"   <{tag}> count differs in {count} bodies; e.g. source {shorten(text)!r}")
        print(f"      cmark-gfm:       {shorten(a)!r}")
        print(f"      Python-Markdown: {shorten(b)!r}")


def shorten(text: str, width: int = 150) -> str:
    text = text.replace("\n", "⏎")
    return text if len(text) <= width else text[:width] + "…"


def cold_builds(folder: Path, records: int, rounds: int) -> None:
    from corpus import generate
    if not (folder / "site.yaml").exists():
        generate(folder, records)
    times: dict[str, list[float]] = {"cmark-gfm": [], "python-markdown": []}
    for _ in range(rounds):
        for engine in times:
            started = time.perf_counter()
            subprocess.run([sys.executable, __file__, "--as-build", engine, "--root", str(folder), "--themes", str(REPO / "themes"),
                            "--output", str(folder / "output"), "--clean", "--quiet"], check=True)
            times[engine].append(time.perf_counter() - started)
    a, b = (statistics.median(times[name]) for name in ("cmark-gfm", "python-markdown"))
    print(f"2. cold build of {records} records, median of {rounds}: cmark-gfm {a:.1f} s, "
          f"Python-Markdown {b:.1f} s ({b / a:.2f}x; {b - a:+.1f} s); all runs: "
          + ", ".join(f"{name} " + "/".join(f"{t:.1f}" for t in ts) for name, ts in times.items()))


def as_build(engine: str, build_args: list[str]) -> int:
    """build.py, with Python-Markdown in place of cmark-gfm when asked."""
    from generator import cli, render
    if engine == "python-markdown":
        render.to_html = python_markdown_to_html()
    return cli.main(build_args)


def main() -> int:
    if len(sys.argv) > 2 and sys.argv[1] == "--as-build":
        return as_build(sys.argv[2], sys.argv[3:])
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--records", type=int, default=10_000, help="records in the cold-build corpus")
    p.add_argument("--rounds", type=int, default=2, help="cold builds per engine")
    p.add_argument("--folder", type=Path, default=Path("/tmp/jczwgk-markdown-bench"))
    p.add_argument("--keep", action="store_true", help="keep the corpus folder")
    args = p.parse_args()
    from generator.markdown import to_html as cmark
    engines = {"cmark-gfm": cmark, "python-markdown": python_markdown_to_html()}
    bodies = default_bodies()
    timing_table(engines, {f"default content ({len(bodies)} bodies)": bodies,
                           "benchmark corpus (10,000 bodies)": corpus_bodies(10_000)})
    cold_builds(args.folder, args.records, args.rounds)
    differences(engines, bodies)
    probes(engines)
    if not args.keep:
        shutil.rmtree(args.folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
