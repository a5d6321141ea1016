"""The search lexicon (content/search/synonyms.yaml): the words citizens use for what the pages call
otherwise, the question words a query can lose, and the words that ask for a service guide.

A webmaster edits it as data; the search page carries it (inline JSON) and applies it to every
query in the browser (static/search-rank.js), so an edit re-renders one page and re-indexes nothing.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .errors import ErrorList
from .load import Document, read_yaml
from .yamlsource import SourceList, SourceMap

LEXICON_FILE = "content/search/synonyms.yaml"
KEYS = {"synonyms": "同义词组（每组第一个是页面上的规范名称）", "fillers": "查询中去掉的疑问词和虚词",
        "service_words": "表示想办事的词（办事指南和事项排在前面）"}
LONGEST = 20     # characters: a longer "word" is a sentence pasted by mistake


@dataclass(frozen=True)
class SearchLexicon:
    synonyms: tuple[tuple[str, ...], ...] = ()
    fillers: tuple[str, ...] = ()
    service_words: tuple[str, ...] = ()

    def as_json(self) -> dict:
        return {"synonyms": [list(g) for g in self.synonyms], "fillers": list(self.fillers),
                "service": list(self.service_words)}


def read_lexicon(path: Path, errors: ErrorList) -> SearchLexicon:
    """The lexicon (the settings read it when the source tree holds it); problems go to `errors`."""
    doc = read_yaml(path, errors)
    return lexicon_of(doc, errors) if doc is not None else SearchLexicon()


def lexicon_of(doc: Document, errors: ErrorList) -> SearchLexicon:
    data = doc.data
    if data is None:
        return SearchLexicon()
    if not isinstance(data, SourceMap):
        errors.add(doc.path, getattr(data, "line", None), "the lexicon is not a mapping",
                   "keys " + ", ".join(KEYS))
        return SearchLexicon()
    for key in data:
        if key not in KEYS:
            errors.add(doc.path, data.line_of(key), f"unknown key '{key}'", "one of " + ", ".join(KEYS))
    rows = word_lists(doc, data, "synonyms", errors, nested=True)
    fillers = [w for _line, row in word_lists(doc, data, "fillers", errors) for w in row]
    service = [w for _line, row in word_lists(doc, data, "service_words", errors) for w in row]
    check_groups(doc, rows, errors)
    groups = tuple(tuple(dict.fromkeys(row)) for _line, row in rows)
    return SearchLexicon(groups, tuple(dict.fromkeys(fillers)), tuple(dict.fromkeys(service)))


def word_lists(doc: Document, data: SourceMap, key: str, errors: ErrorList,
               nested: bool = False) -> list[tuple[int | None, list[str]]]:
    """The key's words: a list of words, or (nested) a list of lists of at least two words."""
    value = data.get(key)
    if value is None:
        return []
    what = f"{key} ({KEYS[key]})"
    if not isinstance(value, SourceList):
        errors.add(doc.path, data.line_of(key), f"{what} is not a list", "a YAML list")
        return []
    rows = []
    for n, entry in enumerate(value):
        line = value.item_lines[n] if n < len(value.item_lines) else value.line
        if not nested:
            entry = [entry]
        elif not isinstance(entry, SourceList) or len(entry) < 2:
            errors.add(doc.path, line, f"{key}: entry {n + 1} is not a list of two or more words",
                       "a group such as [最低生活保障, 低保]")
            continue
        words = [word_problem(doc, line, key, w, errors) for w in entry]
        if None not in words:
            rows.append((line, words))
    return rows


def word_problem(doc: Document, line, key: str, word, errors: ErrorList) -> str | None:
    """The word cleaned, or None (with an error) when it is not one."""
    if not isinstance(word, str) or not word.strip():
        errors.add(doc.path, line, f"{key}: {word!r} is not a word", "a non-empty text")
        return None
    word = word.strip()
    if len(word) > LONGEST or any(c.isspace() for c in word):
        errors.add(doc.path, line, f"{key}: '{word[:LONGEST]}…' is not one word" if len(word) > LONGEST
                   else f"{key}: '{word}' holds a space", f"a word of at most {LONGEST} characters, no spaces")
        return None
    return word


def check_groups(doc: Document, rows: list[tuple[int | None, list[str]]], errors: ErrorList) -> None:
    """A word in two synonym groups would make the two one group without saying so."""
    seen: dict[str, int | None] = {}
    for line, words in rows:
        for word in dict.fromkeys(words):
            if word in seen:
                errors.add(doc.path, line, f"synonyms: '{word}' is already in the group on line {seen[word]}",
                           "each word in one group only (merge the groups)")
            seen.setdefault(word, line)
