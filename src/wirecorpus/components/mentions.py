"""Entity mentions of a Doc seen from its tokens, and resolution of who a subject names.

Built once per Doc in linear passes: which entity each token belongs to, the
titles people carry ("Kremlin Spokesman Dmitry Peskov", "Dmitry Peskov, the
Kremlin spokesman") and which tokens lie inside quoted text. Resolving a
subject then looks at that token, its close dependants, or scans back through
earlier mentions for a pronoun or a title.
"""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Doc, Token

# Dependants of a noun that may carry the entity it stands for.
NAME_DEPS = frozenset({"compound", "appos", "poss"})
TITLE_POS = frozenset({"NOUN", "PROPN"})
PERSON = "PERSON"
SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass"})
# How far back (in tokens) a pronoun looks for a person named as a subject before any person.
SUBJECT_WINDOW = 120


@dataclass(frozen=True)
class Resolution:
    """An entity (index into doc.ents) and, when reached indirectly, the tokens that named it."""

    entity: int | None
    via: tuple[int, int] | None  # token range [start, end) of a pronoun or title phrase


class Mentions:
    """Per-Doc entity lookups for the quote and event components."""

    def __init__(self, doc: Doc) -> None:
        self.doc = doc
        self.ents = doc.ents
        self.labels = [ent.label_ for ent in self.ents]
        self.entity_of = [-1] * len(doc)
        for number, ent in enumerate(self.ents):
            for i in range(ent.start, ent.end):
                self.entity_of[i] = number
        self.quoted = bytearray(len(doc))
        self.titles = self._titles()

    def mark_quoted(self, start: int, end: int) -> None:
        """Record tokens [start, end) as quoted text: they never name a speaker by position."""
        self.quoted[start:end] = b"\x01" * (end - start)

    def _titles(self) -> list[tuple[int, frozenset[str]]]:
        """(PERSON entity, title lemmas) pairs in text order."""
        titles = []
        for number, ent in enumerate(self.ents):
            if self.labels[number] != PERSON:
                continue
            words = set()
            i = ent.start - 1
            while i >= 0 and self.doc[i].pos_ in TITLE_POS and self.labels_at(i) != PERSON:
                words.add(self.doc[i].lemma_.lower())
                i -= 1
            root = ent.root
            for other in (*root.children, root.head):
                linked = other.dep_ == "appos" or root.dep_ == "appos" and other is root.head
                if linked and other.pos_ == "NOUN":
                    words.add(other.lemma_.lower())
            if words:
                titles.append((number, frozenset(words)))
        return titles

    def labels_at(self, i: int) -> str | None:
        number = self.entity_of[i]
        return self.labels[number] if number >= 0 else None

    def entity_near(self, token: Token, labels: frozenset[str], *, people_only: bool = False) -> int | None:
        """The entity a token belongs to, or that one of its name dependants belongs to (people first)."""
        number = self.entity_of[token.i]
        if number >= 0 and self.labels[number] in labels:
            return number
        found = None
        for child in token.children:
            number = self.entity_of[child.i] if child.dep_ in NAME_DEPS else -1
            if number < 0 or self.labels[number] not in labels:
                continue
            if self.labels[number] == PERSON:
                return number
            found = number if found is None else found
        return None if people_only else found

    def resolve(self, token: Token, labels: frozenset[str], pronouns: dict[str, frozenset[str]]) -> Resolution:
        """Who a subject token names: an entity directly, via a pronoun, or via a title."""
        if token.pos_ == "NOUN" and self.entity_of[token.i] < 0:
            # "the Kremlin spokesman": a title names a person before its modifier names an org
            person = self.entity_near(token, labels, people_only=True)
            if person is None:
                person = self.titled_person(token.i, token.lemma_.lower())
            if person is not None:
                return Resolution(self.latest_mention(person, token.i), self.phrase(token))
        direct = self.entity_near(token, labels)
        if direct is not None:
            return Resolution(direct, None if self.entity_of[token.i] >= 0 else self.phrase(token))
        if token.pos_ == "PRON":
            compatible = pronouns.get(token.lower_)
            if compatible is None:
                return Resolution(None, None)
            return Resolution(self.most_recent(token.i, compatible & labels), (token.i, token.i + 1))
        return Resolution(None, None)

    def phrase(self, token: Token) -> tuple[int, int]:
        """The subject's noun phrase up to its head, without a leading determiner."""
        start = token.left_edge.i
        while start < token.i and self.doc[start].pos_ in ("DET", "PUNCT"):
            start += 1
        return start, token.i + 1

    def latest_mention(self, number: int, before: int) -> int:
        """The last mention of the same person (same final name) before a token."""
        surname = self.ents[number][-1].text
        for other in range(len(self.ents) - 1, number, -1):
            ent = self.ents[other]
            if ent.end <= before and self.labels[other] == PERSON and ent[-1].text == surname and not self.quoted[ent.start]:
                return other
        return number

    def most_recent(self, before: int, labels: frozenset[str]) -> int | None:
        """The last entity of a compatible label ending before a token, outside quoted text."""
        for number in range(len(self.ents) - 1, -1, -1):
            ent = self.ents[number]
            if ent.end <= before and self.labels[number] in labels and not self.quoted[ent.start]:
                return number
        return None

    def most_recent_subject(self, before: int, labels: frozenset[str]) -> int | None:
        """The last compatible entity named as a subject not long before a token, else the last compatible one.

        "he said" after "... said Julien Talavan, a spokesman for Force Ouvriere"
        is Talavan, not the organisation the NER took for a person; a subject
        the NER missed counts when it repeats a person's surname.
        """
        for i in range(before - 1, max(-1, before - 1 - SUBJECT_WINDOW), -1):
            token = self.doc[i]
            if token.dep_ not in SUBJECT_DEPS or self.quoted[i]:
                continue
            number = self.entity_near(token, labels)
            if number is None and PERSON in labels:
                number = self.same_surname(token)
            if number is not None:
                return number
        return self.most_recent(before, labels)

    def entity_inside(self, token: Token, labels: frozenset[str]) -> int | None:
        """The entity named inside a phrase outside quotes, a person first, the one nearest its head
        ("a statement by Boeing given by spokesman William Barksdale": Barksdale)."""
        found: dict[bool, tuple[int, int]] = {}
        for i in range(token.left_edge.i, token.right_edge.i + 1):
            number = self.entity_of[i]
            if number < 0 or self.quoted[i] or self.labels[number] not in labels:
                continue
            is_person = self.labels[number] == PERSON
            distance = abs(i - token.i)
            if is_person not in found or distance < found[is_person][0]:
                found[is_person] = (distance, number)
        best = found.get(True) or found.get(False)
        return None if best is None else best[1]

    def same_surname(self, token: Token) -> int | None:
        """An earlier PERSON whose last word is this proper noun: a later mention the NER missed."""
        if token.pos_ != "PROPN":
            return None
        for number in range(len(self.ents) - 1, -1, -1):
            ent = self.ents[number]
            if ent.end <= token.i and self.labels[number] == PERSON and ent[-1].text == token.text:
                return number
        return None

    def titled_person(self, before: int, lemma: str) -> int | None:
        """The last PERSON seen before a token with a title of this lemma."""
        found = None
        for number, words in self.titles:
            if self.ents[number].start >= before:
                break
            if lemma in words:
                found = number
        return found
