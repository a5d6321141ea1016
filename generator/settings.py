"""The site's settings: site.yaml, the domains, the column configurations and the city map, read
and validated together (they are few and refer to one another), plus the checks of the content
folders' layout. Read again whenever one of their files changed."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from . import validate
from .citygeo import read_city_map
from .digest import digest_of
from .errors import ErrorList
from .load import read_json, read_yaml
from .model import ColumnConfig, Domain, SiteConfig
from .paths import ProjectPaths
from .search_lexicon import LEXICON_FILE, SearchLexicon, read_lexicon
from .sources import SourceFile, content_folders, topic_folders

SETTING_ROLES = ("site", "domains", "column", "map", "search")


@dataclass
class Settings:
    config: SiteConfig | None = None
    domains: tuple[Domain, ...] = ()
    columns: tuple[ColumnConfig, ...] = ()
    citymap: object | None = None
    lexicon: SearchLexicon = field(default_factory=SearchLexicon)
    static: dict[str, frozenset[str]] = field(default_factory=dict)       # column -> own static files
    attachments: dict[str, frozenset[str]] = field(default_factory=dict)  # column -> files/ names
    themes: set[str] = field(default_factory=set)                          # themes with templates/
    theme_static: dict[str, frozenset[str]] = field(default_factory=dict)  # theme -> its static files
    digests: dict[tuple[str, tuple], bytes] = field(default_factory=dict)

    @property
    def adcodes(self) -> dict[str, str]:
        return {c.slug: c.adcode for c in self.columns}

    @property
    def service_platform(self) -> str:
        return self.config.service_platform if self.config else ""


def read_settings(paths: ProjectPaths, tree: dict[str, SourceFile], errors: ErrorList) -> Settings:
    settings = Settings(static=files_by_column(tree, "static", "districts/{}/static/"),
                        attachments=files_by_column(tree, "attachment", "content/{}/files/"),
                        themes={f.part for f in tree.values() if f.role == "template" and f.key.startswith("themes/")},
                        theme_static=theme_files(tree))
    settings.config = validate.site_config(read_yaml(paths.site_file, errors), errors)
    settings.domains = validate.domain_list(read_yaml(paths.content / "domains.yaml", errors), errors)
    slugs = sorted(f.column for f in tree.values() if f.role == "column")
    columns = [validate.column_config(read_yaml(Path(tree[f"districts/{s}/column.yaml"].path), errors), s,
                                      settings.static.get(s, frozenset()), errors) for s in slugs]
    settings.columns = tuple(sorted((c for c in columns if c), key=lambda c: (not c.is_city, c.adcode)))
    settings.citymap = city_map(settings, tree, errors)
    settings.lexicon = read_lexicon(Path(tree[LEXICON_FILE].path), errors) if LEXICON_FILE in tree else SearchLexicon()
    check_layout(paths, tree, set(slugs), errors)
    settings.digests = setting_digests(settings)
    return settings


def files_by_column(tree: dict[str, SourceFile], role: str, prefix: str) -> dict[str, frozenset[str]]:
    found: dict[str, set[str]] = {}
    for source in tree.values():
        if source.role == role and source.column and source.key.startswith(prefix.format(source.column)):
            found.setdefault(source.column, set()).add(source.key[len(prefix.format(source.column)):])
    return {column: frozenset(names) for column, names in found.items()}


def theme_files(tree: dict[str, SourceFile]) -> dict[str, frozenset[str]]:
    found: dict[str, set[str]] = {}
    for source in tree.values():
        if source.role == "static" and source.key.startswith("themes/"):
            prefix = f"themes/{source.part}/static/"
            found.setdefault(source.part, set()).add(source.key[len(prefix):])
    return {theme: frozenset(names) for theme, names in found.items()}


def city_map(settings: Settings, tree: dict[str, SourceFile], errors: ErrorList):
    if settings.config is None:
        return None
    key = f"content/map/{settings.config.city_adcode}.geojson"
    source = tree.get(key)
    if source is None:
        return None
    return read_city_map(read_json(Path(source.path), errors), key, settings.columns, errors)


def check_layout(paths: ProjectPaths, tree: dict[str, SourceFile], columns: set[str], errors: ErrorList) -> None:
    """Content folders without a column, topic folders without topic.yaml or with an unsafe name."""
    for name in content_folders(paths):
        if name not in columns and name not in ("map", "search"):
            errors.add(paths.content / name, None, f"content folder '{name}' has no column configuration",
                       f"a file districts/{name}/column.yaml, or a folder named after a column")
    for column in sorted(columns):
        for topic in topic_folders(paths, column):
            folder = paths.content / column / "topics" / topic
            if validate.topic_slug_problem(folder, topic, errors):
                continue
            if f"content/{column}/topics/{topic}/topic.yaml" not in tree:
                errors.add(folder / "topic.yaml", None, "file is missing", "this file to exist")


def setting_digests(settings: Settings) -> dict[tuple[str, tuple], bytes]:
    digests = {("config", ()): digest_of(settings.config), ("citymap", ()): digest_of(settings.citymap),
               ("lexicon", ()): digest_of(settings.lexicon)}
    digests.update({("domain", d.slug): digest_of(d) for d in settings.domains})
    digests.update({("column", c.slug): digest_of(c) for c in settings.columns})
    return digests
