"""QR codes of page addresses (一码获取), as inline SVG, with an on-disk cache across builds.

Encoding is done by zxing-cpp (about 0.4 ms a code). Every address's SVG path is kept in
`.build-cache/qr/` (outside output/), sharded by a hash of the address, so an address is encoded
once and later builds only read it back. A shard that cannot be read is discarded and rebuilt;
an entry that does not look like one of ours is ignored and encoded again.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
from pathlib import Path

from markupsafe import Markup, escape

CACHE_VERSION = 2
SHARDS = 256
PATH_DATA = re.compile(r"[MmHhVvZz0-9 .-]+")
DARK_RUN = re.compile(rb"\x00+")


class QrError(Exception):
    """The encoder could not make a code for an address."""


def encode(text: str) -> tuple[int, str]:
    """(size in modules including the quiet zone, SVG path data of the dark modules)."""
    import zxingcpp
    try:
        code = zxingcpp.create_barcode(text, zxingcpp.BarcodeFormat.QRCode, ec_level="M")
    except Exception as exc:  # the binding raises plain exceptions for over-long input
        raise QrError(f"cannot encode {text!r} as a QR code: {exc}") from exc
    # The module matrix, not zxing's own SVG: writing the path from runs is several times faster.
    image = memoryview(code.to_image(scale=1, add_quiet_zones=True))
    if image.ndim != 2 or image.shape[0] != image.shape[1]:
        raise QrError("unexpected image from zxing-cpp; the QR module needs updating for this version")
    return image.shape[0], dark_runs(image.tobytes(), image.shape[0])


def dark_runs(pixels: bytes, size: int) -> str:
    """SVG path data with one rectangle per horizontal run of dark modules (0 is dark)."""
    rows = (pixels[y * size:(y + 1) * size] for y in range(size))
    return "".join([f"M{m.start()} {y}h{len(m[0])}v1h-{len(m[0])}z"
                    for y, row in enumerate(rows) for m in DARK_RUN.finditer(row)])


def svg(size: int, path: str, label: str) -> Markup:
    """A compact, scalable inline SVG; the modules stay crisp at any print size."""
    return Markup(
        f'<svg class="qr-code" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" '
        f'shape-rendering="crispEdges" role="img" aria-label="{escape(label)}">'
        f'<rect width="{size}" height="{size}" fill="#fff"/><path fill="#000" d="{path}"/></svg>')


class QrCodes:
    """Address → inline SVG, each address encoded at most once across builds."""

    def __init__(self, cache_folder: Path | None):
        self.folder = cache_folder
        self.shards: dict[str, dict] = {}
        self.dirty: set[str] = set()
        self.used: dict[str, set[str]] = {}
        self.new_codes: dict[str, list] = {}     # encoded in this process during this build
        self._recent: set[str] = set()           # used since the last take_used()
        self.encoded = 0
        self.reused = 0

    def svg(self, url: str, label: str = "") -> Markup:
        size, path = self.code(url)
        return svg(size, path, label or f"本页二维码：{url}")

    def code(self, url: str) -> tuple[int, str]:
        name = shard_name(url)
        shard = self._shard(name)
        self.used.setdefault(name, set()).add(url)
        self._recent.add(url)
        entry = shard.get(url)
        if valid_entry(entry):
            self.reused += 1
            return entry[0], entry[1]
        size, path = encode(url)
        shard[url] = [size, path]
        self.new_codes[url] = [size, path]
        self.dirty.add(name)
        self.encoded += 1
        return size, path

    def keep(self, url: str) -> None:
        """An address whose page was carried over unchanged: keep its code in the cache."""
        self.used.setdefault(shard_name(url), set()).add(url)

    def take_used(self) -> set[str]:
        """The addresses used since the last call (a render worker reports them to the parent)."""
        used, self._recent = self._recent, set()
        return used

    def merge(self, codes: dict[str, list], used: set[str]) -> None:
        """Take in what render workers encoded and used, so that save() keeps it."""
        for url, entry in codes.items():
            name = shard_name(url)
            if url not in self._shard(name):
                self._shard(name)[url] = entry
                self.dirty.add(name)
                self.encoded += 1
        for url in used:
            self.used.setdefault(shard_name(url), set()).add(url)
        self.reused = len(set().union(*self.used.values())) - self.encoded if self.used else 0

    def _shard(self, name: str) -> dict:
        if name not in self.shards:
            self.shards[name] = read_shard(self.folder / f"{name}.json") if self.folder else {}
        return self.shards[name]

    def save(self, prune: bool = True) -> None:
        """Write back the shards that changed. `prune` (a build that rendered every page) keeps
        only the addresses this build used; otherwise every address is kept."""
        if not self.folder:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        for name, shard in self.shards.items():
            used = self.used.get(name, set()) if prune else set(shard)
            if name not in self.dirty and used == shard.keys():
                continue
            kept = {url: shard[url] for url in sorted(used) if url in shard}
            write_atomically(self.folder / f"{name}.json",
                             json.dumps({"version": CACHE_VERSION, "codes": kept}, ensure_ascii=False))


def shard_name(url: str) -> str:
    return f"{int(hashlib.blake2b(url.encode(), digest_size=2).hexdigest(), 16) % SHARDS:02x}"


def valid_entry(entry) -> bool:
    return (isinstance(entry, list) and len(entry) == 2 and isinstance(entry[0], int) and 21 <= entry[0] <= 200
            and isinstance(entry[1], str) and PATH_DATA.fullmatch(entry[1]) is not None)


def read_shard(file: Path) -> dict:
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}          # missing or corrupt: start the shard afresh
    if not isinstance(data, dict) or data.get("version") != CACHE_VERSION or not isinstance(data.get("codes"), dict):
        return {}
    return data["codes"]


def write_atomically(target: Path, text: str) -> None:
    handle, temp = tempfile.mkstemp(prefix=".", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
