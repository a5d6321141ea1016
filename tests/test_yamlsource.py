import pytest

from generator.yamlsource import SourceMap, YamlSyntaxError, parse_yaml


def test_lines_of_mappings_keys_and_list_items():
    data = parse_yaml("a: 1\nitems:\n  - id: x\n    title: t\n  - id: y\n")
    assert isinstance(data, SourceMap)
    assert data.line_of("items") == 2
    assert data["items"].item_lines == [3, 5]
    assert data["items"][0].line_of("title") == 4


def test_dates_stay_text_so_bad_dates_can_be_reported():
    data = parse_yaml("good: 2024-01-05\nbad: 2024-13-01\n")
    assert data == {"good": "2024-01-05", "bad": "2024-13-01"}


def test_syntax_error_names_the_line():
    with pytest.raises(YamlSyntaxError) as exc:
        parse_yaml("a: 1\nb: [1, 2\nc: 3\n")
    assert exc.value.line in (2, 3)
    assert "invalid YAML" in exc.value.problem


def test_front_matter_lines_are_shifted_to_file_lines():
    data = parse_yaml("title: x\nitem: y\n", first_line=2)
    assert data.line_of("item") == 3
