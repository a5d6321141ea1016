"""The files the site publishes as they are: the shared theme's static files, Leaflet (from the
xstatic-leaflet package, only with a map), each column's static files (its theme's when that is not
the default one, overlaid by districts/<column>/static/) and its attachments (content/<column>/files/).

Each is known by its output path and the source it is copied from; a build copies those whose
source digest changed, or whose copy in output/ is not the one it wrote.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass

from .citymap import leaflet_files
from .sources import SourceFile
from .store import Store
from .themes import DEFAULT_THEME


@dataclass(frozen=True)
class Asset:
    path: str            # in output/
    source: str          # the source file's key, or pkg:<name> for a package's file
    file: str            # where the source is now


def site_assets(store: Store, tree: dict[str, SourceFile]) -> dict[str, Asset]:
    """Output path -> asset; a column's own static file wins over its theme's."""
    themed = {}
    for column in store.columns:
        if column.theme != DEFAULT_THEME:
            themed.setdefault(column.theme, []).append(column.slug)
    found: dict[str, Asset] = {}
    own: list[Asset] = []
    for key, source in tree.items():
        if source.role not in ("static", "attachment"):
            continue
        parts = key.split("/", 3)
        if source.role == "attachment":
            own.append(Asset(f"{source.column}/files/{key.split('/', 3)[3]}", key, source.path))
        elif parts[0] == "themes" and parts[1] == DEFAULT_THEME:
            found[f"static/{parts[3]}"] = Asset(f"static/{parts[3]}", key, source.path)
        elif parts[0] == "themes":
            for slug in themed.get(parts[1], ()):
                found[f"{slug}/static/{parts[3]}"] = Asset(f"{slug}/static/{parts[3]}", key, source.path)
        else:
            own.append(Asset(f"{parts[1]}/static/{parts[3]}", key, source.path))
    found.update((asset.path, asset) for asset in own)
    if store.citymap is not None:
        for name, file in leaflet_files():
            found[f"static/leaflet/{name}"] = Asset(f"static/leaflet/{name}", f"pkg:leaflet/{name}", str(file))
    return dict(sorted(found.items()))


def package_digest(file: str) -> str:
    with open(file, "rb") as handle:
        return hashlib.blake2b(handle.read(), digest_size=16).hexdigest()
