"""One Jinja environment per column: the column's own templates first, then its theme.

A column's override folder is only ever on its own lookup chain, so an override in one district
never changes another district's pages. An override may extend the file it replaces with
`{% extends "theme/<name>" %}`; a theme other than the default one may extend the default theme's
file with `{% extends "default/<name>" %}`.

Templates run sandboxed: they reach the site only through the views they are given (views.py), which
record what each page read, and never the fields that say where a value was read from. A template
that asks for one of those fails the build with its file and line.
"""
from __future__ import annotations

import os
from pathlib import Path

import jinja2
from jinja2 import meta
from jinja2.sandbox import SandboxedEnvironment, SecurityError

from .digest import digest_text
from .model import WHERE_FIELDS
from .paths import ProjectPaths

DEFAULT_THEME = "default"
HIDDEN_ATTRIBUTES = WHERE_FIELDS | {"key_lines", "geometry"}


class SiteEnvironment(SandboxedEnvironment):
    """Jinja's sandbox, with a short way for the attributes of the site's own objects (model
    objects, views, pages): every public attribute of those is safe to read, so the sandbox's
    general checks, made for arbitrary Python objects, are not needed there (they cost about a
    third of the time of a page)."""

    own_types: frozenset = frozenset()

    def getattr(self, obj, attribute: str):
        if type(obj) in self.own_types and attribute[:1] != "_" and attribute not in HIDDEN_ATTRIBUTES:
            try:
                return getattr(obj, attribute)
            except AttributeError:
                pass
        return super().getattr(obj, attribute)

    def is_safe_attribute(self, obj, attr: str, value) -> bool:
        if attr in HIDDEN_ATTRIBUTES:
            return False
        return super().is_safe_attribute(obj, attr, value)

    def unsafe_undefined(self, obj, attribute: str):
        raise SecurityError(f"'{attribute}' of {type(obj).__name__} cannot be used in a template "
                            "(pages show content values, never where they were read from)")


class PortableBytecodeCache(jinja2.FileSystemBytecodeCache):
    """Jinja's file cache of compiled templates, with no folder of this machine in it: entries are
    keyed by the template's name and its path inside the project (or the themes folder), and the
    compiled code names that path, put back to the real one when it is loaded. A project moved or
    copied elsewhere keeps its cache."""

    def __init__(self, directory: Path, bases: dict[Path, str]):
        super().__init__(str(directory))
        self.bases = [(str(base.resolve()) + os.sep, label) for base, label in bases.items()]

    def portable(self, filename: str | None) -> str | None:
        if filename is None:
            return None
        real = os.path.realpath(filename)
        for base, label in self.bases:
            if real.startswith(base):
                return "/".join(part for part in (label, real[len(base):].replace(os.sep, "/")) if part)
        return None

    def get_bucket(self, environment, name, filename, source) -> jinja2.bccache.Bucket:
        portable = self.portable(filename)
        bucket = jinja2.bccache.Bucket(environment, self.get_cache_key(name, portable or filename),
                                       self.get_source_checksum(source))
        bucket.names = (portable, filename)
        if portable is not None:
            self.load_bytecode(bucket)
            if bucket.code is not None:
                bucket.code = renamed(bucket.code, portable, filename)
        return bucket

    def set_bucket(self, bucket) -> None:
        portable, filename = getattr(bucket, "names", (None, None))
        if portable is None:
            return                                   # a template outside the project: not kept
        code = bucket.code
        bucket.code = renamed(code, filename, portable)
        try:
            self.dump_bytecode(bucket)
        finally:
            bucket.code = code


def renamed(code, old: str, new: str):
    """`code` with every nested code object that names file `old` naming `new` instead."""
    consts = tuple(renamed(c, old, new) if isinstance(c, type(code)) else c for c in code.co_consts)
    return code.replace(co_filename=new if code.co_filename == old else code.co_filename, co_consts=consts)


