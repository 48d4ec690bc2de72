"""The ``wirecorpus_quotes`` component: direct, indirect and mixed quotes with cue and speaker.

Three linear passes over a parsed Doc:

1. pair quotation marks (straight marks alternate; a paragraph break closes
   whatever is open, the wire convention for quotes running over paragraphs);
2. attribute each quoted stretch to a speech verb right after it
   (``"...," Peskov said``) or right before it (``Peskov said: "..."``); a
   reported clause that runs on outside the marks makes the quote ``mixed``;
3. every other speech verb with a clausal complement, and every
   "according to X", gives an indirect (or, with a quoted fragment, mixed) quote.

Results are stored on ``Doc._.wirecorpus_quotes`` as plain dicts of character
offsets, so they survive ``nlp.pipe(..., n_process=N)``.
"""

from __future__ import annotations

from dataclasses import dataclass

from spacy.language import Language
from spacy.tokens import Doc, Token

from ..schema import Inventory
from .lexicons import SpeechLexicon, repository_root
from .mentions import Mentions, Resolution

VERSION = "1.0.0"
EXTENSION = "wirecorpus_quotes"

STRAIGHT = {'"'}
OPENING = {"“", "``", "„"}
CLOSING = {"”", "''"}
QUOTE_MARKS = STRAIGHT | OPENING | CLOSING
SENTENCE_END = {".", "!", "?"}
CONTENT_DEPS = ("ccomp", "parataxis")
SUBJECT_DEPS = ("nsubj", "nsubjpass")
OBJECT_DEPS = ("dobj", "dative", "npadvmod")
# Dependants of a cue that may stand between a closing mark and the cue besides its subject
# (a misparsed subject phrase often comes out as npadvmod or dep).
BETWEEN_QUOTE_AND_CUE_DEPS = ("advmod", "aux", "punct", "npadvmod", "dep")
# How far (in tokens) a cue may sit from the quotation mark it attributes.
CUE_WINDOW = 8

if not Doc.has_extension(EXTENSION):
    Doc.set_extension(EXTENSION, default=[])


@dataclass
class QuotedStretch:
    """Tokens between a pair of quotation marks: open mark, first word after the closing one."""

    open: int
    close: int  # index of the closing mark (or of the paragraph break that ended it)
    used: bool = False


def quote_pairs(doc: Doc) -> list[QuotedStretch]:
    """Pairs of quotation marks in text order."""
    pairs = []
    open_at = None
    for token in doc:
        text = token.text
        if token.is_space:
            if "\n" in text and open_at is not None:
                pairs.append(QuotedStretch(open_at, token.i))
                open_at = None
        elif text in OPENING or (text in STRAIGHT and open_at is None):
            open_at = token.i
        elif (text in CLOSING or text in STRAIGHT) and open_at is not None:
            pairs.append(QuotedStretch(open_at, token.i))
            open_at = None
    if open_at is not None:
        pairs.append(QuotedStretch(open_at, len(doc)))
    return pairs


class QuoteFinder:
    """The component: finds quotes in a Doc and stores them as character offsets."""

    def __init__(self, name: str, lexicon: SpeechLexicon) -> None:
        self.name = name
        self.version = VERSION
        self.lexicon = lexicon

    def __call__(self, doc: Doc) -> Doc:
        doc._.set(EXTENSION, find_quotes(doc, self.lexicon))
        return doc


def is_cue(token: Token, lexicon: SpeechLexicon) -> bool:
    return token.pos_ == "VERB" and token.lemma_.lower() in lexicon.verbs


def find_quotes(doc: Doc, lexicon: SpeechLexicon) -> list[dict]:
    """Every quote in a Doc, in text order, as dicts of character offsets."""
    mentions = Mentions(doc)
    pairs = quote_pairs(doc)
    for pair in pairs:
        mentions.mark_quoted(pair.open + 1, pair.close)
    found: list[tuple[int, dict]] = []
    cues_used: set[int] = set()
    for pair in pairs:
        quote = _attributed_quote(doc, pair, pairs, lexicon, mentions)
        if quote is not None:
            pair.used = True
            cues_used.add(quote[0])
            found.append((pair.open, quote[1]))
    found.extend(_continued_quotes(doc, pairs, found))
    found.extend(_reported_speech(doc, pairs, cues_used, lexicon, mentions))
    found.sort(key=lambda item: item[0])
    return [quote for _, quote in found]


