"""Where a project's inputs and output live."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class ProjectPaths:
    root: Path
    themes: Path
    output: Path

    @classmethod
    def at(cls, root: Path, output: Path | None = None, themes: Path | None = None) -> "ProjectPaths":
        root = Path(root).resolve()
        return cls(root=root,
                   themes=Path(themes).resolve() if themes else root / "themes",
                   output=Path(output).resolve() if output else root / "output")

    @property
    def site_file(self) -> Path:
        return self.root / "site.yaml"

    @property
    def content(self) -> Path:
        return self.root / "content"

    @property
    def districts(self) -> Path:
        return self.root / "districts"

    @property
    def maps(self) -> Path:
        """content/map/: <city adcode>.geojson, written by `build.py map-data`."""
        return self.content / "map"
