"""The ``wirecorpus_quotes`` component: direct, indirect and mixed quotes with cue and speaker.

Three linear passes over a parsed Doc:

1. pair quotation marks (straight marks alternate; a paragraph break closes
   whatever is open, the wire convention for quotes running over paragraphs);
2. attribute each quoted stretch to a speech verb right before it
   (``Peskov said: "..."``, ``Peskov said in an interview "..."``, ``Peskov said
   that "..."`` when the marks hold the whole reported clause) or right after
   it (``"...," Peskov said``, ``"...," Interfax quoted Peskov as saying``); a
   reported clause that runs on outside the marks makes the quote ``mixed``.
   A quoted clause with no speech verb is still a direct quote when a name
   introduces it (``Peskov: "..."``) or when it goes on from an attributed one;
3. every other speech verb with a clausal complement, and every
   "according to X", gives an indirect (or, with a quoted fragment, mixed) quote.

Speakers come from the parse, with fallbacks for where it is often wrong: a
participle cue takes the subject of the clause it hangs from ("releasing a
statement saying"), a relative "who" the noun it describes, a subject phrase
without a name the person named inside it ("a statement by spokesman X"), a
pronoun the person last named as a subject, and a cue with no subject the
name next to it.

Results are stored on ``Doc._.wirecorpus_quotes`` as plain dicts of character
offsets, so they survive ``nlp.pipe(..., n_process=N)``.
"""

from __future__ import annotations

from dataclasses import dataclass

from spacy.language import Language
from spacy.tokens import Doc, Token

from ..schema import Inventory
from .lexicons import SpeechLexicon, repository_root
from .mentions import PERSON, Mentions, Resolution
from .tokens import LemmaLookup, TokenAttributes, any_of, positions, string_ids

VERSION = "1.1.0"
EXTENSION = "wirecorpus_quotes"

STRAIGHT = {'"'}
OPENING = {"“", "``", "„"}
CLOSING = {"”", "''"}
QUOTE_MARKS = STRAIGHT | OPENING | CLOSING
STRAIGHT_IDS, OPENING_IDS, CLOSING_IDS = (frozenset(string_ids(marks).tolist()) for marks in (STRAIGHT, OPENING, CLOSING))
QUOTE_MARK_IDS = string_ids(QUOTE_MARKS)
ACCORDING_IDS = string_ids(["according"])
SENTENCE_END = {".", "!", "?"}
CONTENT_DEPS = ("ccomp", "parataxis")
SUBJECT_DEPS = ("nsubj", "nsubjpass")
# Dependants of a cue that may stand between a closing mark and the cue besides its subject
# (a misparsed subject phrase often comes out as npadvmod or dep).
BETWEEN_QUOTE_AND_CUE_DEPS = ("advmod", "aux", "punct", "npadvmod", "dep")
# Dependants of a cue that may stand between it and the opening mark it introduces
# ("said in an interview", "told reporters", "responded with a statement on his blog").
BETWEEN_CUE_AND_QUOTE_DEPS = ("prep", "advmod", "npadvmod", "dobj", "dative", "agent")
# Links a cue without a subject of its own may hang from on the way up to the clause whose
# subject speaks ("releasing a statement saying", "justified his choice by saying").
CLIMB_DEPS = frozenset({"acl", "advcl", "xcomp", "conj", "pcomp", "pobj", "prep", "dobj", "ccomp"})
CLIMB_STEPS = 4
RELATIVE_PRONOUNS = frozenset({"who", "that"})
# How far (in tokens) a cue may sit from the quotation mark it attributes (before: with its phrases).
CUE_WINDOW = 8
CUE_BEFORE_WINDOW = 16

if not Doc.has_extension(EXTENSION):
    Doc.set_extension(EXTENSION, default=[])


@dataclass
class QuotedStretch:
    """Tokens between a pair of quotation marks: open mark, first word after the closing one."""

    open: int
    close: int  # index of the closing mark (or of the paragraph break that ended it)
    used: bool = False