def _attributed_quote(doc, pair, pairs, lexicon, mentions) -> tuple[int, dict] | None:
    """A quoted stretch with a speech verb right after or right before it."""
    cue = _cue_after(doc, pair, pairs, lexicon) or _cue_before(doc, pair, lexicon, mentions)
    if cue is None:
        return None
    content = (pair.open + 1, pair.close)
    kind = "direct"
    clause = _content_clause(cue)
    if clause is not None and cue.i > pair.close and _words_between(doc, clause.left_edge.i, pair.open):
        kind, content = "mixed", (clause.left_edge.i, min(pair.close + 1, len(doc)))
    if kind == "direct" and not _words_between(doc, *content):
        return None
    return cue.i, _quote_dict(doc, kind, content, cue, _speaker(cue, lexicon, mentions))


def _cue_after(doc, pair, pairs, lexicon) -> Token | None:
    """A speech verb just after the closing mark, with only its subject and punctuation between."""
    limit = min(len(doc), pair.close + 1 + CUE_WINDOW)
    for i in range(pair.close + 1, limit):
        token = doc[i]
        if token.text in QUOTE_MARKS or token.text in SENTENCE_END or "\n" in token.text:
            return None
        if is_cue(token, lexicon):
            if _only_subject_between(doc, pair.close + 1, token) and not _reports_elsewhere(token, pairs):
                return token
            return None
    return None


def _cue_before(doc, pair, lexicon, mentions) -> Token | None:
    """A speech verb just before the opening mark: ``X said: "..."``, ``X told reporters, "..."``.

    With other words between (``X said that "..."``) the quote is part of a
    reported clause, which the reported-speech pass finds as a mixed quote.
    """
    for i in range(pair.open - 1, max(-1, pair.open - 1 - CUE_WINDOW), -1):
        token = doc[i]
        if token.text in QUOTE_MARKS or token.text in SENTENCE_END or "\n" in token.text:
            return None
        if is_cue(token, lexicon):
            clause = _content_clause(token)
            if clause is not None and not mentions.quoted[clause.i]:
                return None
            if _words_between(doc, token.i + 1, pair.open, skip_deps=OBJECT_DEPS):
                return None
            return token
    return None


def _only_subject_between(doc: Doc, start: int, cue: Token) -> bool:
    """Whether tokens [start, cue) are punctuation, the cue's subject phrase or its adverbs."""
    allowed = set()
    for child in cue.children:
        if child.dep_ in SUBJECT_DEPS or child.dep_ in BETWEEN_QUOTE_AND_CUE_DEPS:
            allowed.update(range(child.left_edge.i, child.right_edge.i + 1))
    return all(i in allowed or doc[i].is_punct or doc[i].is_space for i in range(start, cue.i))


def _reports_elsewhere(cue: Token, pairs: list[QuotedStretch]) -> bool:
    """Whether the cue goes straight on into a clause of its own (``said that ...``) outside the quotes."""
    for child in cue.children:
        if child.dep_ == "ccomp" and child.i > cue.i and child.left_edge.i == cue.i + 1:
            if not any(p.open < child.i < p.close for p in pairs):
                return True
    return False


def _content_clause(cue: Token) -> Token | None:
    """The head of the clause a speech verb reports."""
    for dep in CONTENT_DEPS:
        for child in cue.children:
            if child.dep_ == dep:
                return child
    return None


def _words_between(doc: Doc, start: int, end: int, skip_deps: tuple[str, ...] = ()) -> bool:
    """Whether tokens [start, end) hold any word (not punctuation, space, quote mark or skipped)."""
    for i in range(max(start, 0), end):
        token = doc[i]
        if token.is_punct or token.is_space or token.text in QUOTE_MARKS:
            continue
        if token.dep_ in skip_deps or token.head.dep_ in skip_deps:
            continue
        return True
    return False


