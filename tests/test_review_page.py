"""Review pages without a browser: sets shown, coverage, stale and broken files, escaping, errors, folders."""

from __future__ import annotations

import json
import re
from html import escape
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import SEED_ID
from review_cases import BAD_SPEAKER, HAND, MODEL, SCRIPT, add_script_article, derive_set, quotes_only, set_path

from wirecorpus.errors import ReviewError
from wirecorpus.review import review_page, write_review
from wirecorpus.validate import validate
from wirecorpus.validate.output import finding_line


class _Page(HTMLParser):
    """The tags of a page, the text a browser would show, and its panels (set name -> layer -> body)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.text: list[str] = []
        self.ids: list[str] = []
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append(tag)
        if "id" in attrs:
            self.ids.append(attrs["id"])
        if "href" in attrs:
            self.hrefs.append(attrs["href"])

    def handle_data(self, data):
        self.text.append(data)


def _parse(html: str) -> _Page:
    page = _Page()
    page.feed(html)
    page.close()
    return page


def _panels(html: str, layer: str) -> dict[str, str]:
    """Set name -> the HTML of its panel in a layer's section."""
    section = re.search(rf'<section class="layer" id="layer-{layer}">(.*?)</section>', html, re.S).group(1)
    parts = re.split(r'<div class="panel" data-set="([^"]+)">', section)[1:]
    return dict(zip(parts[0::2], parts[1::2]))


def _differences_drawn(html: str) -> bool:
    return re.search(r'<mark class="m [^"]*diff-', html) is not None


def test_review_escapes_the_article_and_the_files(repo_copy, tmp_path) -> None:
    article_id = add_script_article(repo_copy, tmp_path)
    html = review_page(root=repo_copy, article_id=article_id)
    page = _parse(html)
    # The markup of the text and of the bad speaker id is shown, never parsed as tags.
    assert not {"script", "img", "b"} & set(page.tags)
    shown = "".join(page.text)
    assert SCRIPT in shown and "Smith & Sons" in shown and "Q&A forums <b>spread</b>" in shown
    assert f"{BAD_SPEAKER}, which is not an entity of this file" in shown
    findings = validate([set_path(repo_copy, "hand/x1", article_id)], root=repo_copy).findings
    assert findings, "the bad speaker id must be a finding"
    for finding in findings:
        assert escape(finding_line(finding)) in html


def test_review_default_sets_are_the_first_two_by_name(repo_copy) -> None:
    derive_set(repo_copy, "hand/b1", lambda data: None)
    html = review_page(root=repo_copy, article_id=SEED_ID)
    for layer in ("entities", "quotes", "events"):
        assert list(_panels(html, layer)) == [HAND, "hand/b1"]
    assert re.search(rf'Also annotated by: <span class="set">{re.escape(MODEL)}</span>', html)


def test_review_sets_choose_the_pair_and_its_order(repo_copy) -> None:
    derive_set(repo_copy, "hand/b1", lambda data: None)
    html = review_page(root=repo_copy, article_id=SEED_ID, sets=[MODEL, HAND])
    assert list(_panels(html, "entities")) == [MODEL, HAND] and _differences_drawn(html)
    assert 'Also annotated by: <span class="set">hand/b1</span>' in html
    single = review_page(root=repo_copy, article_id=SEED_ID, sets=[MODEL])
    assert list(_panels(single, "quotes")) == [MODEL] and not _differences_drawn(single)


def test_review_same_set_twice_has_no_differences(repo_copy) -> None:
    derive_set(repo_copy, "hand/b1", lambda data: None)
    html = review_page(root=repo_copy, article_id=SEED_ID, sets=[HAND, "hand/b1"])
    assert not _differences_drawn(html)
    assert html.count(": no differences</p>") == 3


def test_review_layer_not_covered(repo_copy) -> None:
    derive_set(repo_copy, "hand/q1", quotes_only)
    html = review_page(root=repo_copy, article_id=SEED_ID, sets=[HAND, "hand/q1"])
    for layer in ("entities", "events"):
        panel = _panels(html, layer)["hand/q1"]
        assert '<p class="not-covered">not covered by this set</p>' in panel and "<mark" not in panel
        assert "Not compared: hand/q1 is not covered by this set." in html
    # Its quotes are drawn, speakers as spans: each quote's link leads to a speaker mark of the panel.
    quotes = json.loads(set_path(repo_copy, "hand/q1").read_text(encoding="utf-8"))["quotes"]
    panel = _parse(_panels(html, "quotes")["hand/q1"])
    assert len(quotes) == 9
    for quote in quotes:
        speaker = quote["speaker_span"]
        assert f"s2-quotes-{quote['id']}" in panel.ids
        assert f"#s2-quotes-speaker-{speaker['start']}-{speaker['end']}" in panel.hrefs


def test_review_stale_file_is_not_drawn(repo_copy) -> None:
    derive_set(repo_copy, "hand/s1", lambda data: data.update(text_sha256="0" * 64))
    html = review_page(root=repo_copy, article_id=SEED_ID, sets=[HAND, "hand/s1"])
    for layer in ("entities", "quotes", "events"):
        panel = _panels(html, layer)["hand/s1"]
        assert "made on another text" in panel and "<mark" not in panel
    findings = validate([set_path(repo_copy, "hand/s1")], root=repo_copy).findings
    assert findings and all(escape(finding_line(f)) in html for f in findings)


