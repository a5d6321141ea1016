"""Text the webmaster brings from office software: UTF-8 with or without a BOM, or GB18030 (what
Chinese Excel and Notepad save), found out from the bytes."""
from __future__ import annotations

ENCODINGS = ("utf-8-sig", "gb18030")


def decode_text(data: bytes) -> tuple[str, str] | None:
    """(text, encoding) of `data`, the encoding one to write it back with (a BOM kept), or None
    when it is neither UTF-8 nor GB18030."""
    for encoding in ENCODINGS:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if encoding == "utf-8-sig" and not data.startswith(b"\xef\xbb\xbf"):
            encoding = "utf-8"
        return text, encoding
    return None
