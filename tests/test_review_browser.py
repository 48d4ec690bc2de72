"""Review pages in a real browser: headless Chromium from Debian, driven by Selenium.

The browser and its driver are Debian's (``tests/setup/install_browser.sh``
installs them). Selenium is given the driver's path, so Selenium Manager, which
would download a browser, never runs; the fixture makes sure of it. Each test
opens a page from a ``file://`` URL and reads what the browser rendered. A
screenshot of the seed's page is kept in ``$WIRECORPUS_ARTIFACTS`` (default
``tests/artifacts/``).
"""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path

import pytest
from conftest import SEED_ID
from review_cases import HAND, MODEL, SCRIPT, add_script_article, set_path
from selenium import webdriver
from selenium.common.exceptions import NoAlertPresentException
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.selenium_manager import SeleniumManager

from wirecorpus import corpus
from wirecorpus.review import write_review

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
CHROMIUM_ARGUMENTS = (
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
)  # fmt: skip
WIDTH = 1400
ARTIFACTS = Path(os.environ.get("WIRECORPUS_ARTIFACTS") or Path(__file__).resolve().parent / "artifacts")

# Every mark with an id, as rendered: its text without the label boxes, its label box, its differences.
RENDERED_MARKS = """
return Array.from(document.querySelectorAll('mark.m[id]')).map(m => {
  const bare = m.cloneNode(true);
  bare.querySelectorAll('.tag').forEach(t => t.remove());
  const tag = m.querySelector(':scope > .tag');
  const box = m.getBoundingClientRect();
  return {id: m.id, text: bare.textContent, caption: tag.querySelector('.caption').textContent,
    links: Array.from(tag.querySelectorAll('.link')).map(a => a.textContent),
    badges: Array.from(tag.querySelectorAll('.badge')).map(b => b.textContent),
    diff: Array.from(m.classList).filter(c => c.startsWith('diff-')).sort(),
    label: m.dataset.label, shown: box.width > 0 && box.height > 0,
    background: getComputedStyle(m).backgroundColor};
});
"""
BARE_TEXT = "const bare = arguments[0].cloneNode(true); bare.querySelectorAll('.tag').forEach(t => t.remove()); return bare.textContent;"


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory):
    if not (CHROMIUM.is_file() and CHROMEDRIVER.is_file()):
        pytest.fail(f"{CHROMIUM} or {CHROMEDRIVER} is missing: run tests/setup/install_browser.sh as root")
    options = Options()
    options.binary_location = str(CHROMIUM)
    for argument in (*CHROMIUM_ARGUMENTS, f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}"):
        options.add_argument(argument)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(SeleniumManager, "binary_paths", _no_selenium_manager)
        driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    driver.set_window_size(WIDTH, 1000)
    yield driver
    driver.quit()


def _no_selenium_manager(*args, **kwargs):
    raise AssertionError("Selenium Manager must not run: it would download a browser")


@pytest.fixture
def seed_page(repo_copy: Path, tmp_path: Path) -> Path:
    (page,) = write_review(root=repo_copy, article_ids=[SEED_ID], sets=[HAND, MODEL], out=tmp_path / "seed.html")
    return page


def _files(root: Path):
    return {index: corpus.read_annotation(set_path(root, name)) for index, name in ((1, HAND), (2, MODEL))}


def _rendered(browser, page: Path) -> dict[str, dict]:
    browser.get(page.as_uri())
    return {mark["id"]: mark for mark in browser.execute_script(RENDERED_MARKS)}


def _expected_marks(files) -> dict[str, tuple[str, str]]:
    """Element id -> (text, label box caption) of every entity, quote content and event trigger of the files."""
    expected = {}
    for index, annotation in files.items():
        for entity in annotation.entities:
            expected[f"s{index}-entities-{entity.id}"] = (entity.text, entity.label)
        for quote in annotation.quotes:
            expected[f"s{index}-quotes-{quote.id}"] = (quote.content.text, f"{quote.id} {quote.kind}")
        for event in annotation.events:
            expected[f"s{index}-events-{event.id}"] = (event.trigger.text, f"{event.id} {event.type}")
    return expected


def test_review_browser_draws_every_span_with_its_label(browser, seed_page, repo_copy) -> None:
    files = _files(repo_copy)
    rendered = _rendered(browser, seed_page)
    expected = _expected_marks(files)
    groups = {element_id.rsplit("-", 1)[0] for element_id in expected}
    assert groups == {f"s{i}-{layer}" for i in (1, 2) for layer in ("entities", "quotes", "events")}
    for element_id, (text, caption) in expected.items():
        mark = rendered[element_id]
        assert (mark["text"], mark["caption"], mark["shown"]) == (text, caption, True), element_id
    # Event arguments: the entity's mark in the events panel names each event and role it fills.
    arguments = [(index, event.id, a) for index, f in files.items() for event in f.events for a in event.arguments]
    assert {index for index, _, _ in arguments} == {1, 2}
    for index, event_id, argument in arguments:
        assert f"{event_id} {argument.role}" in rendered[f"s{index}-events-{argument.entity}"]["links"]