def _opens_word(tokens: TokenAttributes, i: int, open_at: int | None) -> bool:
    """A closing-style mark (``''``) written against the word after it, with none open: it opens."""
    following = i + 1 < len(tokens.orth) and tokens.is_alpha[i + 1]
    return tokens.orth[i] in CLOSING_IDS and open_at is None and not tokens.space_after[i] and following


def quote_pairs(tokens: TokenAttributes) -> list[QuotedStretch]:
    """Pairs of quotation marks in text order."""
    pairs = []
    open_at = None
    # other tokens neither open nor close a quote
    for i in positions(any_of(tokens.orth, QUOTE_MARK_IDS) | (tokens.is_space != 0)):
        orth = int(tokens.orth[i])
        if tokens.is_space[i]:
            if open_at is not None and "\n" in tokens.doc[i].text:
                pairs.append(QuotedStretch(open_at, i))
                open_at = None
        elif orth in OPENING_IDS or (orth in STRAIGHT_IDS and open_at is None) or _opens_word(tokens, i, open_at):
            open_at = i
        elif (orth in CLOSING_IDS or orth in STRAIGHT_IDS) and open_at is not None:
            pairs.append(QuotedStretch(open_at, i))
            open_at = None
    if open_at is not None:
        pairs.append(QuotedStretch(open_at, len(tokens.orth)))
    return pairs


class QuoteFinder:
    """The component: finds quotes in a Doc and stores them as character offsets."""

    def __init__(self, name: str, lexicon: SpeechLexicon) -> None:
        self.name = name
        self.version = VERSION
        self.lexicon = lexicon
        self.cues = cue_lookup(lexicon)

    def __call__(self, doc: Doc) -> Doc:
        doc._.set(EXTENSION, find_quotes(doc, self.lexicon, self.cues))
        return doc


def _is_speech_verb(lemma: str, pos: str, lexicon: SpeechLexicon) -> bool:
    return pos == "VERB" and lemma in lexicon.verbs


def is_cue(token: Token, lexicon: SpeechLexicon) -> bool:
    return _is_speech_verb(token.lemma_.lower(), token.pos_, lexicon)


def cue_lookup(lexicon: SpeechLexicon) -> LemmaLookup[bool]:
    """:func:`is_cue` for every token of a Doc at once, cached by lemma and POS."""
    return LemmaLookup(lambda lemma, pos: _is_speech_verb(lemma, pos, lexicon), pos=["VERB"])


def find_quotes(doc: Doc, lexicon: SpeechLexicon, cues: LemmaLookup[bool]) -> list[dict]:
    """Every quote in a Doc, in text order, as dicts of character offsets."""
    tokens = TokenAttributes(doc)
    mentions = Mentions(doc)
    pairs = quote_pairs(tokens)
    for pair in pairs:
        mentions.mark_quoted(pair.open + 1, pair.close)
    found: list[tuple[int, dict]] = []
    cues_used: set[int] = set()
    for pair in pairs:
        quote = _attributed_quote(doc, pair, pairs, lexicon, mentions)
        if quote is not None:
            cues_used.add(quote[0])
            found.append((pair.open, quote[1]))
        else:
            quote = _introduced_quote(doc, pair, lexicon, mentions)
            if quote is not None:
                found.append((pair.open, quote))
        pair.used = quote is not None
    found.extend(_continued_quotes(doc, pairs, found, mentions))
    found.extend(_reported_speech(tokens, cues.found(doc), pairs, cues_used, lexicon, mentions))
    found.sort(key=lambda item: item[0])
    return [quote for _, quote in found]


def _attributed_quote(doc, pair, pairs, lexicon, mentions) -> tuple[int, dict] | None:
    """A quoted stretch with a speech verb right after or right before it."""
    cue = _cue_before(doc, pair, lexicon, mentions) or _cue_after(doc, pair, pairs, lexicon)
    if cue is None:
        return None
    content = (pair.open + 1, pair.close)
    kind = "direct"
    clause = _content_clause(cue)
    if clause is not None and cue.i > pair.close and _words_between(doc, clause.left_edge.i, pair.open):
        kind, content = "mixed", (clause.left_edge.i, min(pair.close + 1, len(doc)))
    if kind == "direct" and not _words_between(doc, *content):
        return None
    return cue.i, _quote_dict(mentions, kind, content, cue, _speaker(cue, lexicon, mentions))


