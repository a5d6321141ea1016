"""The version of what makes the pages: the generator's own code and the libraries that shape its
output. A build state made by another version is never used (every page is made again)."""
from __future__ import annotations

import hashlib
from importlib import metadata
from pathlib import Path

STATE_FORMAT = 1
SHAPING_LIBRARIES = ("jinja2", "markupsafe", "cmarkgfm", "nh3", "zxing-cpp", "folium", "xstatic-leaflet",
                     "pagefind-bin-extended", "pyyaml", "python-stdnum")     # stdnum: the guard's verdicts


def generator_version() -> str:
    digest = hashlib.blake2b(str(STATE_FORMAT).encode(), digest_size=16)
    package = Path(__file__).parent
    for file in sorted(package.rglob("*.py")) + sorted(package.rglob("*.json")):
        digest.update(file.relative_to(package).as_posix().encode() + b"\0" + file.read_bytes())
    for name in SHAPING_LIBRARIES:
        try:
            digest.update(f"{name}={metadata.version(name)};".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"{name}=none;".encode())
    return digest.hexdigest()