def subject_of(verb: Token) -> Token | None:
    """The verb's subject nearest to it (a misparse may give two), or a controlling verb's."""
    subjects = [c for c in verb.children if c.dep_ in SUBJECT_DEPS]
    if not subjects and verb.dep_ in ("xcomp", "conj", "advcl"):
        subjects = [c for c in verb.head.children if c.dep_ in SUBJECT_DEPS]
    return min(subjects, key=lambda c: abs(c.i - verb.i), default=None)


def _speaker(cue: Token, lexicon: SpeechLexicon, mentions: Mentions) -> Resolution:
    subject = subject_of(cue)
    if subject is not None:
        return mentions.resolve(subject, lexicon.speaker_labels, lexicon.pronouns)
    # a misparsed subject: the name right before the cue (``... Barksdale said``) or right after it
    for i in (cue.i - 1, cue.i + 1):
        if 0 <= i < len(cue.doc) and mentions.labels_at(i) in lexicon.speaker_labels:
            return Resolution(mentions.entity_of[i], None)
    return Resolution(None, None)


def _continued_quotes(doc: Doc, pairs: list[QuotedStretch], found: list[tuple[int, dict]]) -> list[tuple[int, dict]]:
    """A quoted clause with no cue of its own, opening a paragraph or the sentence right after
    an attributed quote (``"...," said Jobs. "It feels great..."``): the same speaker goes on."""
    continued = []
    by_open = dict(found)
    previous, previous_end = None, -1
    for pair in pairs:
        if pair.used:
            previous = by_open.get(pair.open, previous)
            previous_end = _sentence_end(doc, pair.close)
            continue
        starts_paragraph = pair.open == 0 or doc[pair.open - 1].is_space
        follows = pair.open - previous_end in (1, 2)
        # a quote that does not end its sentence has an attribution of its own after it
        ends_sentence = doc[pair.close - 1].text in SENTENCE_END
        if previous is None or not (starts_paragraph or follows) or not ends_sentence:
            continue
        if not _is_clause(doc, pair.open + 1, pair.close):
            continue
        quote = _quote_dict(doc, "direct", (pair.open + 1, pair.close), None, Resolution(None, None))
        quote["speaker"] = previous["speaker"]
        continued.append((pair.open, quote))
        pair.used = True
        previous, previous_end = quote, _sentence_end(doc, pair.close)
    return continued


def _sentence_end(doc: Doc, start: int) -> int:
    """The first sentence-final mark at or after a token, within the cue window."""
    for i in range(start, min(len(doc), start + 2 * CUE_WINDOW)):
        if doc[i].text in SENTENCE_END:
            return i
    return -1


def _is_clause(doc: Doc, start: int, end: int) -> bool:
    """Whether a quoted stretch reads as speech rather than a title: a verb and a few words."""
    words = [t for t in doc[start:end] if not (t.is_punct or t.is_space)]
    return len(words) >= 5 and any(t.pos_ in ("VERB", "AUX") for t in words)


def _reported_speech(doc, pairs, cues_used, lexicon, mentions) -> list[tuple[int, dict]]:
    """Indirect and mixed quotes: speech verbs with a reported clause, and "according to X"."""
    reported = []
    for token in doc:
        if token.i in cues_used or mentions.quoted[token.i]:
            continue
        if is_cue(token, lexicon):
            quote = _reported_clause(doc, token, pairs, lexicon, mentions)
        elif token.lower_ == "according":
            quote = _according_to(doc, token, pairs, lexicon, mentions)
        else:
            continue
        if quote is not None:
            reported.append(quote)
    return reported


def _reported_clause(doc, cue, pairs, lexicon, mentions) -> tuple[int, dict] | None:
    clause = _content_clause(cue)
    if clause is None:
        if cue.dep_ != "parataxis" or cue.head.i > cue.i:
            return None
        start, end = cue.head.left_edge.i, cue.left_edge.i
    else:
        start, end = clause.left_edge.i, clause.right_edge.i + 1
        if clause.i < cue.i:
            end = min(end, cue.i)
    start = _skip_complementiser(doc, start, clause)
    return _reported_quote(doc, (start, end), cue, pairs, _speaker(cue, lexicon, mentions))