def _introduced_quote(doc, pair, lexicon, mentions) -> dict | None:
    """A quoted clause with no speech verb that closes its sentence, introduced by a colon or comma:
    after a name (``Peskov: "..."``) or after a clause whose subject names the speaker
    (``Jobs left this farewell, "..."``)."""
    start = pair.open - 1
    if start < 1 or doc[start].text not in (":", ",") or not _is_clause(doc, pair.open + 1, pair.close):
        return None
    closes_sentence = doc[pair.close - 1].text in SENTENCE_END or (
        pair.close + 1 < len(doc) and doc[pair.close + 1].text in SENTENCE_END
    )
    if not closes_sentence:
        return None
    before = doc[start - 1]
    if doc[start].text == ":" and not mentions.quoted[before.i] and mentions.labels_at(before.i) in lexicon.speaker_labels:
        speaker = Resolution(mentions.entity_of[before.i], None)
    else:
        subject = subject_of(_clause_verb(before))
        speaker = Resolution(None, None) if subject is None else _resolve_speaker(subject, lexicon, mentions)
        if speaker.entity is None or speaker.via is not None:
            return None  # only a name written as the subject says who speaks
    return _quote_dict(mentions, "direct", (pair.open + 1, pair.close), None, speaker)


def _clause_verb(token: Token) -> Token:
    """The nearest verb among a token and its heads (the token itself when there is none)."""
    for _ in range(CLIMB_STEPS + 2):
        if token.pos_ in ("VERB", "AUX") or token.head.i == token.i:
            return token
        token = token.head
    return token


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
    for i in range(pair.open - 1, max(-1, pair.open - 1 - CUE_BEFORE_WINDOW), -1):
        token = doc[i]
        if token.text in QUOTE_MARKS or token.text in SENTENCE_END or "\n" in token.text:
            return None
        if is_cue(token, lexicon):
            clause = _content_clause(token, after=True)
            if clause is not None and not mentions.quoted[clause.i]:
                return None
            return token if _only_phrases_between(doc, token, pair.open) else None
    return None


def _only_phrases_between(doc: Doc, cue: Token, end: int) -> bool:
    """Whether tokens after the cue up to ``end`` are punctuation, the cue's phrases, or "that" opening the quote."""
    allowed = set()
    for child in cue.children:
        # an object that takes in the marks is what the verb acts on: quotes a "Senate aide"
        if child.dep_ in BETWEEN_CUE_AND_QUOTE_DEPS and child.i > cue.i and child.right_edge.i < end:
            allowed.update(range(child.left_edge.i, child.right_edge.i + 1))
    for i in range(cue.i + 1, end):
        token = doc[i]
        if i in allowed or token.is_punct or token.is_space or token.text in QUOTE_MARKS:
            continue
        if token.lower_ == "that" and not _words_between(doc, i + 1, end):
            continue  # "said that "...": the marks hold the whole reported clause
        return False
    return True


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


def _content_clause(cue: Token, *, after: bool = False) -> Token | None:
    """The head of the clause a speech verb reports (``after``: only one that follows the verb)."""
    for dep in CONTENT_DEPS:
        for child in cue.children:
            if child.dep_ == dep and (child.i > cue.i or not after):
                return child
    return None


def _words_between(doc: Doc, start: int, end: int) -> bool:
    """Whether tokens [start, end) hold any word (not punctuation, space or quote mark)."""
    return any(not (t.is_punct or t.is_space or t.text in QUOTE_MARKS) for t in doc[max(start, 0) : end])


