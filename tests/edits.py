"""Edits a webmaster or district staff make, for the incremental-build tests: each one changes the
small test site in place (content, templates, overrides, settings, static files) and keeps it valid.
`random_edits` draws a reproducible sequence of them."""
from __future__ import annotations

import random
import re
from pathlib import Path

import yaml


def text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def replace(path: Path, old: str, new: str) -> None:
    content = text(path)
    assert old in content, f"{old!r} not in {path}"
    path.write_text(content.replace(old, new, 1), encoding="utf-8")


def markdown_records(root: Path) -> list[Path]:
    return sorted(p for p in (root / "content").glob("*/records/**/*.md"))


def record_items(root: Path, column: str) -> list[str]:
    items = []
    for catalogue in sorted((root / "content" / column / "catalogue").glob("*.yaml")):
        items += [entry["id"] for entry in yaml.safe_load(text(catalogue))["items"]]
    return items


def write_record(root: Path, column: str, name: str, item: str, day: int, rng: random.Random) -> Path:
    path = root / "content" / column / "records" / "added" / f"{name}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"---\ntitle: 新增公开信息{name}\nitem: {item}\nwritten: 2026-11-{day:02d}\n"
                    f"published: 2026-11-{day:02d}\npublisher: 测试发布机构\n---\n\n正文{rng.randint(1, 999)}。\n",
                    encoding="utf-8")
    return path


# --- the edits: each takes (root, rng) and returns a short description --------------------------------

def edit_markdown_title(root: Path, rng: random.Random) -> str:
    path = rng.choice(markdown_records(root))
    replace(path, "\ntitle: ", f"\ntitle: （修订{rng.randint(1, 99)}）")
    return f"title of {path.name}"


def edit_bulk_body(root: Path, rng: random.Random) -> str:
    path = root / "content/east/records/jiuzhu.yaml"
    replace(path, "新增低保对象", f"新增低保对象（第{rng.randint(1, 99)}次核对）")
    return "body in a bulk YAML file"


def add_record(root: Path, rng: random.Random) -> str:
    column = rng.choice(["city", "east", "west"])
    item = rng.choice(record_items(root, column))
    name = f"added-{rng.randint(1000, 9999)}"
    write_record(root, column, name, item, rng.randint(1, 28), rng)
    return f"new record {column}/{name}"


def delete_record(root: Path, rng: random.Random) -> str:
    added = sorted((root / "content").glob("*/records/added/*.md"))
    if not added:
        return add_record(root, rng)
    path = rng.choice(added)
    path.unlink()
    return f"deleted {path.name}"


def rename_record(root: Path, rng: random.Random) -> str:
    added = sorted((root / "content").glob("*/records/added/*.md"))
    if not added:
        return add_record(root, rng)
    path = rng.choice(added)
    target = path.with_name(f"renamed-{rng.randint(1000, 9999)}.md")
    path.rename(target)
    return f"renamed {path.name} to {target.name}"


def move_date(root: Path, rng: random.Random) -> str:
    path = root / "content/west/records/all.yaml"
    content = text(path)
    dates = re.findall(r"published: (\d{4}-\d{2}-\d{2})", content)
    old = rng.choice(dates)
    new = f"2026-{rng.randint(7, 11):02d}-{rng.randint(10, 28):02d}"
    path.write_text(content.replace(f"published: {old}", f"published: {new}", 1), encoding="utf-8")
    return f"published date {old} -> {new} in west"


def edit_shared_template(root: Path, rng: random.Random) -> str:
    name, old = rng.choice([("partials/footer.html", "</footer>"), ("record.html", "</article>"),
                            ("feed.xml", "</feed>"), ("partials/pager.html", "</nav>")])
    path = root / "themes/default/templates" / name
    replace(path, old, f"<!-- {rng.randint(1, 999)} -->{old}")
    return f"shared template {name}"


