"""A page's <meta name="description">: the opening words of a record's body as plain text."""
from __future__ import annotations

import html
import re
import unicodedata

import cmarkgfm

HEAD = 800                  # characters of Markdown read: the summary never needs more
LIMIT = 110                 # characters of summary: what search engines and chat previews show
TAGS = re.compile(r"<[^>]*>")
SPACE = re.compile(r"\s+")
BETWEEN_CJK = re.compile(r"(?<=[^\x00-\x7f]) (?=[^\x00-\x7f])")   # block breaks inside Chinese text
SENTENCE_END = "。；！？"


def plain_summary(markdown: str, limit: int = LIMIT) -> str:
    """The body's first sentences as one line of text, cut after a full stop where one falls
    within `limit` characters, else at `limit` with an ellipsis."""
    head = markdown[:HEAD].rsplit("\n\n", 1)[0] if len(markdown) > HEAD else markdown
    head = "\n".join(line for line in head.splitlines() if not line.lstrip().startswith("|"))  # tables
    text = SPACE.sub(" ", html.unescape(TAGS.sub(" ", cmarkgfm.markdown_to_html(head)))).strip()
    text = BETWEEN_CJK.sub("", text)
    if len(text) <= limit:
        return text
    cut = max(text.rfind(mark, 0, limit) for mark in SENTENCE_END)
    return text[:cut + 1] if cut >= limit // 2 else text[:limit - 1].rstrip() + "…"


def character_terms(text: str) -> str:
    """Text as the browser may cut a query of it: one term per Chinese character and per run of
    digits or Latin letters. The browser cuts words its dictionary lacks into characters
    (Intl.Segmenter) where the indexer (jieba) keeps them whole, so only this form lets
    「岳征补决〔2026〕19号」 or 「特困供养」 find their pages; static/search-rank.js relies on it."""
    return " ".join(re.findall(r"[0-9]+|[a-z]+|[\u4e00-\u9fff]", unicodedata.normalize("NFKC", text).lower()))