def _own_subject(verb: Token) -> Token | None:
    """The verb's subject nearest to it (a misparse may give two)."""
    subjects = [c for c in verb.children if c.dep_ in SUBJECT_DEPS]
    return min(subjects, key=lambda c: abs(c.i - verb.i), default=None)


def subject_of(verb: Token) -> Token | None:
    """The verb's subject, or that of the clause it hangs from (``releasing a statement saying``)."""
    token = verb
    for _ in range(CLIMB_STEPS):
        subject = _own_subject(token)
        if subject is not None or token.dep_ not in CLIMB_DEPS or token.head.i == token.i:
            return subject
        token = token.head
    return None


def _speaker(cue: Token, lexicon: SpeechLexicon, mentions: Mentions) -> Resolution:
    """Who speaks through a cue (see the module docstring for the fallbacks)."""
    quoting = _quoting_verb(cue, lexicon)
    if quoting is not None:
        source = next((c for c in quoting.children if c.dep_ == "dobj"), None)
        if source is not None:
            return _resolve_speaker(source, lexicon, mentions)
    subject = _own_subject(cue)
    if subject is None:
        # a misparsed subject: the name right before the cue (``... Barksdale said``)
        if cue.i > 0 and mentions.labels_at(cue.i - 1) in lexicon.speaker_labels:
            return Resolution(mentions.entity_of[cue.i - 1], None)
        subject = subject_of(cue)
    if subject is not None:
        found = _resolve_speaker(subject, lexicon, mentions)
        if found.entity is not None or subject.pos_ == "PRON":
            return found
    return _name_near(cue, lexicon, mentions)


def _quoting_verb(cue: Token, lexicon: SpeechLexicon) -> Token | None:
    """The quoting verb a cue is or hangs from: "quoted Peskov as saying"."""
    for token in (cue, cue.head, cue.head.head):
        if token.lemma_.lower() in lexicon.quoting_verbs and token.pos_ == "VERB":
            return token
    return None


def _resolve_speaker(token: Token, lexicon: SpeechLexicon, mentions: Mentions) -> Resolution:
    """The entity a subject (or a quoting verb's object) names, past relative pronouns and nameless phrases."""
    if token.lower_ in RELATIVE_PRONOUNS and token.head.dep_ == "relcl":
        token = token.head.head  # "an expert at Stanford, who stated": the expert
    if token.dep_ == "appos" and mentions.entity_of[token.head.i] >= 0:
        token = token.head  # "O'Reilly, a management expert": O'Reilly
    labels = lexicon.speaker_labels
    if token.pos_ == "NOUN" and mentions.entity_of[token.i] < 0:
        person = mentions.entity_inside(token, frozenset({PERSON}))
        if person is not None:  # "the company president and CEO Louis Gallois"
            return Resolution(person, None)
    if token.pos_ == "PRON":
        compatible = lexicon.pronouns.get(token.lower_, frozenset()) & labels
        return Resolution(mentions.most_recent_subject(token.i, compatible), (token.i, token.i + 1))
    found = mentions.resolve(token, labels, lexicon.pronouns)
    if found.entity is not None:
        return found
    named = mentions.entity_inside(token, labels) if token.pos_ == "NOUN" else mentions.same_surname(token)
    if named is not None:
        return Resolution(named, None if token.pos_ == "NOUN" else (token.i, token.i + 1))
    if token.lemma_.lower() in lexicon.organisation_nouns:
        return Resolution(mentions.most_recent(token.i, frozenset({"ORG"})), mentions.phrase(token))
    return found


def _name_near(cue: Token, lexicon: SpeechLexicon, mentions: Mentions) -> Resolution:
    """No subject: the first name after the cue in its clause (``claims writer John Ostrower``),
    else the first one before it in the sentence (``A statement on Apple's website ... states``)."""
    doc, sentence = cue.doc, cue.sent
    for i in range(cue.i + 1, min(sentence.end, cue.i + 1 + CUE_WINDOW)):
        if doc[i].is_punct and doc[i].text not in ",":
            break
        if not mentions.quoted[i] and mentions.labels_at(i) in lexicon.speaker_labels:
            return Resolution(mentions.entity_of[i], None)
    for i in range(sentence.start, cue.i):
        if not mentions.quoted[i] and mentions.labels_at(i) in lexicon.speaker_labels:
            return Resolution(mentions.entity_of[i], None)
    return Resolution(None, None)