def edit_override(root: Path, rng: random.Random) -> str:
    column = rng.choice(["east", "west"])
    folder = root / "districts" / column / "templates"
    folder.mkdir(exist_ok=True)
    name = rng.choice(["item.html", "record.html", "column.html"])
    path = folder / name
    if path.exists() and rng.random() < 0.3:
        path.unlink()
        return f"override {column}/{name} removed"
    note = rng.choice(["{{ site.records|length }}", "{{ column.records|length }}", "{{ site.domains|length }}",
                       "{% for r in site.records_of(item)[:2] %}{{ r.title }}{% endfor %}" if name == "item.html"
                       else "{{ site.columns|length }}"])
    path.write_text(f'{{% extends "theme/{name}" %}}{{% block content %}}<p class="district-note">'
                    f"{column}定制{rng.randint(1, 99)}：{note}</p>{{{{ super() }}}}{{% endblock %}}", encoding="utf-8")
    return f"override {column}/{name} with {note}"


def edit_site_config(root: Path, rng: random.Random) -> str:
    path = root / "site.yaml"
    content = text(path)
    if rng.random() < 0.5:
        size = int(re.search(r"page_size: (\d+)", content).group(1))
        new = 2 if size != 2 else 3
        path.write_text(content.replace(f"page_size: {size}", f"page_size: {new}"), encoding="utf-8")
        return f"page_size {size} -> {new}"
    path.write_text(re.sub(r"organizer: .*", f"organizer: 测试市人民政府办公室（{rng.randint(1, 99)}）", content),
                    encoding="utf-8")
    return "footer organizer"


def edit_column_config(root: Path, rng: random.Random) -> str:
    column = rng.choice(["city", "east", "west"])
    path = root / "districts" / column / "column.yaml"
    content = text(path)
    if "primary:" in content and rng.random() < 0.5:
        path.write_text(re.sub(r'primary: "#[0-9a-f]{6}"', f'primary: "#{rng.randint(0, 0xFFFFFF):06x}"', content),
                        encoding="utf-8")
        return f"{column} colour"
    path.write_text(re.sub(r"description: .*", f"description: 专栏说明{rng.randint(1, 99)}", content), encoding="utf-8")
    return f"{column} description"


def edit_domain(root: Path, rng: random.Random) -> str:
    path = root / "content/domains.yaml"
    content = text(path)
    path.write_text(re.sub(r"description: (.*)", lambda m: f"description: {m.group(1)}（{rng.randint(1, 9)}）",
                           content, count=1), encoding="utf-8")
    return "domain description"


def edit_item(root: Path, rng: random.Random) -> str:
    column = rng.choice(["city", "east", "west"])
    path = rng.choice(sorted((root / "content" / column / "catalogue").glob("*.yaml")))
    content = text(path)
    path.write_text(re.sub(r"level2: (.*)", lambda m: f"level2: {m.group(1)}（调整{rng.randint(1, 9)}）", content,
                           count=1), encoding="utf-8")
    return f"item renamed in {column}/{path.name}"


def edit_township(root: Path, rng: random.Random) -> str:
    path = root / "content/east/townships.yaml"
    content = text(path)
    path.write_text(re.sub(r"name: (.*)", lambda m: f"name: {m.group(1).split('（')[0]}（{rng.randint(1, 9)}）",
                           content, count=1), encoding="utf-8")
    return "township renamed"


def edit_static(root: Path, rng: random.Random) -> str:
    column = rng.choice(["east", "west"])
    folder = root / "districts" / column / "static"
    if rng.random() < 0.5:
        path = folder / "site.css"
        if path.exists():
            path.unlink()
            return f"{column} static site.css removed"
        path.write_text(f"body {{ margin: {rng.randint(0, 9)}px; }}\n", encoding="utf-8")
        return f"{column} static site.css added"
    path = folder / "banner.svg"
    replace(path, "</svg>", f"<!-- {rng.randint(1, 999)} --></svg>")
    return f"{column} banner changed"


def edit_attachment(root: Path, rng: random.Random) -> str:
    path = root / "content/east/files" / f"extra-{rng.randint(1, 3)}.txt"
    if path.exists():
        path.unlink()
        return f"attachment {path.name} removed"
    path.write_text(f"附件内容{rng.randint(1, 99)}\n", encoding="utf-8")
    return f"attachment {path.name} added"


