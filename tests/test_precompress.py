"""Precompressed copies (site.yaml `precompress`): reproducible bytes, made only where they save, the
setting's values and errors, and the site's own checks over an output that holds them. How copies
follow incremental builds is in test_incremental.py, how nginx serves them in test_nginx.py."""
from __future__ import annotations

import datetime as dt
import gzip
import random
import zlib

import brotli
import pytest

from conftest import REPO, build_into
from generator.check import CheckOptions, run_check
from generator.errors import BuildError
from generator.paths import ProjectPaths
from generator.precompress import BROTLI_QUALITY, MIN_SIZE, base_of, copies, formats_of
from site_checks import html_pages

PAGE = ("<!DOCTYPE html><html lang=zh-CN><body>" + "<p>城乡最低生活保障对象公示</p>" * 200 + "</body></html>").encode()


def set_precompress(root, value: str) -> None:
    site = root / "site.yaml"
    site.write_text(site.read_text(encoding="utf-8") + f"precompress: {value}\n", encoding="utf-8")


def test_copies_are_reproducible_and_decompress_to_the_file():
    made = dict(copies("a/index.html", PAGE, ("gzip", "brotli")))
    assert made == dict(copies("b/other.html", PAGE, ("gzip", "brotli")))     # bytes alone decide
    gz = made[".gz"]
    assert gz[3] == 0 and gz[4:8] == b"\0\0\0\0"           # no file name, no time in the header
    assert gzip.decompress(gz) == PAGE and brotli.decompress(made[".br"]) == PAGE
    assert len(gz) == len(zlib.compress(PAGE, 9)) + 12        # level 9 (zlib's 2+4 framing vs gzip's 10+8)
    assert made[".br"] == brotli.compress(PAGE, quality=BROTLI_QUALITY)


def test_copies_only_where_they_save():
    assert copies("small.html", PAGE[:MIN_SIZE - 1], ("gzip", "brotli")) == []
    assert copies("noise.js", random.Random(1).randbytes(4096), ("gzip", "brotli")) == []   # does not compress
    assert copies("photo.png", PAGE, ("gzip", "brotli")) == []                       # not a text type
    assert copies("zh_1a2b.pf_fragment", PAGE, ("gzip", "brotli")) == []             # Pagefind's, gzip already
    assert [s for s, _ in copies("site.css", PAGE, ("brotli",))] == [".br"]
    assert base_of("a/index.html.gz", ("gzip",)) == "a/index.html"
    assert base_of("a/index.html.br", ("gzip",)) is None and base_of("a.zip.gz", ("gzip",)) is None


@pytest.mark.parametrize("value, formats", [("true", ("gzip", "brotli")), ("false", ()), ("[brotli, gzip]", ("gzip", "brotli")),
                                            ("[gzip]", ("gzip",)), ("brotli", ("brotli",))])
def test_the_setting(value, formats):
    import yaml
    assert formats_of(yaml.safe_load(value)) == formats


def test_a_bad_setting_names_the_line(site_copy, tmp_path):
    set_precompress(site_copy, "[gzip, zstd]")
    with pytest.raises(BuildError) as caught:
        build_into(site_copy, tmp_path / "output")
    line = len((site_copy / "site.yaml").read_text(encoding="utf-8").splitlines())
    assert f"site.yaml:{line}: 'precompress' (预压缩副本)" in caught.value.report()
    assert "true, false, or a list of gzip / brotli" in caught.value.report()


def test_the_sites_checks_count_pages_not_copies(site_copy, tmp_path):
    plain, packed = tmp_path / "plain", tmp_path / "packed"
    build_into(site_copy, plain)
    set_precompress(site_copy, "true")
    build_into(site_copy, packed)
    assert any(packed.rglob("*.html.gz")) and any(packed.rglob("*.html.br"))
    assert html_pages(packed) == html_pages(plain)

    def audit(output):
        findings = run_check(ProjectPaths.at(site_copy, output, REPO / "themes"),
                             CheckOptions(dt.date(2026, 10, 12)), log=lambda _m: None)
        return sorted((f.rule, f.page, f.severity) for f in findings)

    assert audit(packed) == audit(plain)
