"""Texts of NewsReader MEANTIME documents, rebuilt from their tokens.

MEANTIME (CC BY 4.0) ships each Wikinews article as CAT-style XML: a
``<Document>`` of ``<token t_id sentence number>`` elements and markables
anchored to token ids, with no character offsets and no original spacing.
This module rebuilds a readable text and the character span of every token,
so that token-anchored annotations can be turned into stand-off spans and the
text can be run through a pipeline.

Rebuilding rules (the original spacing is lost, so these are conventions):

- tokens are joined by one space, except that closing punctuation (``, . ; :
  ! ? % ) ] ...``), clitics (``'s``, ``n't``) and closing quotes attach to the
  token before, and opening brackets, quotes and currency signs attach to the
  token after; ``/`` and the typographic apostrophe attach on both sides;
- the treebank quotes ``\\`\\``` and ``''`` are written as ``"``; straight ``"``
  opens and closes in turn within a document;
- a sentence ends with a space, or with a newline when it has no final
  punctuation (the headline, the date line), so those stay lines of their own.

Every token's span covers its own characters: ``text[start:end]`` is the
token, with the treebank quotes read as ``"``.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .errors import ExternalFileError

# How treebank-style quote tokens are written in the rebuilt text.
QUOTE_FORMS = {"``": '"', "''": '"'}

_ATTACH_LEFT = frozenset({",", ".", ";", ":", "!", "?", "%", ")", "]", "}", "...", "'", "”", "’", "/"})
_ATTACH_RIGHT = frozenset({"(", "[", "{", "$", "£", "€", "#", "“", "`", "’", "/"})
_CLITICS = ("'s", "'re", "'ve", "'ll", "'d", "'m", "n't")
_SENTENCE_FINAL = (".", "!", "?", '"', "”", "'", ")")


@dataclass(frozen=True, slots=True)
class Token:
    """One MEANTIME token and the characters it covers in the rebuilt text."""

    t_id: str
    sentence: int
    start: int
    end: int


@dataclass(frozen=True)
class MeantimeText:
    """A MEANTIME document's rebuilt text and where each of its tokens lies."""

    doc_name: str
    url: str
    text: str
    tokens: tuple[Token, ...]

    def offsets(self) -> dict[str, tuple[int, int]]:
        """Token id -> (start, end) character offsets into :attr:`text`."""
        return {token.t_id: (token.start, token.end) for token in self.tokens}


def read_text(path: Path) -> MeantimeText:
    """Rebuild one MEANTIME XML file's text and token offsets."""
    path = Path(path)
    try:
        root = ET.parse(path).getroot()
    except (OSError, ET.ParseError) as exc:
        raise ExternalFileError(f"{path}: not a readable MEANTIME XML file: {exc}") from None
    if root.tag != "Document":
        raise ExternalFileError(f"{path}: the root element is <{root.tag}>, expected <Document>")
    raw_tokens = []
    for position, element in enumerate(root.iter("token"), start=1):
        try:
            raw_tokens.append((element.attrib["t_id"], int(element.attrib["sentence"]), element.text or ""))
        except (KeyError, ValueError):
            raise ExternalFileError(
                f"{path}: token {position} has no t_id or no integer sentence attribute: {element.attrib}"
            ) from None
    text, tokens = detokenize(raw_tokens)
    return MeantimeText(root.get("doc_name") or path.stem, root.get("url", ""), text, tokens)


def iter_texts(folder: Path) -> Iterator[MeantimeText]:
    """Every ``*.xml`` document under a folder (recursively), sorted by path."""
    paths = sorted(Path(folder).rglob("*.xml"))
    if not paths:
        raise ExternalFileError(f"{folder}: no MEANTIME .xml files found")
    for path in paths:
        yield read_text(path)


def detokenize(raw_tokens: list[tuple[str, int, str]]) -> tuple[str, tuple[Token, ...]]:
    """Join ``(t_id, sentence, token text)`` triples into a text and token spans."""
    parts: list[str] = []
    tokens: list[Token] = []
    length = 0
    previous: tuple[int, str, bool] | None = None
    quote_open = False
    for t_id, sentence, form in raw_tokens:
        form = QUOTE_FORMS.get(form, form)
        straight_quote = form == '"'
        opening = straight_quote and not quote_open
        if previous is not None:
            gap = _gap(previous, sentence, form, opening=opening)
            parts.append(gap)
            length += len(gap)
        tokens.append(Token(t_id, sentence, length, length + len(form)))
        parts.append(form)
        length += len(form)
        quote_open ^= straight_quote
        previous = (sentence, form, opening)
    return "".join(parts), tuple(tokens)


def _gap(previous: tuple[int, str, bool], sentence: int, form: str, *, opening: bool) -> str:
    """What goes between the previous token and this one: '', ' ' or a newline."""
    previous_sentence, previous_form, previous_opening = previous
    if sentence != previous_sentence:
        return " " if previous_form.endswith(_SENTENCE_FINAL) else "\n"
    if previous_form in _ATTACH_RIGHT or previous_opening:
        return ""
    if form in _ATTACH_LEFT or form.lower() in _CLITICS or (form == '"' and not opening):
        return ""
    return " "