def test_review_unreadable_file_is_named_with_its_findings(repo_copy) -> None:
    set_path(repo_copy, MODEL).write_text('{"article": ', encoding="utf-8")
    html = review_page(root=repo_copy, article_id=SEED_ID)
    assert "this file could not be read" in _panels(html, "entities")[MODEL]
    findings = validate([set_path(repo_copy, MODEL)], root=repo_copy).findings
    assert findings and all(escape(finding_line(f)) in html for f in findings)
    assert re.search(r"on the 3 files shown: [1-9]\d* errors", html)


def test_review_problems_are_listed_under_the_panel(repo_copy) -> None:
    def break_offsets(data: dict) -> None:
        data["entities"][0].update(start=5000, end=5006)
        data["events"][0]["arguments"][0]["entity"] = "T99"

    derive_set(repo_copy, "hand/p1", break_offsets)
    html = review_page(root=repo_copy, article_id=SEED_ID, sets=["hand/p1"])
    assert "<li>T1: offsets 5000-5006 are not a span of the text; not drawn</li>" in _panels(html, "entities")["hand/p1"]
    assert "<li>E1 Entity names T99, which is not an entity of this file</li>" in _panels(html, "events")["hand/p1"]


def _other_article_set(root: Path) -> None:
    """hand/e1: a set with a file for another article only."""
    path = set_path(root, "hand/e1", "tass-20200921-0a1b2c3d")
    path.parent.mkdir(parents=True)
    path.write_text("{}", encoding="utf-8")


REFUSED = {
    "unknown article": (dict(article_id="tass-20200921-0a1b2c3d"), "does not exist"),
    "not an id": (dict(article_id="../etc/passwd"), "is not an article id"),
    "unknown set": (dict(sets=["hand/zz"]), "'hand/zz' does not exist; known sets: hand/a1, hand/e1"),
    "not a set name": (dict(sets=["a1"]), "is not an annotation set name"),
    "three sets": (dict(sets=[HAND, MODEL, "hand/e1"]), "one or two different annotation sets"),
    "twice": (dict(sets=[HAND, HAND]), "one or two different annotation sets"),
    "no file for the article": (dict(sets=["hand/e1"]), f"hand/e1: no file for article {SEED_ID}"),
}


@pytest.mark.parametrize(("arguments", "message"), REFUSED.values(), ids=REFUSED.keys())
def test_review_refuses_with_a_clear_error(repo_copy, arguments, message) -> None:
    _other_article_set(repo_copy)
    with pytest.raises(ReviewError, match=re.escape(message)):
        review_page(root=repo_copy, **{"article_id": SEED_ID, **arguments})


def test_review_folder_has_a_page_per_article_and_an_index(repo_copy, tmp_path) -> None:
    article_id = add_script_article(repo_copy, tmp_path)
    out = tmp_path / "pages"
    written = write_review(root=repo_copy, out=out)
    assert [p.name for p in written] == sorted(f"{a}.html" for a in (SEED_ID, article_id)) + ["index.html"]
    index = _parse(written[-1].read_text(encoding="utf-8"))
    assert index.hrefs == [p.name for p in written[:-1]]
    for path in written[:-1]:
        assert path.read_text(encoding="utf-8") == review_page(root=repo_copy, article_id=path.stem)


def test_review_folder_with_sets_names_the_articles_left_out(repo_copy, tmp_path) -> None:
    article_id = add_script_article(repo_copy, tmp_path)
    written = write_review(root=repo_copy, sets=[HAND, MODEL], out=tmp_path / "pages")
    assert [p.name for p in written] == [f"{SEED_ID}.html", "index.html"]
    assert f"Left out: {article_id} (no file of {HAND}, {MODEL})" in written[-1].read_text(encoding="utf-8")


def test_review_one_file_holds_one_article(repo_copy, tmp_path) -> None:
    article_id = add_script_article(repo_copy, tmp_path)
    with pytest.raises(ReviewError, match="one page holds one article, not 2"):
        write_review(root=repo_copy, article_ids=[SEED_ID, article_id], out=tmp_path / "two.html")
    (tmp_path / "file").write_text("", encoding="utf-8")
    with pytest.raises(ReviewError, match="cannot write the review page"):
        write_review(root=repo_copy, article_ids=[SEED_ID], out=tmp_path / "file" / "page.html")


def test_review_article_record_must_be_readable(repo_copy) -> None:
    path = next(repo_copy.glob(f"corpus/*/*/{SEED_ID}.json"))
    path.write_text("[]", encoding="utf-8")
    with pytest.raises(ReviewError, match="not a valid article record"):
        review_page(root=repo_copy, article_id=SEED_ID)


def test_review_folder_of_an_empty_corpus_is_refused(empty_repo) -> None:
    with pytest.raises(ReviewError, match="no article to review: the corpus has no article"):
        write_review(root=empty_repo, out=empty_repo / "pages")
    assert not (empty_repo / "pages").exists()


def test_review_empty_list_of_articles_is_refused(repo_copy, tmp_path) -> None:
    with pytest.raises(ReviewError, match="no article to review: name one or more article ids"):
        write_review(root=repo_copy, article_ids=[], out=tmp_path / "pages")
    assert not (tmp_path / "pages").exists()