class ThemeSet:
    """Builds and caches the environments: one shared (site pages) and one per column."""

    def __init__(self, paths: ProjectPaths, filters: dict):
        self.paths = paths
        self.filters = filters
        self._cache: dict[tuple[str, str], jinja2.Environment] = {}
        # Compiled templates kept across builds beside site.yaml (checked against their source):
        # a build that renders a handful of pages need not compile the theme again.
        folder = paths.root / ".build-cache" / "jinja"
        try:
            folder.mkdir(parents=True, exist_ok=True)
            self.bytecode = PortableBytecodeCache(folder, {paths.themes: "themes", paths.root: ""})
        except OSError:
            self.bytecode = None

    def environment(self, column_slug: str | None, theme: str = DEFAULT_THEME) -> jinja2.Environment:
        """The shared environment for `None`, else the column's (its overrides, then `theme`)."""
        key = (column_slug or "", theme if column_slug else DEFAULT_THEME)
        if key not in self._cache:
            overrides = self.paths.districts / column_slug / "templates" if column_slug else None
            self._cache[key] = self._make(self._theme_dirs(key[1]), overrides)
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
        if overrides is not None:
            chain.append(jinja2.FileSystemLoader(overrides))    # also before the folder exists
        chain.append(theme)
        env = SiteEnvironment(loader=jinja2.ChoiceLoader(chain), autoescape=True, bytecode_cache=self.bytecode,
                              undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
        env.filters.update(self.filters)
        env.own_types = own_types()
        return env

    def key_of(self, filename: str) -> str:
        """A template file's project key (themes/default/templates/base.html, districts/x/...)."""
        for base, prefix in ((self.paths.themes, "themes/"), (self.paths.root, "")):
            try:
                return prefix + Path(filename).resolve().relative_to(base.resolve()).as_posix()
            except ValueError:
                continue
        return Path(filename).name

    def template_digest(self, column_slug: str | None, theme: str, name: str) -> bytes:
        """The template and everything it pulls in, each as this column's chain resolves it."""
        env = self.environment(column_slug, theme)
        parts: list[str] = []
        seen: set[str] = set()
        pending = [name]
        while pending:
            current = pending.pop()
            if current in seen:
                continue
            seen.add(current)
            try:
                source, filename, _ = env.loader.get_source(env, current)
            except jinja2.TemplateNotFound:
                parts.append(f"missing:{current}")
                continue
            parts.append(f"{current}\0{self.key_of(filename)}\0{source}")
            pending.extend(referenced(env, source, seen))
        return digest_text("\n\0".join(sorted(parts)))


def own_types() -> frozenset:
    """The site's own classes whose public attributes templates may read."""
    import dataclasses
    import types
    from . import citygeo, model, pages, views
    found = {cls for module in (model, citygeo, pages) for cls in vars(module).values()
             if isinstance(cls, type) and (dataclasses.is_dataclass(cls) or hasattr(cls, "_fields"))
             and cls.__module__ == module.__name__}
    found |= {cls for cls in vars(views).values() if isinstance(cls, type) and cls.__module__ == views.__name__}
    return frozenset(found | {types.SimpleNamespace})


def referenced(env: jinja2.Environment, source: str, seen: set[str]) -> list[str]:
    names = referenced_names(env, source)
    if None in names:
        # A computed template name: depend on every template this environment can see.
        return [n for n in env.list_templates() if n not in seen]
    return [n for n in names if n]


_NAMES: dict[str, tuple] = {}


def referenced_names(env: jinja2.Environment, source: str) -> tuple:
    """The template names a source names (None for a computed one). Parsed once a source: every
    column's environment sees the same theme templates, and every environment parses alike (parsing
    them per column took 3 s a build)."""
    if source not in _NAMES:
        if len(_NAMES) > 4096:           # a long preview whose templates were edited many times
            _NAMES.clear()
        try:
            _NAMES[source] = tuple(meta.find_referenced_templates(env.parse(source)))
        except jinja2.TemplateSyntaxError:
            _NAMES[source] = ()          # the render reports it with file and line
    return _NAMES[source]


def files_under(folder: Path) -> dict[str, Path]:
    if not folder.is_dir():
        return {}
    found = {}
    for base, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in files:
            if not name.startswith("."):
                path = Path(base) / name
                found[path.relative_to(folder).as_posix()] = path
    return dict(sorted(found.items()))
