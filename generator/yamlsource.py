"""YAML parsing that remembers the line of every mapping and key, for error messages.

Dates stay strings here (validation parses them) so that a bad date such as 2024-13-01 becomes a
clear error with its line instead of an exception inside the YAML library.
"""
from __future__ import annotations

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


class LineLoader(_Base):  # type: ignore[misc, valid-type]
    pass


def _construct_map(loader: LineLoader, node: yaml.MappingNode) -> SourceMap:
    loader.flatten_mapping(node)
    result = SourceMap()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, (str, int, float, bool)) or key is None:
            raise yaml.constructor.ConstructorError(
                None, None, "a mapping key must be plain text", key_node.start_mark)
        key = str(key)
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = key_node.start_mark.line + 1
    return result


def _construct_seq(loader: LineLoader, node: yaml.SequenceNode) -> SourceList:
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
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + first_line if mark else None
        raise YamlSyntaxError(line, _describe(exc)) from None
    except yaml.YAMLError as exc:
        raise YamlSyntaxError(None, str(exc)) from None
    if first_line != 1:
        _shift_lines(data, first_line - 1)
    return data


def _describe(exc: yaml.MarkedYAMLError) -> str:
    parts = [p for p in (exc.context, exc.problem) if p]
    return "invalid YAML: " + ", ".join(parts)


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