def _continued_quotes(
    doc: Doc, pairs: list[QuotedStretch], found: list[tuple[int, dict]], mentions: Mentions
) -> list[tuple[int, dict]]:
    """A quoted clause with no cue of its own, opening a paragraph or the sentence right after
    an attributed quote (``"...," said Jobs. "It feels great..."``): the same speaker goes on."""
    continued = []
    by_open = dict(found)
    previous, previous_end, previous_close = None, -1, -1
    for pair in pairs:
        if pair.used:
            previous = by_open.get(pair.open, previous)
            previous_end, previous_close = _sentence_end(doc, pair.close), pair.close
            continue
        starts_paragraph = pair.open == 0 or doc[pair.open - 1].is_space
        follows = pair.open - previous_end in (1, 2) or _only_punctuation(doc, previous_close + 1, pair.open)
        # a quote that does not end its sentence has an attribution of its own after it
        ends_sentence = doc[pair.close - 1].text in SENTENCE_END
        if previous is None or not (starts_paragraph or follows) or not ends_sentence:
            continue
        if not _is_clause(doc, pair.open + 1, pair.close):
            continue
        quote = _quote_dict(mentions, "direct", (pair.open + 1, pair.close), None, Resolution(None, None))
        quote["speaker"] = previous["speaker"]
        continued.append((pair.open, quote))
        pair.used = True
        previous, previous_end, previous_close = quote, _sentence_end(doc, pair.close), pair.close
    return continued


def _only_punctuation(doc: Doc, start: int, end: int) -> bool:
    """Whether tokens [start, end) are all punctuation or space (``"..."... "..."``)."""
    return all(doc[i].is_punct or doc[i].is_space for i in range(start, end))


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


def _reported_speech(tokens, cues, pairs, cues_used, lexicon, mentions) -> list[tuple[int, dict]]:
    """Indirect and mixed quotes: speech verbs with a reported clause, and "according to X"."""
    reported = []
    doc = tokens.doc
    according = positions(any_of(tokens.lower, ACCORDING_IDS))
    for i in sorted(cues.keys() | according):
        if i in cues_used or mentions.quoted[i]:
            continue
        if i in cues:
            quote = _reported_clause(doc, doc[i], pairs, lexicon, mentions)
        else:
            quote = _according_to(doc, doc[i], pairs, lexicon, mentions)
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
    return _reported_quote(mentions, (start, end), cue, pairs, _speaker(cue, lexicon, mentions))


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
    return _reported_quote(mentions, content, cue, pairs, speaker)


def _reported_quote(mentions, content, cue, pairs, speaker) -> tuple[int, dict] | None:
    doc = mentions.doc
    start, end = _within_paragraph(doc, *content, cue[0].i if not isinstance(cue, Token) else cue.i)
    start, end = _trim_tokens(doc, start, end)
    if not any(doc[i].pos_ in ("VERB", "AUX") for i in range(start, end)):
        return None  # what was reported is a clause; a bare phrase comes from a misparse
    inner = [p for p in pairs if start <= p.open and p.close < end]
    if any(p.open < start < p.close or p.open < end - 1 < p.close for p in pairs if p not in inner):
        return None  # the clause cuts through a quoted stretch: a direct quote already covers it
    kind = "mixed" if inner else "indirect"
    return start, _quote_dict(mentions, kind, (start, end), cue, speaker)


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


def _quote_dict(mentions: Mentions, kind: str, content: tuple[int, int], cue, speaker: Resolution) -> dict:
    """A quote as serialisable character offsets; the speaker is its entity's offsets."""
    doc, via = mentions.doc, speaker.via
    entity = None if speaker.entity is None else mentions.ents[speaker.entity]
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
