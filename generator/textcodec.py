"""Text from bytes, in one place. Content files (YAML, Markdown) are UTF-8, with or without a BOM
(`decode_utf8`). Text the webmaster brings from office software may also be GB18030, what Chinese
Excel and Notepad save (`decode_text`, found out from the bytes)."""
from __future__ import annotations

UTF8_BOM = b"\xef\xbb\xbf"


def decode_utf8(data: bytes, errors: str = "strict") -> str:
    """`data` as UTF-8 text, a leading BOM dropped; raises UnicodeDecodeError (its `start` is the
    offset of the first bad byte) unless `errors` says otherwise."""
    return data.decode("utf-8-sig", errors)


def decode_text(data: bytes) -> tuple[str, str] | None:
    """(text, encoding) of `data`, the encoding one to write it back with (a BOM kept), or None
    when it is neither UTF-8 nor GB18030."""
    try:
        return decode_utf8(data), "utf-8-sig" if data.startswith(UTF8_BOM) else "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError:
        return None
