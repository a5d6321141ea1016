"""The import and export commands: spreadsheets in, spreadsheets out, with messages and exit codes."""
from __future__ import annotations

import sys
from pathlib import Path

from .catalogue_export import export_catalogue
from .catalogue_import import catalogue_yaml, describe_changes, import_catalogue
from .errors import BuildError
from .paths import ProjectPaths
from .session import read_site
from .sheets import SheetError
from .textcodec import decode_utf8
from .yamlsource import YamlSyntaxError, parse_yaml

OK, FAILED = 0, 1


def run_import(paths: ProjectPaths, source: Path, column: str, domain: str, sheet: str | None,
               write: bool) -> int:
    domains = {d["slug"]: d["name"] for d in load(paths.content / "domains.yaml").get("domains", [])}
    problem = target_problem(paths, column, domain, domains)
    if problem:
        return fail(problem)
    target = paths.content / column / "catalogue" / f"{domain}.yaml"
    existing = (load(target) or {}).get("items", []) if target.exists() else []
    platform = str(load(paths.site_file).get("service_platform", "")).rstrip("/")
    try:
        result = import_catalogue(source, existing, platform, sheet)
    except SheetError as exc:
        return fail(str(exc))
    for note in result.notes:
        print(f"注意: {note}")
    if result.problems:
        return fail("\n".join(result.problems) + f"\n{len(result.problems)} 处无法导入；请修改表格后重新导入，未写入任何文件。")
    changes = describe_changes(existing, result.items)
    print("\n".join(changes) if changes else f"{target.relative_to(paths.root)} 没有变化。")
    if changes and write:
        title = f"{column_name(paths, column)}{domains[domain]}领域基层政务公开事项目录"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(catalogue_yaml(result.items, title, source.name), encoding="utf-8")
        print(f"已写入 {target.relative_to(paths.root)}（{len(result.items)} 项）")
    elif changes:
        print(f"以上是将要发生的 {len(changes)} 处改动；确认后加 --write 写入。")
    return OK


def run_export(paths: ProjectPaths, column_slug: str, domains: list[str] | None, target: Path) -> int:
    try:
        site, _exemptions = read_site(paths)
    except BuildError as exc:
        return fail(exc.report())
    column = next((c for c in site.columns if c.slug == column_slug), None)
    if column is None:
        return fail(f"export: unknown column '{column_slug}' (expected one of {', '.join(c.slug for c in site.columns)})")
    chosen = domains or list(column.catalogues)
    unknown = [d for d in chosen if d not in column.catalogues]
    if unknown:
        return fail(f"export: column '{column_slug}' has no catalogue for {', '.join(unknown)}")
    rows = export_catalogue(site, column, chosen, target)
    print(f"已导出 {target}（{len(chosen)} 个领域，{rows} 项事项）")
    return OK


def target_problem(paths: ProjectPaths, column: str, domain: str, domains: dict) -> str | None:
    if not (paths.districts / column / "column.yaml").is_file():
        return f"import: unknown column '{column}' (expected a folder districts/{column}/ with column.yaml)"
    if domain not in domains:
        return f"import: unknown domain '{domain}' (expected a slug from content/domains.yaml)"
    return None


def column_name(paths: ProjectPaths, column: str) -> str:
    return str(load(paths.districts / column / "column.yaml").get("name", column))


def load(path: Path) -> dict:
    """A YAML file of the project, read the way the build reads it (errors name the line)."""
    try:
        return parse_yaml(decode_utf8(path.read_bytes())) or {}
    except OSError as exc:
        raise SystemExit(f"{path}: cannot read ({exc.strerror})") from None
    except UnicodeDecodeError as exc:
        line = exc.object[:exc.start].count(b"\n") + 1
        raise SystemExit(f"{path}:{line}: file is not UTF-8 text") from None
    except YamlSyntaxError as exc:
        raise SystemExit(f"{path}:{exc.line}: {exc.problem}") from None


def fail(message: str) -> int:
    print(message, file=sys.stderr)
    return FAILED
