"""Review pages: an article with the annotations of one or two sets, as one static HTML file.

``wirecorpus review ARTICLE-ID [--sets SET [SET]] --out FILE.html`` writes one
page; ``wirecorpus review --all --out DIR`` (or several ids with a folder)
writes one page per article, ``<article-id>.html``, and an ``index.html``.

Decisions:

- **Which sets.** Without ``--sets``, the first two sets by name that have a
  file for the article (``hand/...`` before ``model/...``); the others are
  named in the page's header. ``--sets`` names one or two sets, each of which
  must have a file for the article; with ``--all``, the articles lacking a
  file of a chosen set are left out and named in the index.
- **Overlaps.** Each layer of each set is drawn on its own copy of the text
  (a panel), so an entity inside a quote never competes with it: the entity is
  in the entities panel, the quote in the quotes panel. Within a panel, marks
  nest; crossing marks are cut (:mod:`.text`).
- **Differences** between two sets are computed with the project's span
  alignment and marked on both panels (:mod:`.diff`): ``diff-missing`` (in the
  first set, not the second), ``diff-extra``, ``diff-label``, ``diff-span``.
- **Coverage.** A layer a set does not cover (schema 1.1 ``layers``) is shown
  as "not covered by this set", not as an empty text. A file made on another
  text (stale ``text_sha256``) or not readable is shown as such, not drawn.
- **Findings.** The validator runs on the files shown; each finding is listed
  as ``wirecorpus validate`` prints it. For a folder of pages it runs once over
  every page's files; a finding on no page's file is listed in the index.
- **Offline.** Inline CSS, no script, no fonts or images: the page works from
  a ``file://`` URL. Every text from the files is HTML-escaped.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from .. import layout, storage
from ..errors import ReviewError, WriteError
from ..validate import validate
from ..validate.registry import Finding
from .page import IndexEntry, render_index, render_page, severity_counts
from .sources import Selection, all_article_ids, check_sets, read, select, sets_with_article

__all__ = ["review_page", "write_review"]

INDEX_NAME = "index.html"


def review_page(*, root: Path, article_id: str, sets: Sequence[str] | None = None) -> str:
    """The review page of one article (HTML text); ``sets``: one or two ``kind/name``, None for the default."""
    root = Path(root)
    return _page(root, select(root, article_id, None if sets is None else check_sets(root, sets)))


def _page(root: Path, selection: Selection) -> str:
    """A page with the validator's findings on its own files."""
    report = validate(selection.paths, root=root)
    return render_page(read(root, selection), report.findings, root=root)


def write_review(
    *, root: Path, article_ids: Sequence[str] | None = None, sets: Sequence[str] | None = None, out: Path
) -> list[Path]:
    """Write review pages and return their paths.

    ``out`` ending in ``.html`` is the page of one article; otherwise it is a
    folder that gets a page per article and ``index.html`` (listed last).
    ``article_ids`` None means every article of the corpus.
    """
    root, out = Path(root), Path(out)
    layout.refuse_data_folder(root, out, option="--out", error=ReviewError)
    chosen = None if sets is None else check_sets(root, sets)
    selections, skipped = _selections(root, article_ids, chosen)
    if out.suffix == ".html":
        if len(selections) != 1:
            raise ReviewError(f"{out}: one page holds one article, not {len(selections)}; give a folder for --out")
        return _write({out: _page(root, selections[0])})
    report = validate(sorted({path for s in selections for path in s.paths}), root=root)
    by_path: dict[str, list[Finding]] = {}
    for finding in report.findings:
        by_path.setdefault(finding.path, []).append(finding)
    pages, entries = {}, []
    for selection in selections:  # every page is made before any is written, so a refusal leaves none behind
        findings = [f for path in selection.paths for f in by_path.pop(layout.relative(root, path), [])]
        name = f"{selection.article_id}.html"
        pages[out / name] = render_page(read(root, selection), findings, root=root)
        entries.append(_entry(selection, findings, name))
    leftover = [f for findings in by_path.values() for f in findings]
    pages[out / INDEX_NAME] = render_index(entries, skipped=skipped, findings=leftover)
    return _write(pages)


def _entry(selection: Selection, findings: Sequence[Finding], href: str) -> IndexEntry:
    return IndexEntry(selection.article_id, href, tuple(name for name, _ in selection.shown), *severity_counts(findings))


def _selections(
    root: Path, article_ids: Sequence[str] | None, sets: Sequence[str] | None
) -> tuple[list[Selection], list[str]]:
    """The pages to make, and the articles of the corpus left out (with why)."""
    if article_ids is not None:
        if not article_ids:
            raise ReviewError("no article to review: name one or more article ids, or all of them")
        return [select(root, article_id, sets) for article_id in dict.fromkeys(article_ids)], []
    ids = all_article_ids(root)
    skipped = []
    if sets is not None:
        lacking = {i: [s for s in sets if s not in sets_with_article(root, sets, i)] for i in ids}
        skipped = [f"{i} (no file of {', '.join(names)})" for i, names in lacking.items() if names]
        ids = [i for i in ids if not lacking[i]]
    if not ids:
        why = ", ".join(skipped) or "the corpus has no article"
        raise ReviewError(f"no article to review{' with ' + ', '.join(sets) if sets else ''}: {why}")
    return [select(root, article_id, sets) for article_id in ids], skipped


def _write(pages: dict[Path, str]) -> list[Path]:
    """Write the pages, each whole; the folders and places are checked for all of them first."""
    try:
        for path in pages:
            storage.check_folder(path.parent)
            if path.is_dir():
                raise WriteError(f"{path}: a folder is where this page is to be written")
        for path, html in pages.items():
            storage.write_text_atomic(path, html)
    except WriteError as exc:
        raise ReviewError(f"cannot write the review page: {exc}") from None
    return list(pages)
