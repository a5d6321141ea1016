"""Where a project's inputs and output live."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class ProjectPaths:
    root: Path
    themes: Path
    output: Path

    @classmethod
    def at(cls, root: Path, output: Path | None = None, themes: Path | None = None) -> "ProjectPaths":
        """`themes` by default: the project's themes/, or the generator's own when it has none."""
        root = Path(root).resolve()
        if themes:
            themes = Path(themes).resolve()
        else:
            themes = root / "themes" if (root / "themes").is_dir() else shipped_themes()
        return cls(root=root, themes=themes, output=Path(output).resolve() if output else root / "output")

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


def shipped_themes() -> Path:
    """The themes that come with the generator: in the installed package (pyproject.toml puts the
    repository's themes/ there as generator/shipped_themes), or the repository's own in a checkout."""
    installed = PACKAGE / "shipped_themes"
    return installed if installed.is_dir() else PACKAGE.parent / "themes"
