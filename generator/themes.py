"""One Jinja environment per column: the column's own templates first, then its theme.

A column's override folder is only ever on its own lookup chain, so an override in one district
never changes another district's pages. An override may extend the file it replaces with
`{% extends "theme/<name>" %}`; a theme other than the default one may extend the default theme's
file with `{% extends "default/<name>" %}`.
"""
from __future__ import annotations

from pathlib import Path

import jinja2

from .assemble import Column
from .paths import ProjectPaths

DEFAULT_THEME = "default"


class ThemeSet:
    """Builds and caches the environments: one shared (site pages) and one per column."""

    def __init__(self, paths: ProjectPaths, filters: dict):
        self.paths = paths
        self.filters = filters
        self._cache: dict[str, jinja2.Environment] = {}

    def shared(self) -> jinja2.Environment:
        return self._environment("", DEFAULT_THEME, None)

    def for_column(self, column: Column) -> jinja2.Environment:
        return self._environment(column.slug, column.config.theme, column.config.folder / "templates")

    def column_static(self, column: Column) -> dict[str, Path]:
        """The static files a column publishes under <column>/static/: its theme's files when the
        theme is not the shared default one, overlaid by the column's own static folder."""
        files: dict[str, Path] = {}
        if column.config.theme != DEFAULT_THEME:
            files.update(files_under(self.paths.themes / column.config.theme / "static"))
        files.update(files_under(column.config.folder / "static"))
        return files

    def _environment(self, key: str, theme: str, overrides: Path | None) -> jinja2.Environment:
        if key not in self._cache:
            self._cache[key] = self._make(self._theme_dirs(theme), overrides)
        return self._cache[key]

    def _theme_dirs(self, theme: str) -> list[Path]:
        # A theme may replace only some templates; the rest come from the default theme.
        dirs = [self.paths.themes / theme / "templates"]
        if theme != DEFAULT_THEME:
            dirs.append(self.paths.themes / DEFAULT_THEME / "templates")
        return dirs

    def _make(self, theme_dirs: list[Path], overrides: Path | None) -> jinja2.Environment:
        theme = jinja2.FileSystemLoader(theme_dirs)
        default = jinja2.FileSystemLoader(self.paths.themes / DEFAULT_THEME / "templates")
        chain: list[jinja2.BaseLoader] = [jinja2.PrefixLoader({"theme": theme, "default": default})]
        if overrides is not None and overrides.is_dir():
            chain.append(jinja2.FileSystemLoader(overrides))
        chain.append(theme)
        env = jinja2.Environment(loader=jinja2.ChoiceLoader(chain), autoescape=True,
                                 undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
        env.filters.update(self.filters)
        return env


def files_under(folder: Path) -> dict[str, Path]:
    if not folder.is_dir():
        return {}
    return {p.relative_to(folder).as_posix(): p for p in sorted(folder.rglob("*"))
            if p.is_file() and not p.name.startswith(".")}
