"""Marks drawn on a text: nested, cut where they cross, escaped, the text kept whole."""

from __future__ import annotations

from html.parser import HTMLParser

from hypothesis import given, settings
from hypothesis import strategies as st

from wirecorpus.review.marks import CONTENT, ENTITY, Link, Mark
from wirecorpus.review.text import render_text


class _Tree(HTMLParser):
    """The text outside label boxes, the open/close balance, and each mark piece's id, caption and text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[dict] = []
        self.pieces: list[dict] = []
        self.text: list[str] = []
        self.in_tag = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "mark":
            piece = {"id": attrs.get("id"), "classes": attrs["class"].split(), "text": [], "caption": None}
            self.stack.append(piece)
            self.pieces.append(piece)
        elif self.in_tag or "tag" in (attrs.get("class") or "").split():
            self.in_tag += 1

    def handle_endtag(self, tag):
        if tag == "mark":
            self.stack.pop()
        elif self.in_tag:
            self.in_tag -= 1

    def handle_data(self, data):
        if self.in_tag:
            if self.stack[-1]["caption"] is None:
                self.stack[-1]["caption"] = data
            return
        self.text.append(data)
        for piece in self.stack:
            piece["text"].append(data)


def _parse(html: str) -> _Tree:
    tree = _Tree()
    tree.feed(html)
    tree.close()
    return tree


def test_review_text_nests_and_cuts_crossing_marks() -> None:
    text = "abcdefghij"
    marks = [Mark(ENTITY, 0, 5, "ORG", "ORG", "T1"), Mark(CONTENT, 3, 8, "direct", "Q1 direct", "Q1"), Mark(ENTITY, 1, 2, "GPE", "GPE", "T2")]
    tree = _parse(render_text(text, marks, prefix="p-"))
    assert "".join(tree.text) == text and not tree.stack
    pieces = [(p["id"], "".join(p["text"]), p["caption"], "cont" in p["classes"]) for p in tree.pieces]
    # Q1 crosses T1's end: its first piece (with the id, no label box) inside T1, the rest after it.
    assert pieces == [
        ("p-T1", "abcde", "ORG", False),
        ("p-T2", "b", "GPE", False),
        ("p-Q1", "de", None, False),
        (None, "fgh", "Q1 direct", True),
    ]


def test_review_text_escapes_text_labels_and_links() -> None:
    text = 'x <script>alert(1)</script> & "y"'
    start = text.index("<script>")
    link = Link('<img src=x onerror="alert(2)">', "T9\"><b>")
    marks = [Mark(ENTITY, start, start + 8, '<i>L"', "<u>cap</u>", 'T1"><b>', (link,))]
    html = render_text(text, marks, prefix="p-")
    assert "<script" not in html and "<img" not in html and "<i>" not in html and "<u>" not in html
    tree = _parse(html)
    assert "".join(tree.text) == text
    assert tree.pieces[0]["id"] == 'p-T1"><b>' and tree.pieces[0]["caption"] == "<u>cap</u>"


@st.composite
def _marked_texts(draw):
    text = draw(st.text(alphabet="ab <>&\"'\n", min_size=1, max_size=40))
    bounds = st.tuples(st.integers(0, len(text) - 1), st.integers(1, len(text))).filter(lambda b: b[0] < b[1])
    spans = draw(st.lists(bounds, max_size=8))
    return text, [Mark(ENTITY, s, e, "L", f"c{k}", f"T{k}") for k, (s, e) in enumerate(spans)]


@settings(max_examples=200, deadline=None)
@given(_marked_texts())
def test_review_text_keeps_the_text_and_every_mark(case) -> None:
    text, marks = case
    tree = _parse(render_text(text, marks, prefix="p-"))
    assert "".join(tree.text) == text and not tree.stack
    first_pieces = {p["id"]: "".join(p["text"]) for p in tree.pieces if p["id"]}
    captions = [p["caption"] for p in tree.pieces if p["caption"]]
    # Every mark: one element with its id, one label box, and its pieces together cover its text.
    assert sorted(first_pieces) == sorted(f"p-{m.anchor}" for m in marks)
    assert sorted(captions) == sorted(m.caption for m in marks)
    for mark in marks:
        assert text[mark.start : mark.end].startswith(first_pieces[f"p-{mark.anchor}"])
