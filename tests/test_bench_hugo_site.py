"""bench/hugo_site.py: the benchmark corpus written as a Hugo site holds every record once, with
its title, dates and body, under its column's and domain's sections."""
import sys
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "bench"))

from corpus import generate  # noqa: E402
from hugo_site import write_hugo_site  # noqa: E402


def front_matter(path: Path) -> tuple[dict, str]:
    text = path.read_text(encoding="utf-8")
    assert text.startswith("---\n"), path
    front, _sep, body = text[4:].partition("\n---\n")
    return yaml.safe_load(front), body


@pytest.fixture(scope="module")
def hugo(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hugo-site")
    generate(folder / "corpus", 240)
    return write_hugo_site(folder / "corpus", folder / "hugo"), folder / "hugo"


def test_every_record_becomes_one_hugo_page_under_its_column_and_domain(hugo):
    count, site = hugo
    content = site / "content"
    pages = sorted(p for p in content.rglob("*.md") if p.name != "_index.md")
    assert count == len(pages) == 240
    assert len({(p.relative_to(content).parts[0], p.stem) for p in pages}) == 240      # a column's ids are unique
    for page in pages:
        front, body = front_matter(page)
        assert front["title"] and front["date"][:2] == "20" and front["publisher"]
        assert body.strip(), page
        assert (page.parent / "_index.md").is_file() and (page.parent.parent / "_index.md").is_file()
    assert front_matter(content / "changsha" / "_index.md")[0] == {"title": "长沙市"}
    assert front_matter(content / "yuelu" / "_index.md")[0] == {"title": "岳麓区"}
    domain = next(p for p in (content / "yuelu").iterdir() if p.is_dir())
    assert front_matter(domain / "_index.md")[0]["title"] != domain.name        # the domain's Chinese name


def test_the_hugo_site_has_the_layouts_and_a_menu_rendered_once(hugo):
    _count, site = hugo
    layouts = site / "layouts"
    assert sorted(p.name for p in layouts.iterdir() if p.is_file()) == ["baseof.html", "home.html", "page.html",
                                                                       "section.html"]
    base = (layouts / "baseof.html").read_text(encoding="utf-8")
    assert 'partialCached "menu.html"' in base and "site.Sections" not in base
    assert "images.QR" in base and "data-pagefind-body" in base
    assert "site.Sections" in (layouts / "_partials" / "menu.html").read_text(encoding="utf-8")
    assert 'hasCJKLanguage = true' in (site / "hugo.toml").read_text(encoding="utf-8")