def test_review_browser_speaker_link_lands_on_the_speaker(browser, seed_page, repo_copy) -> None:
    browser.get(seed_page.as_uri())
    quotes = [(index, quote) for index, f in _files(repo_copy).items() for quote in f.quotes if quote.speaker]
    assert {index for index, _ in quotes} == {1, 2}
    for index, quote in quotes:
        speaker = {e.id: e for e in _files(repo_copy)[index].entities}[quote.speaker]
        link = browser.find_element(By.CSS_SELECTOR, f"#s{index}-quotes-{quote.id} > .tag > a.link")
        assert link.text == f"speaker → {speaker.id} {speaker.text}"
        link.click()
        target = browser.execute_script("return document.querySelector(':target')")
        assert target.get_attribute("id") == f"s{index}-quotes-{speaker.id}"
        assert browser.current_url.endswith(f"#s{index}-quotes-{speaker.id}")
        assert browser.execute_script(BARE_TEXT, target) == speaker.text
        box = browser.execute_script("return arguments[0].getBoundingClientRect()", target)
        assert 0 < box["bottom"] and box["top"] < browser.execute_script("return window.innerHeight"), "not in view"


def _overlapping(entity, others):
    return [o for o in others if o.start < entity.end and entity.start < o.end]


CATEGORIES = {(): "same", ("diff-span",): "boundaries", ("diff-label",): "label", ("diff-label", "diff-span"): "boundaries and label"}


def _expected_group(entity, partners) -> tuple[str, list[str]]:
    """What one hand entity and the model entities overlapping only it must show: its difference
    classes, and those of its partners (the partner of the same span, else of the largest overlap,
    pairs with it; the others are extra)."""
    same = [p for p in partners if (p.start, p.end) == (entity.start, entity.end)]
    partner = (same or sorted(partners, key=lambda p: -(min(p.end, entity.end) - max(p.start, entity.start))))[0]
    classes = sorted((() if same else ("diff-span",)) + (() if partner.label == entity.label else ("diff-label",)))
    return partner, classes


def test_review_browser_marks_the_differences(browser, seed_page, repo_copy) -> None:
    files = _files(repo_copy)
    rendered = _rendered(browser, seed_page)
    hand, model = files[1].entities, files[2].entities
    seen: Counter = Counter()
    # The cases a reader can tell at a glance: no overlap at all, or one hand entity whose
    # overlapping model entities overlap nothing else.
    for entity in hand:
        mark, partners = rendered[f"s1-entities-{entity.id}"], _overlapping(entity, model)
        if not partners:
            assert (mark["diff"], mark["badges"]) == (["diff-missing"], ["−"])
            seen["missing"] += 1
            continue
        if any(len(_overlapping(p, hand)) > 1 for p in partners):
            continue
        partner, classes = _expected_group(entity, partners)
        assert mark["diff"] == rendered[f"s2-entities-{partner.id}"]["diff"] == classes, entity
        assert "diff-label" not in classes or f"≠ {partner.label}" in mark["badges"]
        seen[CATEGORIES[tuple(classes)]] += 1
        for other in partners:
            if other is not partner:
                assert rendered[f"s2-entities-{other.id}"]["diff"] == ["diff-extra"]
                seen["extra"] += 1
    for entity in model:
        if not _overlapping(entity, hand):
            assert rendered[f"s2-entities-{entity.id}"]["diff"] == ["diff-extra"]
            seen["extra"] += 1
    assert all(seen[name] for name in ("missing", "extra", "same", "boundaries", "boundaries and label")), seen


def test_review_browser_legend_matches_the_marks(browser, seed_page, repo_copy) -> None:
    files = _files(repo_copy)
    rendered = _rendered(browser, seed_page)
    legend = browser.find_element(By.CSS_SELECTOR, "dl.legend")
    chips = {
        chip.get_attribute("data-label"): browser.execute_script("return getComputedStyle(arguments[0]).backgroundColor", chip)
        for chip in legend.find_elements(By.CSS_SELECTOR, ".chip[data-kind=entity]")
    }
    labels = {e.label for f in files.values() for e in f.entities}
    assert labels and set(chips) == labels
    for mark_id, mark in rendered.items():
        if "-entities-" in mark_id:
            assert mark["background"] == chips[mark["label"]], mark_id
    keys = legend.find_elements(By.CSS_SELECTOR, ".diff-key")
    assert [k.get_attribute("class").split()[1] for k in keys] == ["diff-missing", "diff-extra", "diff-label", "diff-span"]
    assert f"missing: in {HAND}, not in {MODEL}" in legend.text and f"extra: in {MODEL}, not in {HAND}" in legend.text


def test_review_browser_page_is_self_contained(browser, seed_page) -> None:
    browser.get(seed_page.as_uri())
    assert browser.execute_script("return document.querySelectorAll('script, link, img, iframe').length") == 0
    assert browser.execute_script("return performance.getEntriesByType('resource').length") == 0
    height = browser.execute_script("return document.documentElement.scrollHeight")
    browser.set_window_size(WIDTH, height)
    try:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        shot = ARTIFACTS / f"review_{SEED_ID}.png"
        assert browser.save_screenshot(str(shot))
    finally:
        browser.set_window_size(WIDTH, 1000)
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_review_browser_article_markup_stays_text(browser, repo_copy, tmp_path) -> None:
    article_id = add_script_article(repo_copy, tmp_path)
    (page,) = write_review(root=repo_copy, article_ids=[article_id], out=tmp_path / "script.html")
    browser.get(page.as_uri())
    with pytest.raises(NoAlertPresentException):
        browser.switch_to.alert.text
    assert browser.execute_script("return document.querySelectorAll('script, img, b').length") == 0
    entity = browser.find_element(By.ID, "s1-entities-T2")
    assert browser.execute_script(BARE_TEXT, entity) == SCRIPT
    assert "Smith & Sons" in browser.find_element(By.ID, "s1-entities-T1").text
