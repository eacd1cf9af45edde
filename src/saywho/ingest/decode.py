"""Bytes to text: BOMs, UTF-8 first, then charset detection; refuse what is not text."""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

from saywho.errors import InputError

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
#: Legacy encodings tried before full detection. charset-normalizer alone often
#: takes a short Western text with one "£" or "ü" for a DOS or CJK code page (cp775,
#: cp932); it still judges the fit, so Cyrillic or Greek bytes are not forced into these.
FIRST_GUESSES = ("cp1252",)
#: Share of control characters (other than tab, newline, carriage return, form feed)
#: above which decoded "text" is really binary data that happened to decode.
MAX_CONTROL_SHARE = 0.01


def _bom_encoding(data: bytes) -> str | None:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return encoding
    return None


#: UTF-8 with fewer invalid bytes than this share of its non-ASCII bytes is UTF-8 with
#: damage (a stray byte, a pasted cp1252 line), not a legacy encoding: only the invalid
#: bytes are read as cp1252, so the curly quotes around them survive.
MAX_DAMAGED_UTF8_SHARE = 0.5


_ESCAPED_BYTE = re.compile("[\udc80-\udcff]")
_NON_ASCII = bytes(range(0x80, 0x100))


def _as_cp1252(match: re.Match[str]) -> str:
    return bytes([ord(match.group()) - 0xDC00]).decode("cp1252", errors="replace")


def _damaged_utf8(data: bytes) -> str | None:
    """``data`` as UTF-8 with its invalid bytes read as cp1252, or None when too many of
    its non-ASCII bytes are invalid UTF-8 (then it is in some other encoding)."""
    text = data.decode("utf-8", errors="surrogateescape")  # each invalid byte: one lone surrogate
    invalid = len(_ESCAPED_BYTE.findall(text))
    non_ascii = len(data) - len(data.translate(None, _NON_ASCII))
    if invalid >= MAX_DAMAGED_UTF8_SHARE * non_ascii:
        return None
    return _ESCAPED_BYTE.sub(_as_cp1252, text)


def _control_share(text: str) -> float:
    sample = text[:100_000]
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\n\r\f")
    return controls / max(1, len(sample))


def decode_text(data: bytes, input: str) -> str:
    """Decode ``data`` or raise ``InputError(input, reason)`` when it is empty or not text.

    Order: a byte-order mark decides; else strict UTF-8 (most text today); else UTF-8
    with a few damaged bytes read as cp1252; else charset-normalizer's best guess. NUL bytes without a UTF-16/32 BOM mean binary.
    """
    if not data.strip():
        raise InputError(input, "empty input")
    encoding = _bom_encoding(data)
    if encoding is not None:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError as error:
            raise InputError(input, f"not valid {encoding} despite its byte-order mark ({error.reason})") from None
    elif b"\x00" in data:
        raise InputError(input, "binary data (NUL bytes), not text")
    else:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            repaired = _damaged_utf8(data)
            if repaired is None:
                best = from_bytes(data, cp_isolation=list(FIRST_GUESSES)).best() or from_bytes(data).best()
                if best is None:
                    raise InputError(input, "undecodable: no text encoding fits these bytes") from None
                repaired = str(best)
            text = repaired
    if _control_share(text) > MAX_CONTROL_SHARE:
        raise InputError(input, "binary data (control characters), not text")
    if not text.strip():
        raise InputError(input, "empty input (whitespace only)")
    return text
