"""CoNLL-2003-style NER export: tokens with IOB2 entity tags, for NER tools that read CoNLL.

:func:`write` puts every (article, annotation file) pair into one
``out/<name>.conll`` (``name`` defaults to ``corpus``), in the order given::

    -DOCSTART- -X- -X- O

    MOSCOW B-GPE
    , O
    September B-DATE
    ...

Decisions and quirks:

- Each article starts with the CoNLL-2003 line ``-DOCSTART- -X- -X- O`` and a
  blank line; each sentence is one ``token TAG`` line per token (two columns,
  one space between, as in CoNLL-2003) and ends with a blank line.
- Tokens are those of :mod:`.spacy_docs` (spaCy's rule-based English
  tokenizer, cut at every span boundary), so no token holds whitespace.
  Whitespace-only tokens (line breaks, runs of spaces) are left out, and so
  are sentences that have only those; nothing else of the text is.
- Sentences come from spaCy's rule-based ``sentencizer``, except that a
  sentence never starts inside an entity (``Moscow. Kremlin. Putin`` is one
  title), so every entity lies in one sentence.
- Tags are IOB2: ``B-<label>`` on an entity's first token, ``I-<label>`` on the
  others, ``O`` elsewhere. An entity that cannot fall on token boundaries is
  refused with an :class:`~wirecorpus.errors.ExportError` (see :mod:`.spacy_docs`).
- CoNLL-2003 readers take no comments, so the article ids are not in the
  file: they go one a line, in the same order, into ``out/<name>.ids.txt``
  beside it. :func:`read` needs both files.

:func:`read` gives each article's sentences back as (token, tag) pairs, and
:func:`entity_spans` turns them into character spans of the article text.
The release's ``ner`` config (:mod:`wirecorpus.ner`) is made of the same
sentences and tags (:func:`tagged_sentences`).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from .. import schema, storage
from ..errors import ExportError, FormatError
from . import spacy_docs

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

SUFFIX = ".conll"
IDS_SUFFIX = ".ids.txt"
DOCSTART = "-DOCSTART- -X- -X- O"
_WHITESPACE = re.compile(r"\s*")

Sentence = list[tuple[str, str]]  # (token, IOB2 tag)


def write(
    pairs: Sequence[tuple[schema.Article, schema.AnnotationFile]],
    *,
    out: Path,
    inventory: schema.Inventory,
    name: str = "corpus",
) -> list[Path]:
    """Write ``out/<name>.conll`` and ``out/<name>.ids.txt``; ExportError if a different file is there already."""
    path = spacy_docs.export_path(out, name, SUFFIX)
    spacy_docs.check_pairs(pairs)
    lines: list[str] = []
    for article, annotation in pairs:
        lines += [DOCSTART, ""]
        for sentence in tagged_sentences(spacy_docs.article_doc(article, annotation, inventory)):
            lines += [f"{token.text} {tag}" for token, tag in sentence] + [""]
    ids = "".join(f"{article.id}\n" for article, _ in pairs)
    text = "".join(f"{line}\n" for line in lines)
    return storage.write_new_files({path: text.encode("utf-8"), ids_path(path): ids.encode("utf-8")}, error=ExportError)


def ids_path(path: Path) -> Path:
    """Where the article ids of a ``.conll`` file are kept: ``<name>.ids.txt`` beside it."""
    return Path(path).with_suffix(IDS_SUFFIX)


@functools.cache
def _sentencizer():
    return spacy_docs.spacy_module().pipeline.Sentencizer()


def tagged_sentences(doc: Doc) -> Iterator[list[tuple[Token, str]]]:
    """The sentences of an article's Doc (:func:`.spacy_docs.article_doc`), each token with its IOB2 tag.

    Sentences are the rule-based sentencizer's, except that none starts inside
    an entity; whitespace tokens are left out, and so are sentences of only those.
    """
    _sentencizer()(doc)
    for entity in doc.ents:
        for token in entity[1:]:
            token.is_sent_start = False
    for sentence in doc.sents:
        tagged = [(t, "O" if t.ent_iob_ == "O" else f"{t.ent_iob_}-{t.ent_type_}") for t in sentence if not t.text.isspace()]
        if tagged:
            yield tagged


def read(path: Path) -> dict[str, list[Sentence]]:
    """Article id -> its sentences of (token, tag), from a ``.conll`` file and its ``.ids.txt``."""
    path = Path(path)
    documents = _documents(path, _read_text(path).split("\n"))
    ids = _read_text(ids_path(path)).splitlines()
    if len(ids) != len(documents) or len(set(ids)) != len(ids):
        raise FormatError(
            f"{ids_path(path)}: {len(ids)} lines ({len(set(ids))} different ids) for the {len(documents)} "
            f"documents of {path}; it must name each document's article once, in order"
        )
    return dict(zip(ids, documents))


def _read_text(path: Path) -> str:
    try:
        return path.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise FormatError(f"{path}: cannot be read as UTF-8 text ({exc})") from None


def _documents(path: Path, lines: list[str]) -> list[list[Sentence]]:
    documents: list[list[Sentence]] = []
    sentence: Sentence = []
    for number, line in enumerate(lines, start=1):
        if line.startswith("-DOCSTART-") or not line.strip():
            if sentence:
                documents[-1].append(sentence)
                sentence = []
            if line.startswith("-DOCSTART-"):
                documents.append([])
            continue
        fields = line.split()
        if not documents or len(fields) != 2:
            problem = "comes before the first -DOCSTART- line" if not documents else "is not two fields, `token TAG`"
            raise FormatError(f"{path}:{number}: {line!r} {problem}")
        problem = tag_problem(sentence[-1][1] if sentence else "O", fields[1])
        if problem:
            raise FormatError(f"{path}:{number}: {problem}")
        sentence.append((fields[0], fields[1]))
    if sentence:
        documents[-1].append(sentence)
    return documents


def tag_problem(previous: str, tag: str) -> str | None:
    """What is wrong with ``tag`` after ``previous`` in IOB2 (``O`` at a sentence start), or None."""
    prefix, dash, label = tag.partition("-")
    if tag != "O" and (prefix not in ("B", "I") or not dash or not label):
        return f"tag {tag!r} is not O, B-<label> or I-<label>"
    if prefix == "I" and previous not in (f"B-{label}", f"I-{label}"):
        return f"tag {tag!r} after {previous!r}: an I- tag continues a B- or I- tag of the same label (IOB2)"
    return None


def entity_spans(
    text: str, sentences: Sequence[Sequence[tuple[str, str]]], *, where: str = "CoNLL document"
) -> list[tuple[int, int, str]]:
    """The (start, end, label) character spans the IOB2 tags mark, finding the tokens in order in ``text``.

    Only whitespace may lie between one token and the next in ``text``.
    """
    spans: list[list] = []
    position = 0
    for sentence in sentences:
        previous = "O"
        for token, tag in sentence:
            position = _WHITESPACE.match(text, position).end()
            if not token or not text.startswith(token, position):
                found = text[position : position + 20]
                raise FormatError(f"{where}: token {token!r} is not the next text, at offset {position}: {found!r}")
            problem = tag_problem(previous, tag)
            if problem:
                raise FormatError(f"{where}: token {token!r} at offset {position}: {problem}")
            if tag.startswith("B-"):
                spans.append([position, position + len(token), tag[2:]])
            elif tag.startswith("I-"):
                spans[-1][1] = position + len(token)
            position += len(token)
            previous = tag
    return [(start, end, label) for start, end, label in spans]
