"""Level 1: a file is readable, UTF-8, JSON, and its text is in Unicode NFC."""

from __future__ import annotations

import codecs
import json
import re
import unicodedata
from pathlib import Path
from typing import Any

from .registry import Collector, check


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON value")


_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")

# One decoder, made once: it keeps the C scanner and refuses NaN and Infinity.
_DECODER = json.JSONDecoder(parse_constant=_reject_constant)


@check(1)
def read_json_file(path: Path, found: Collector) -> tuple[str | None, Any]:
    """Read a file as UTF-8 JSON in NFC; return its text and value (value None when it fails).

    Emits:
        unreadable (error): the path cannot be read as a file (missing, a folder, no permission).
        utf8-bom (error): the file starts with a UTF-8 byte order mark; save it without one.
        not-utf8 (error): the file is not valid UTF-8, or a \\u escape in it stands for a lone surrogate.
        json-syntax (error): the file is not valid JSON (NaN and Infinity are not JSON either).
        not-nfc (error): the file's text is not in Unicode NFC, so its strings cannot match article text.
    """
    try:
        raw = path.read_bytes()
    except OSError as exc:
        found.add("unreadable", f"cannot read the file: {exc.strerror or exc}")
        return None, None
    if raw.startswith(codecs.BOM_UTF8):
        found.add("utf8-bom", "the file starts with a UTF-8 byte order mark, expected plain UTF-8", line=1)
        return None, None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        found.add("not-utf8", f"byte {raw[exc.start]:#04x} at offset {exc.start} is not UTF-8 ({exc.reason})", line=line)
        return None, None
    try:
        data = _DECODER.decode(text)
    except json.JSONDecodeError as exc:
        found.add("json-syntax", f"{exc.msg} (column {exc.colno})", line=exc.lineno)
        return None, None
    except (ValueError, RecursionError) as exc:
        found.add("json-syntax", f"not loadable JSON: {exc}")
        return None, None
    if "\\u" in text and _has_lone_surrogate(data):
        line = text.count("\n", 0, _SURROGATE_ESCAPE.search(text).start()) + 1
        found.add("not-utf8", "a \\u escape stands for a lone surrogate, which is not a character and has no UTF-8 form", line=line)
        return None, None
    if not unicodedata.is_normalized("NFC", text):
        _report_not_nfc(text, found)
        return None, None
    return text, data


def _has_lone_surrogate(data: Any) -> bool:
    try:
        json.dumps(data, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _report_not_nfc(text: str, found: Collector) -> None:
    # NFC never reaches across a newline, so some line is itself not in NFC.
    number, line = next((n, line) for n, line in enumerate(text.split("\n"), start=1) if not unicodedata.is_normalized("NFC", line))
    normal = unicodedata.normalize("NFC", line)
    column = next((i for i, (a, b) in enumerate(zip(line, normal)) if a != b), min(len(line), len(normal)))
    seen, expected = line[column : column + 2], normal[column : column + 1]
    found.add("not-nfc", f"column {column + 1}: {seen!a} is not in NFC, expected {expected!a}", line=number)
