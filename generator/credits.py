"""What the 关于本站 page says about the parts of the site that come from others: the front-page
map's boundary data and the programs that run in the reader's browser, with their licences."""
from __future__ import annotations

from dataclasses import dataclass
from importlib import metadata


@dataclass(frozen=True)
class Credit:
    name: str
    role: str           # what it does on this site, in the reader's words
    licence: str
    address: str


def browser_credits(with_map: bool) -> list[Credit]:
    """The third-party code the site sends to browsers (Leaflet only where there is a map)."""
    found = []
    if with_map:
        # xstatic-leaflet's metadata says only "(same as Leaflet)": Leaflet's own licence is BSD-2-Clause
        found.append(Credit("Leaflet " + leaflet_version(), "首页交互地图", "BSD-2-Clause",
                            "https://leafletjs.com/"))
    found.append(Credit("Pagefind " + metadata.version("pagefind"), "站内查询", package_licence("pagefind"),
                        "https://pagefind.app/"))
    return found


def leaflet_version() -> str:
    return ".".join(metadata.version("xstatic-leaflet").split(".")[:3])


def package_licence(name: str) -> str:
    meta = metadata.metadata(name)
    if meta.get("License-Expression"):
        return meta["License-Expression"]
    classifiers = [c.rsplit(" :: ", 1)[1] for c in meta.get_all("Classifier") or [] if c.startswith("License ::")]
    return classifiers[0].replace(" License", "") if classifiers else meta.get("License") or "见软件包说明"
