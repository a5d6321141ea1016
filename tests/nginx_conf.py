"""deploy/nginx/jczwgk.conf, the nginx configuration README shows: the values of its maps (the
security policies are written once, there), for the tests that serve the site with them."""
from __future__ import annotations

import re
from pathlib import Path

CONF = Path(__file__).resolve().parent.parent / "deploy" / "nginx" / "jczwgk.conf"
TEXT = CONF.read_text(encoding="utf-8")


def map_entries(variable: str) -> list[tuple[str, str]]:
    """(pattern, value) of each line of `map $uri $<variable>`, in order."""
    block = re.search(r"map \$uri \$" + variable + r" \{(.*?)\n\}", TEXT, re.S).group(1)
    return re.findall(r'^\s*(\S+)\s+"([^"]+)";', block, re.M)


CSP = dict(map_entries("jczwgk_csp"))
PAGE_CSP = CSP.pop("default")
(UPLOAD_PATTERN, UPLOAD_CSP), = CSP.items()          # one policy for what districts upload
UPLOADS = re.compile(UPLOAD_PATTERN.removeprefix("~"))
