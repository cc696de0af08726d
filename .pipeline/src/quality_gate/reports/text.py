"""Text every report can carry: the characters XML 1.0 forbids, shown as escapes instead of breaking the file.

Tools quote the source: a NUL byte in a file reaches their messages, and XML 1.0 has no way to write it (not
even as `&#0;`), so junit.xml would not parse. A file name that is not UTF-8 reaches pylint's JSON as a lone
surrogate, which no UTF-8 file can hold. Both become visible escapes (`\\x00`, the name's byte as `\\xff`).
"""

from __future__ import annotations

import re

# Everything outside XML 1.0's Char production: C0 controls but tab, line feed and carriage return; the
# surrogates; U+FFFE and U+FFFF.
NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
SURROGATE_ESCAPES = range(0xDC80, 0xDD00)  # how Python keeps the bytes of a name that is not UTF-8


def printable(text: str) -> str:
    """The text with every character XML 1.0 forbids written as a backslash escape."""
    return NOT_XML.sub(_escape, text)


def _escape(match: re.Match[str]) -> str:
    code = ord(match[0])
    if code in SURROGATE_ESCAPES:
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
