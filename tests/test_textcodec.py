"""Office text in either encoding Chinese software saves, read back and written back the same way."""
from generator.textcodec import decode_text


def test_utf8_with_and_without_a_bom_and_gb18030_are_read_and_round_trip():
    for data in ("姓名,电话\n".encode("utf-8"), "姓名,电话\n".encode("utf-8-sig"), "姓名,电话\n".encode("gb18030")):
        text, encoding = decode_text(data)
        assert text == "姓名,电话\n" and text.encode(encoding) == data


def test_other_bytes_are_not_text():
    assert decode_text(b"\xff\xfe\x00\xd8\x00") is None


def test_content_files_are_utf8_only_with_the_line_of_the_first_bad_byte(tmp_path):
    from generator.errors import ErrorList
    from generator.load import read_text
    errors = ErrorList(root=tmp_path)
    assert read_text(tmp_path / "a.md", errors, "标题\n".encode("utf-8-sig")) == "标题\n"
    assert read_text(tmp_path / "b.md", errors, "---\ntitle: 标题\n---\n".encode("gb18030")) is None
    [error] = errors.errors
    assert (error.path, error.line) == ("b.md", 2) and "not UTF-8" in str(error)