def edit_topic(root: Path, rng: random.Random) -> str:
    path = root / "content/city/topics/yiqing" / f"yq-added-{rng.randint(1, 4)}.md"
    if path.exists():
        path.unlink()
        return f"topic record {path.name} removed"
    sub = yaml.safe_load(text(root / "content/city/topics/yiqing/topic.yaml"))["subcolumns"][0]["slug"]
    path.write_text(f"---\ntitle: 专题新增{rng.randint(1, 99)}\nsubcolumn: {sub}\nwritten: 2026-11-02\n"
                    f"published: 2026-11-03\npublisher: 测试市卫生健康委\n---\n\n专题正文。\n", encoding="utf-8")
    return f"topic record {path.name} added"


# Interpretations (政策解读) of the city's documents: each edit adds one, edits it, repoints it to
# another document or another column's record form, or removes it (the documents' pages, 文件库 and
# the search index follow).
INTERPRETED = ["zc-2026-001", "zc-2019-002"]


def interpretation_path(root: Path, column: str, n: int) -> Path:
    return root / "content" / column / "records" / "jiedu" / f"jd-{n}.md"


def write_interpretation(root: Path, column: str, n: int, target: str, form: str, day: int, title: str) -> Path:
    path = interpretation_path(root, column, n)
    path.parent.mkdir(parents=True, exist_ok=True)
    images = "images:\n  - file: photo.png\n    alt: 办理流程图\n" if form == "图解" else ""
    path.write_text(f"---\ntitle: {title}\nitem: dibao-zhinan\nwritten: 2026-02-{day:02d}\n"
                    f"published: 2026-02-{day:02d}\npublisher: 测试市民政局\ninterprets: {target}\n"
                    f"interpretation_form: {form}\n{images}---\n\n解读正文。\n", encoding="utf-8")
    return path


def edit_interpretation(root: Path, rng: random.Random) -> str:
    column = rng.choice(["city", "east"])              # east: a district interpreting a city document
    n = rng.randint(1, 3)
    path = interpretation_path(root, column, n)
    prefix = "city/" if column == "east" else ""
    form = "图解" if column == "east" else rng.choice(["文字解读", "问答"])
    if not path.exists():
        write_interpretation(root, column, n, prefix + INTERPRETED[0], form, rng.randint(3, 20), f"政策解读{n}")
        return f"interpretation {column}/jd-{n} added"
    action = rng.choice(["title", "repoint", "date", "remove"])
    content = text(path)
    if action == "remove":
        path.unlink()
    elif action == "title":
        path.write_text(re.sub(r"title: .*", f"title: 政策解读{n}（修订{rng.randint(1, 99)}）", content, count=1),
                        encoding="utf-8")
    elif action == "repoint":
        now = re.search(r"interprets: (\S+)", content).group(1)
        other = prefix + next(t for t in INTERPRETED if prefix + t != now)
        path.write_text(content.replace(f"interprets: {now}", f"interprets: {other}"), encoding="utf-8")
    else:
        day = rng.randint(3, 28)
        path.write_text(re.sub(r"published: \S+", f"published: 2026-02-{day:02d}",
                               re.sub(r"written: \S+", "written: 2026-02-01", content)), encoding="utf-8")
    return f"interpretation {column}/jd-{n}: {action}"


def touch_only(root: Path, rng: random.Random) -> str:
    path = rng.choice(markdown_records(root))
    path.write_bytes(path.read_bytes())            # a new time, the same bytes
    return f"touched {path.name}"


EDITS = [edit_markdown_title, edit_bulk_body, add_record, delete_record, rename_record, move_date,
         edit_shared_template, edit_override, edit_site_config, edit_column_config, edit_domain, edit_item,
         edit_township, edit_static, edit_attachment, edit_topic, edit_interpretation, touch_only]


def random_edits(rng: random.Random, count: int, kinds: list | None = None):
    """`count` edits, every kind (of `kinds`, default all) at least once, in a reproducible random order."""
    kinds = kinds or EDITS
    chosen = list(kinds) + [rng.choice(kinds) for _ in range(max(0, count - len(kinds)))]
    rng.shuffle(chosen)
    return chosen
