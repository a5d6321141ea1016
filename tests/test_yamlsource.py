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


def test_a_key_twice_in_one_mapping_is_an_error_naming_both_lines():
    with pytest.raises(YamlSyntaxError) as exc:
        parse_yaml("id: a\npublished: 2024-01-05\ntitle: x\npublished: 2025-01-05\n", first_line=2)
    assert exc.value.line == 5
    assert "duplicate key 'published'" in exc.value.problem and "line 3" in exc.value.problem


def test_the_same_key_in_two_mappings_is_fine():
    data = parse_yaml("one: {title: a}\ntwo: {title: b}\nlist:\n  - title: c\n  - title: d\n")
    assert data["one"]["title"] == "a" and [r["title"] for r in data["list"]] == ["c", "d"]


@pytest.mark.parametrize("text, line", [
    ("a: &n 低保\nb: *n\n", 3),
    ("base: &b {x: 1}\nd:\n  <<: *b\n  y: 2\n", 4),
    # a "YAML bomb": nine nested aliases of nine would be 387,420,489 values
    ("a: &a [x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
     "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\n"
     "g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\nh: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]\ntitle: [*h,*h,*h,*h,*h,*h,*h,*h,*h]\n", 3),
])
def test_an_aliased_value_is_refused_at_the_line_it_is_used(text, line):
    with pytest.raises(YamlSyntaxError) as exc:
        parse_yaml(text, first_line=2)                       # front matter: lines are shifted once
    assert exc.value.line == line and "is used again here" in exc.value.problem


@pytest.mark.parametrize("text, fault", [
    ('title: "最低生活保障\npublished: 2024-01-05\nitem: a\nmode: 主动\n', 2),      # closed by nothing
    ('title: "最低生活保障\npublished: 2024-01-05\nsummary: "x"\n', 2),            # closed by a later quote
    ("title: '最低生活保障\npublished: 2024-01-05\n", 2),
    ("tags: [低保, 救助\nitem: a\n", 2),
    ("a: 1\nb: 2\n  c: 3\n", 4),
])
def test_syntax_errors_name_the_line_of_the_fault(text, fault):
    with pytest.raises(YamlSyntaxError) as exc:
        parse_yaml(text, first_line=2)
    assert exc.value.line == fault, exc.value.problem
