"""One Jinja environment per column: the column's own templates first, then its theme.

A column's override folder is only ever on its own lookup chain, so an override in one district
never changes another district's pages. An override may extend the file it replaces with
`{% extends "theme/<name>" %}`.
"""
from __future__ import annotations

from pathlib import Path

import jinja2

from .assemble import Column
from .paths import ProjectPaths


class ThemeSet:
    """Builds and caches the environments: one shared (site pages) and one per column."""

    def __init__(self, paths: ProjectPaths, filters: dict):
        self.paths = paths
        self.filters = filters
        self._cache: dict[str, jinja2.Environment] = {}

    def shared(self) -> jinja2.Environment:
        return self._environment("", "default", None)

    def for_column(self, column: Column) -> jinja2.Environment:
        return self._environment(column.slug, column.config.theme, column.config.folder / "templates")

    def _environment(self, key: str, theme: str, overrides: Path | None) -> jinja2.Environment:
        if key not in self._cache:
            self._cache[key] = self._make(self.paths.themes / theme / "templates", overrides)
        return self._cache[key]

    def _make(self, theme_dir: Path, overrides: Path | None) -> jinja2.Environment:
        chain: list[jinja2.BaseLoader] = [jinja2.PrefixLoader({"theme": jinja2.FileSystemLoader(theme_dir)})]
        if overrides is not None and overrides.is_dir():
            chain.append(jinja2.FileSystemLoader(overrides))
        chain.append(jinja2.FileSystemLoader(theme_dir))
        env = jinja2.Environment(loader=jinja2.ChoiceLoader(chain), autoescape=True,
                                 undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
        env.filters.update(self.filters)
        return env
