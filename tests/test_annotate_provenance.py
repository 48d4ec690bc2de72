"""Model annotation files say which pipeline, spaCy and component versions made them."""

from __future__ import annotations

from pathlib import Path

import spacy
from conftest import SEED_ID
from hypothesis import given
from hypothesis import strategies as st

from wirecorpus import corpus, layout, schema
from wirecorpus.annotate import annotate, lexicon_digest, read_header
from wirecorpus.components import COMPONENT_VERSIONS


def test_annotate_provenance_fields(repo_copy: Path, tiny_pipeline: Path) -> None:
    report = annotate([SEED_ID], root=repo_copy, model=str(tiny_pipeline))
    assert report.annotation_set == "model/en_tiny_rules-0.1.0"
    path = layout.annotation_path(repo_copy, kind="model", name="en_tiny_rules-0.1.0", article_id=SEED_ID)
    assert layout.relative(repo_copy, path) == f"annotations/model/en_tiny_rules-0.1.0/{SEED_ID}.json"
    annotator = corpus.read_annotation(path).annotator
    assert (annotator.kind, annotator.name, annotator.version) == ("model", "en_tiny_rules-0.1.0", "0.1.0")
    assert annotator.spacy_version == spacy.__version__
    assert annotator.components[:2] == ["sentencizer", "ner"]
    assert set(annotator.components[2:]) == set(COMPONENT_VERSIONS)
    versions = [f"{name} {version}" for name, version in sorted(COMPONENT_VERSIONS.items())]
    assert annotator.wirecorpus_version == "; ".join([*versions, f"lexicons {lexicon_digest(repo_copy)}"])


def test_annotate_provenance_summary(repo_copy: Path, tiny_pipeline: Path) -> None:
    first = annotate(None, root=repo_copy, model=str(tiny_pipeline))
    second = annotate(None, root=repo_copy, model=str(tiny_pipeline))
    assert first.summary() == "model/en_tiny_rules-0.1.0: 1 written, 0 re-annotated (text or versions changed), 0 up to date (skipped)"
    assert second.summary() == "model/en_tiny_rules-0.1.0: 0 written, 0 re-annotated (text or versions changed), 1 up to date (skipped)"


_names = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12)
_annotators = st.builds(
    schema.Annotator,
    kind=st.just("model"),
    name=_names,
    version=st.none() | _names,
    spacy_version=st.none() | _names,
    components=st.lists(_names, max_size=4),
    wirecorpus_version=st.none() | _names,
)


@given(annotator=_annotators, sha=st.text("0123456789abcdef", min_size=64, max_size=64), with_entity=st.booleans())
def test_annotate_provenance_header_round_trip(tmp_path_factory, annotator: schema.Annotator, sha: str, with_entity: bool) -> None:
    entities = [schema.Entity(id="T1", start=0, end=6, text="MOSCOW", label="GPE")] if with_entity else []
    record = schema.AnnotationFile(article=SEED_ID, text_sha256=sha, annotator=annotator, schema_version="1.0", entities=entities)
    path = tmp_path_factory.mktemp("header") / "file.json"
    path.write_text(schema.dumps(record), encoding="utf-8")
    full = schema.to_dict(record)
    assert read_header(path) == {name: full[name] for name in ("article", "text_sha256", "annotator", "schema_version")}