def _skip_complementiser(doc: Doc, start: int, clause: Token | None) -> int:
    first = doc[start]
    if first.lower_ in ("that", "whether", "if") and first.dep_ == "mark" and (clause is None or first.head == clause):
        return start + 1
    return start


def _according_to(doc, token, pairs, lexicon, mentions) -> tuple[int, dict] | None:
    """"according to X, ..." or "..., according to X": X is the speaker, the head clause the content."""
    if token.i + 1 >= len(doc) or doc[token.i + 1].lower_ != "to":
        return None
    source = next((c for c in doc[token.i + 1].children if c.dep_ == "pobj"), None)
    head = token.head
    if source is None or head.i == token.i:
        return None
    if token.i < head.i:
        content = (token.right_edge.i + 1, head.right_edge.i + 1)
    else:
        content = (head.left_edge.i, token.left_edge.i)
    cue = doc[token.i : token.i + 2]
    speaker = mentions.resolve(source, lexicon.speaker_labels, lexicon.pronouns)
    return _reported_quote(doc, content, cue, pairs, speaker)


def _reported_quote(doc, content, cue, pairs, speaker) -> tuple[int, dict] | None:
    start, end = _within_paragraph(doc, *content, cue[0].i if not isinstance(cue, Token) else cue.i)
    start, end = _trim_tokens(doc, start, end)
    if not any(doc[i].pos_ in ("VERB", "AUX") for i in range(start, end)):
        return None  # what was reported is a clause; a bare phrase comes from a misparse
    inner = [p for p in pairs if start <= p.open and p.close < end]
    if any(p.open < start < p.close or p.open < end - 1 < p.close for p in pairs if p not in inner):
        return None  # the clause cuts through a quoted stretch: a direct quote already covers it
    kind = "mixed" if inner else "indirect"
    return start, _quote_dict(doc, kind, (start, end), cue, speaker)


def _within_paragraph(doc: Doc, start: int, end: int, cue: int) -> tuple[int, int]:
    """A reported clause never runs over a line break: keep the part on the cue's side of it."""
    for i in range(start, end):
        if doc[i].is_space and "\n" in doc[i].text:
            if i < cue:
                start = i + 1
            else:
                return start, i
    return start, end


def _trim_tokens(doc: Doc, start: int, end: int) -> tuple[int, int]:
    """Drop punctuation (other than quotation marks) and spaces at both ends."""
    while start < end and (doc[start].is_space or doc[start].is_punct and doc[start].text not in QUOTE_MARKS):
        start += 1
    while end > start and (doc[end - 1].is_space or doc[end - 1].is_punct and doc[end - 1].text not in QUOTE_MARKS):
        end -= 1
    return start, end


def _quote_dict(doc: Doc, kind: str, content: tuple[int, int], cue, speaker: Resolution) -> dict:
    """A quote as serialisable character offsets; the speaker is its entity's offsets."""
    via = speaker.via
    entity = None if speaker.entity is None else doc.ents[speaker.entity]
    return {
        "kind": kind,
        "content": _char_range(doc[content[0] : content[1]]),
        "cue": None if cue is None else _char_range(doc[cue.i : cue.i + 1] if isinstance(cue, Token) else cue),
        "speaker": None if entity is None else [entity.start_char, entity.end_char],
        "speaker_span": None if via is None else _char_range(doc[via[0] : via[1]]),
    }


def _char_range(span) -> list[int]:
    return [span.start_char, span.end_char]


@Language.factory(
    "wirecorpus_quotes",
    default_config={"root": None},
    requires=["token.dep", "token.pos", "token.lemma", "doc.ents"],
    assigns=[f"doc._.{EXTENSION}"],
)
def make_quote_finder(nlp: Language, name: str, root: str | None) -> QuoteFinder:
    """Build the quote component from the speech-verb lexicon of a repository."""
    folder = repository_root(root)
    return QuoteFinder(name, SpeechLexicon.load(folder, Inventory.load(folder)))
