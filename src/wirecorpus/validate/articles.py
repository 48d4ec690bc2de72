"""Level 3 for article records: hash, id rule, place in corpus/ and the offset rule of the text."""

from __future__ import annotations

from typing import Any

from .. import layout
from ..ingest import normalize_text
from .registry import Collector, check


@check(3)
def check_article(data: dict[str, Any], path: str, text_sha256: str, found: Collector) -> None:
    """An article record is consistent with itself and with where it is stored.

    Emits:
        text-hash-mismatch (error): text_sha256 is not the SHA-256 of the record's text (the text was edited after ingest).
        article-id-rule (error): the id is not <source>-<YYYYMMDD>-<first 8 hex digits of text_sha256>.
        article-path-mismatch (error): the record is not stored at corpus/<source>/<YYYY>/<id>.json.
        text-not-canonical (error): the text breaks the offset rule (empty, not NFC, CR LF line ends, outer whitespace).
    """
    text, recorded_sha = data["text"], data["text_sha256"]
    if recorded_sha != text_sha256:
        found.add("text-hash-mismatch", f"text_sha256 is {recorded_sha!r}, but the text hashes to {text_sha256!r}", at=("text_sha256",))
    expected_id = layout.article_id(source=data["source"], date=data["date"], sha256=recorded_sha)
    if data["id"] != expected_id or not layout.ID_PATTERN.match(expected_id):
        rule = "<source>-<YYYYMMDD>-<first 8 hex digits of text_sha256>, the source in lower-case letters and digits joined by '-'"
        found.add("article-id-rule", f"id is {data['id']!r}, expected {expected_id!r} ({rule})", at=("id",))
    expected_path = layout.article_relpath(source=data["source"], date=data["date"], article_id=data["id"])
    if path != expected_path:
        found.add("article-path-mismatch", f"the record is stored at {path}, expected {expected_path} (from its source, date and id)", at=("id",))
    problems = _text_rule_problems(text)
    if problems:
        found.add("text-not-canonical", f"the text {problems}; it must be what ingest makes of it (see the offset rule)", at=("text",))


def _text_rule_problems(text: str) -> str:
    if not text:
        return "is empty"
    if text == normalize_text(text):
        return ""
    problems = []
    if "\r\n" in text:
        problems.append("has CR LF line ends")
    if text != text.strip():
        problems.append("has leading or trailing whitespace")
    if normalize_text(text) != text.replace("\r\n", "\n").strip():
        problems.append("is not in Unicode NFC")
    return " and ".join(problems)
