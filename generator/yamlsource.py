"""YAML parsing that remembers the line of every mapping and key, for error messages.

Dates stay strings here (validation parses them) so that a bad date such as 2024-13-01 becomes a
clear error with its line instead of an exception inside the YAML library.
"""
from __future__ import annotations

import re

import yaml

_Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class SourceMap(dict):
    """A dict that knows the line of itself and of each key (1-based)."""

    line: int | None = None
    key_lines: dict

    def line_of(self, key: str) -> int | None:
        return self.key_lines.get(key, self.line)


class SourceList(list):
    """A list that knows its own line and its items' lines."""

    line: int | None = None
    item_lines: list


class AliasUsed(yaml.YAMLError):
    """A value anchored (&name) and used again (*name, or merged with <<). Content files spell every
    value out: an alias hides where a value is written (an error in it would name the anchor's line)
    and a few nested ones expand into billions of values (a "YAML bomb")."""

    def __init__(self, anchor_line: int):
        self.anchor_line = anchor_line
        self.used_line: int | None = None
        super().__init__(anchor_line)


class LineLoader(_Base):  # type: ignore[misc, valid-type]
    def construct_object(self, node, deep=False):
        if node in self.constructed_objects or node in self.recursive_objects:
            raise AliasUsed(node.start_mark.line + 1)
        return super().construct_object(node, deep)


class DuplicateKey(yaml.YAMLError):
    """One key twice in one mapping: YAML would keep the second value without a word."""

    def __init__(self, key: str, first: int, second: int):
        self.key, self.first, self.second = key, first, second
        super().__init__(key)


def _construct_map(loader: LineLoader, node: yaml.MappingNode) -> SourceMap:
    for key_node, value_node in node.value:
        if key_node.tag == "tag:yaml.org,2002:merge":     # <<: brings another mapping's pairs in
            refused = AliasUsed(value_node.start_mark.line + 1)
            refused.used_line = key_node.start_mark.line + 1
            raise refused
    result = SourceMap()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    for key_node, value_node in node.value:
        line = key_node.start_mark.line + 1
        key = construct_at(loader, key_node, line)
        if not isinstance(key, (str, int, float, bool)) or key is None:
            raise yaml.constructor.ConstructorError(
                None, None, "a mapping key must be plain text", key_node.start_mark)
        key = str(key)
        if key in result:
            raise DuplicateKey(key, result.key_lines[key], line)
        result[key] = construct_at(loader, value_node, line)
        result.key_lines[key] = line
    return result


def construct_at(loader: LineLoader, node: yaml.Node, line: int):
    """The value of `node`, written at `line`: where an alias inside it is reported."""
    try:
        return loader.construct_object(node, deep=True)
    except AliasUsed as exc:
        if exc.used_line is None:
            exc.used_line = line
        raise


def _construct_seq(loader: LineLoader, node: yaml.SequenceNode) -> SourceList:
    # An alias item's node is the anchored one (its mark is the anchor's): the key holding the
    # list names the line.
    result = SourceList(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1
    result.item_lines = [child.start_mark.line + 1 for child in node.value]
    return result


def _construct_timestamp_as_text(loader: LineLoader, node: yaml.ScalarNode) -> str:
    return loader.construct_scalar(node)


LineLoader.add_constructor("tag:yaml.org,2002:map", _construct_map)
LineLoader.add_constructor("tag:yaml.org,2002:seq", _construct_seq)
LineLoader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp_as_text)


class YamlSyntaxError(Exception):
    """YAML that cannot be parsed, with the 1-based line of the problem."""

    def __init__(self, line: int | None, problem: str):
        self.line = line
        self.problem = problem
        super().__init__(problem)


def parse_yaml(text: str, first_line: int = 1):
    """Parse YAML text; `first_line` shifts line numbers (front matter starts at line 2)."""
    try:
        data = yaml.load(text, Loader=LineLoader)  # noqa: S506 - LineLoader is a SafeLoader
    except AliasUsed as exc:
        shift = first_line - 1
        used = (exc.used_line or exc.anchor_line) + shift
        raise YamlSyntaxError(used, f"a value anchored on line {exc.anchor_line + shift} is used again here "
                                    f"(*alias or <<: merge); content files write every value out") from None
    except DuplicateKey as exc:
        shift = first_line - 1
        raise YamlSyntaxError(exc.second + shift, f"duplicate key '{exc.key}': on line {exc.first + shift} "
                                                  f"and again on line {exc.second + shift} (YAML would keep "
                                                  f"only the second value)") from None
    except yaml.MarkedYAMLError as exc:
        line = _fault_line(text, exc)
        raise YamlSyntaxError(None if line is None else line + first_line - 1, _describe(exc)) from None
    except yaml.YAMLError as exc:
        raise YamlSyntaxError(None, str(exc)) from None
    if first_line != 1:
        _shift_lines(data, first_line - 1)
    return data


# Errors whose context mark, not the place the parser gave up, is where the writer went wrong:
# an unclosed quote or bracket is only noticed lines later, often at the end of the text.
_OPENED_CONTEXTS = ("while scanning a quoted scalar", "while parsing a flow", "while scanning a simple key",
                    "while scanning a block scalar")


def _fault_line(text: str, exc: yaml.MarkedYAMLError) -> int | None:
    """The 1-based line (in `text`) where the fault most likely is."""
    context, problem = exc.context_mark, exc.problem_mark
    if context is not None and (exc.context or "").startswith(_OPENED_CONTEXTS):
        return context.line + 1
    if problem is None:
        return context.line + 1 if context is not None else None
    lines = text.splitlines()
    start = context.line if context is not None else 0
    for number in range(start, min(problem.line, len(lines))):   # a quote opened earlier closed here
        if _unbalanced_quote(lines[number]):
            return number + 1
    return problem.line + 1


def _unbalanced_quote(line: str) -> bool:
    value = line.split(":", 1)[1].strip() if ":" in line else line.strip().lstrip("- ")
    if value.startswith('"'):
        return len(re.findall(r'(?<!\\)"', value)) % 2 == 1
    if value.startswith("'"):
        return value.replace("''", "").count("'") % 2 == 1
    return False


_HINTS = {"while scanning a quoted scalar": "a quoted value that starts on this line is not closed",
          "while parsing a flow sequence": "a '[' on this line is not closed by ']'",
          "while parsing a flow mapping": "a '{' on this line is not closed by '}'"}


def _describe(exc: yaml.MarkedYAMLError) -> str:
    parts = [p for p in (exc.context, exc.problem) if p]
    hint = next((h for start, h in _HINTS.items() if (exc.context or "").startswith(start)), None)
    return "invalid YAML: " + (f"{hint} ({', '.join(parts)})" if hint else ", ".join(parts))


def _shift_lines(data, offset: int) -> None:
    if isinstance(data, SourceMap):
        data.line += offset
        data.key_lines = {k: v + offset for k, v in data.key_lines.items()}
        for value in data.values():
            _shift_lines(value, offset)
    elif isinstance(data, SourceList):
        data.line += offset
        data.item_lines = [v + offset for v in data.item_lines]
        for value in data:
            _shift_lines(value, offset)
