"""A column's banner for a new site: an SVG like the default content's (1200×200, a gradient in the
column's colours, a skyline and a river line, the column's name and where it is), made from the
name alone so that every column has one from the first build. Districts replace it with their own."""
from __future__ import annotations

from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

# (primary, accent) of the columns, the city first; taken in turn, as the default content's.
PALETTE = (("#b3121a", "#d4a017"), ("#1f6fb2", "#48a9e6"), ("#2e7d32", "#8bc34a"), ("#6a1b9a", "#ba68c8"),
           ("#ef6c00", "#ffb74d"), ("#00838f", "#4dd0e1"), ("#c0392b", "#e67e22"), ("#283593", "#7986cb"),
           ("#ad1457", "#f06292"), ("#4e342e", "#a1887f"))
FONT = "Noto Sans CJK SC, Microsoft YaHei, sans-serif"
TOWERS = ((640, 110, 38), (684, 80, 26), (716, 50, 50), (772, 100, 30), (808, 25, 44), (858, 115, 24),
          (888, 70, 60), (954, 90, 34), (994, 40, 40), (1040, 105, 28), (1074, 80, 52))


@dataclass(frozen=True)
class Colors:
    primary: str
    accent: str


def colors(index: int) -> Colors:
    return Colors(*PALETTE[index % len(PALETTE)])


def banner_svg(slug: str, title: str, subtitle: str, color: Colors) -> str:
    """The banner of the column `slug` (its gradient's id), titled `title`."""
    towers = "".join(f'<rect x="{x}" y="{y}" width="{w}" height="{200 - y}"/>' for x, y, w in TOWERS)
    return f"""<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1200 200" width="100%" preserveAspectRatio="xMidYMid slice" role="img" aria-label={quoteattr(title)}>
  <title>{escape(title)}</title>
  <defs>
    <linearGradient id="bg-{slug}" x1="0" y1="0" x2="1" y2="0.4">
      <stop offset="0" stop-color="{color.primary}"/>
      <stop offset="0.55" stop-color="{color.primary}"/>
      <stop offset="1" stop-color="{color.accent}"/>
    </linearGradient>
  </defs>
  <rect width="1200" height="200" fill="url(#bg-{slug})"/>
  <g fill="#ffffff" opacity="0.16">{towers}</g><path d="M0 186 C150 168 300 204 450 186 S750 168 900 186 S1100 200 1200 182" fill="none" stroke="#ffffff" stroke-width="4" stroke-linecap="round" opacity="0.25"/>
  <text x="60" y="108" font-family="{FONT}" font-size="56" font-weight="700" fill="#ffffff" letter-spacing="2">{escape(title)}</text>
  <text x="62" y="154" font-family="{FONT}" font-size="24" fill="#ffffff" opacity="0.9" letter-spacing="4">{escape(subtitle)}</text>
</svg>
"""
