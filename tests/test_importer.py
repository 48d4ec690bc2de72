"""wirecorpus import: real exports into scratch repositories, round trips through export, refusals."""

from __future__ import annotations

import datetime
import json
import re
import shutil
import unicodedata
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import REPO, SEED_ID
from wirecorpus import cli, corpus, layout, schema
from wirecorpus.errors import ImportRefused, MapError
from wirecorpus.formats.mapping import LabelMap
from wirecorpus.formats.projection import candidates, normalise
from wirecorpus.formats.quotes import quote_kind
from wirecorpus.importer import NewArticles, import_annotations
from wirecorpus.validate import validate

POLNEAR_MAP = {
    "quotes": {
        "relation": ["Attribution", "Attribution-no-source"],
        "content": "Content",
        "cue": "Cue",
        "speaker": "Source",
        "discontinuous_content": "outer-extent",
    }
}
POLNEAR_ANNOTATORS = ("4b22", "4e07", "5fec", "6b86", "d473", "ef2d")
LABEL_STUDIO = REPO / "tests" / "data" / "formats" / "label_studio"


def new_repo(folder: Path) -> Path:
    (folder / "annotations").mkdir(parents=True)
    shutil.copy(REPO / "annotations" / "schema.json", folder / "annotations" / "schema.json")
    (folder / "corpus").mkdir()
    return folder


def write_map(folder: Path, data: dict) -> Path:
    path = folder / "map.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def repository_files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file() and not p.name.startswith(".")}


# --------------------------------------------------------------------------
# PolNeAR: real wire-news attribution annotations by six annotators, in brat.


@pytest.fixture(scope="module")
def polnear(tmp_path_factory: pytest.TempPathFactory, shared_dir: Path):
    """The PolNeAR sample imported as quote-only hand sets, one per annotator (named by the tool)."""
    root = new_repo(tmp_path_factory.mktemp("polnear"))
    sample = shared_dir / "external" / "polnear_train_sample"
    report = import_annotations(
        "brat", [sample / "text", sample / "attributions"], root=root, annotator="{annotator}",
        map_path=write_map(root.parent, POLNEAR_MAP), new_articles=NewArticles(source="polnear"), skip_unconvertible=True,
    )
    return root, sample, report


def polnear_quotes_in_files(sample: Path, annotator: str) -> int:
    """Independently of the importer: the distinct content spans of the attribution events of an annotator."""
    contents = set()
    for path in sorted((sample / "attributions").glob(f"*_{annotator}.ann")):
        for line in path.read_text(encoding="utf-8").splitlines():
            fields = line.split("\t")
            if line.startswith("E") and fields[1].split(":")[0] in POLNEAR_MAP["quotes"]["relation"]:
                arguments = [argument.split(":") for argument in fields[1].split()[1:]]
                # A link with two contents (Content, Content2) gives its first.
                contents.add((path.name, next(span for role, span in arguments if re.fullmatch(r"Content\d*", role))))
    return len(contents)


@pytest.mark.parametrize("annotator", POLNEAR_ANNOTATORS)
def test_importer_polnear_quotes_per_annotator(polnear, annotator: str) -> None:
    root, sample, report = polnear
    documents = [d for d in report.documents if d.target and d.target.split("/")[2] == annotator]
    assert len(documents) == len(list((sample / "attributions").glob(f"*_{annotator}.ann"))) > 0
    assert all(d.status == "written" for d in documents)
    assert sum(d.counts["quotes"] for d in documents) == polnear_quotes_in_files(sample, annotator) > 0
    for document in documents:
        record = corpus.read_annotation(root / document.target)
        assert record.layers == ["quotes"] and record.entities == [] and record.events == []
        assert all(q.speaker is None for q in record.quotes)  # no entities in a quote-only set


def test_importer_polnear_reports_what_did_not_convert(polnear) -> None:
    root, _, report = polnear
    problems = report.problems
    assert problems
    for problem in problems:
        path, line = re.fullmatch(r"(.+\.ann):(\d+)", problem.where).groups()
        text = Path(path).read_text(encoding="utf-8").splitlines()[int(line) - 1]
        assert problem.item.split()[0].split(":")[-1] in text, (problem, text)
    reasons = Counter(re.sub(r"'[^']*'", "'…'", p.why) for p in problems)
    assert reasons["label '…' is not in the map"] > 0  # Discuss and Discard spans
    assert reasons["a discontinuous span (in pieces); the schema's spans are continuous"] > 0  # cues in pieces
    assert validate(None, root=root).ok


def test_importer_polnear_articles_are_ingested_once(polnear) -> None:
    root, sample, report = polnear
    articles = list(corpus.iter_articles(root))
    assert len(articles) == len(list((sample / "text").glob("*.txt"))) == len({d.article for d in report.documents})
    for article in articles:
        raw = root / article.origin
        assert article.origin.startswith("raw/polnear/") and raw.is_file()
        assert article.date.isoformat() in next(d.name for d in report.documents if d.article == article.id)


def test_importer_refuses_and_writes_nothing_without_skip(tmp_path: Path, shared_dir: Path) -> None:
    root = new_repo(tmp_path / "repo")
    sample = shared_dir / "external" / "polnear_train_sample"
    before = repository_files(root)
    code = cli.main([
        "import", "brat", str(sample / "text"), *map(str, sorted((sample / "attributions").glob("*_d473.ann"))),
        "--annotator", "d473", "--map", str(write_map(tmp_path, POLNEAR_MAP)), "--ingest", "--source", "polnear",
        "--root", str(root),
    ])
    assert code == 1
    assert repository_files(root) == before


# --------------------------------------------------------------------------
# Round trips through the exporters, matching by text, overwriting.


def test_importer_brat_round_trip_gives_the_same_file(repo_copy: Path, tmp_path: Path, capsys) -> None:
    gold = repo_copy / layout.annotation_relpath(kind="hand", name="a1", article_id=SEED_ID)
    exported = tmp_path / "brat"
    assert cli.main(["export", "brat", "--set", "hand/a1", "--out", str(exported), "--root", str(repo_copy)]) == 0
    original = gold.read_bytes()
    gold.unlink()
    assert cli.main(["import", "brat", str(exported), "--annotator", "a1", "--map", str(exported / "map.json"), "--root", str(repo_copy)]) == 0
    assert gold.read_bytes() == original
    assert "1 written" in capsys.readouterr().out
    # Importing again changes nothing.
    assert cli.main(["import", "brat", str(exported), "--annotator", "a1", "--map", str(exported / "map.json"), "--root", str(repo_copy)]) == 0
    assert "1 unchanged" in capsys.readouterr().out


@pytest.mark.parametrize("fmt", ["spacy", "conll"])
def test_importer_export_cli_entities_round_trip(repo_copy: Path, tmp_path: Path, fmt: str) -> None:
    from wirecorpus.formats import conll, spacy_docbin

    assert cli.main(["export", fmt, SEED_ID, "--set", "hand/a1", "--out", str(tmp_path), "--root", str(repo_copy)]) == 0
    gold = corpus.read_annotation(repo_copy / layout.annotation_relpath(kind="hand", name="a1", article_id=SEED_ID))
    article = _article(repo_copy, SEED_ID)
    if fmt == "spacy":
        found = spacy_docbin.read_entities(tmp_path / "corpus.spacy")[SEED_ID]
    else:
        found = conll.entity_spans(article.text, conll.read(tmp_path / "corpus.conll")[SEED_ID])
    assert [tuple(e) for e in found] == [(e.start, e.end, e.label) for e in gold.entities]


def brat_pair(folder: Path, text: str, ann: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "doc.txt").write_bytes(text.encode("utf-8"))
    (folder / "doc.ann").write_text(ann, encoding="utf-8")
    return folder


def test_importer_matches_a_text_with_a_headline_and_crlf(repo_copy: Path, tmp_path: Path) -> None:
    article = corpus.read_article(layout.article_files(repo_copy)[0])
    headline = "Kremlin on trust\r\n\r\n"
    text = headline + article.text.replace("\n", "\r\n")
    peskov = article.text.index("Dmitry Peskov")
    shift = len(headline) + peskov + article.text[:peskov].count("\n")  # each \n is \r\n in the tool's text
    folder = brat_pair(tmp_path / "export", text, f"T1\tPERSON {shift} {shift + 13}\tDmitry Peskov\nT2\tORG 0 7\tKremlin\n")
    report = import_annotations("brat", [folder], root=repo_copy, annotator="b1", map_path=write_map(tmp_path, {"entities": {"PERSON": "PERSON", "ORG": "ORG"}}), skip_unconvertible=True)
    (document,) = report.documents
    assert document.article == article.id and document.status == "written"
    record = corpus.read_annotation(repo_copy / document.target)
    assert [(e.start, e.text, e.label) for e in record.entities] == [(peskov, "Dmitry Peskov", "PERSON")]
    assert [p.why for p in document.problems] == ["lies outside the article text (e.g. in a headline line before it)"]


def test_importer_overwrites_only_with_replace(repo_copy: Path, tmp_path: Path) -> None:
    article = corpus.read_article(layout.article_files(repo_copy)[0])
    start = article.text.index("Sochi")
    folder = brat_pair(tmp_path / "export", article.text, f"T1\tGPE {start} {start + 5}\tSochi\n")
    target = repo_copy / layout.annotation_relpath(kind="hand", name="a1", article_id=article.id)
    before = target.read_bytes()
    refused = import_annotations("brat", [folder], root=repo_copy, annotator="a1")
    assert refused.refused and target.read_bytes() == before
    assert "pass --replace" in refused.problems[0].why
    dry = import_annotations("brat", [folder], root=repo_copy, annotator="a1", replace=True, dry_run=True)
    assert not dry.refused and dry.documents[0].status == "replaced" and target.read_bytes() == before
    import_annotations("brat", [folder], root=repo_copy, annotator="a1", replace=True)
    assert [e.text for e in corpus.read_annotation(target).entities] == ["Sochi"]


def test_importer_unknown_text_needs_ingest(repo_copy: Path, tmp_path: Path) -> None:
    folder = brat_pair(tmp_path / "export", "A text no article has.", "T1\tORG 0 1\tA\n")
    report = import_annotations("brat", [folder], root=repo_copy, annotator="a9")
    assert report.refused and "pass --ingest" in report.problems[0].why
    assert not layout.set_folder(repo_copy, kind="hand", name="a9").exists()


# --------------------------------------------------------------------------
# Label Studio counts UTF-16 units (older exports) or code points (newer): emoji before spans.


@pytest.mark.parametrize("export", ["ner_relations_utf16.json", "ner_relations_code_points.json"])
def test_importer_label_studio_emoji_offsets(tmp_path: Path, export: str) -> None:
    root = new_repo(tmp_path / "repo")
    report = import_annotations(
        "label-studio", [LABEL_STUDIO / export], root=root, annotator="ls", new_articles=NewArticles(source="wire", date=datetime.date(2024, 5, 3)),
        skip_unconvertible=True,
    )
    written = [d for d in report.documents if d.status == "written"]
    assert written and validate(None, root=root).ok
    records = [corpus.read_annotation(root / d.target) for d in written]
    astral = [r for r in records if any(ord(c) > 0xFFFF for c in corpus.read_article(layout.article_path(root, _article(root, r.article))).text)]
    assert astral and all(r.entities for r in astral)
    kinds = {d.target.split("/")[1] for d in written}
    assert kinds == {"hand", "model"}  # annotations and predictions


def _article(root: Path, article_id: str) -> schema.Article:
    return corpus.read_article(root / layout.article_relpath_of_id(article_id))


def test_importer_label_studio_both_offset_units_give_the_same_files(tmp_path: Path) -> None:
    trees = []
    for export in ("ner_relations_utf16.json", "ner_relations_code_points.json"):
        root = new_repo(tmp_path / export)
        import_annotations("label-studio", [LABEL_STUDIO / export], root=root, annotator="ls", new_articles=NewArticles(source="wire", date=datetime.date(2024, 5, 3)), skip_unconvertible=True)
        trees.append({name: data for name, data in repository_files(root).items() if not name.startswith("raw/")})
    assert trees[0] == trees[1] and any(name.startswith("annotations/hand/") for name in trees[0])


# --------------------------------------------------------------------------
# The pieces: quote kinds, maps, the text projection.


@pytest.mark.parametrize(
    ("text", "content", "kind"),
    [
        ('He said: "We will not go."', "We will not go.", "direct"),
        ('He said: "We will not go."', '"We will not go."', "direct"),
        ("“It is over,” she said.", "It is over,", "direct"),
        ("He said that the talks were “very useful” for both.", "the talks were “very useful” for both", "mixed"),
        ("He said that the talks were useful.", "the talks were useful", "indirect"),
        ("She called it “a lie” and left.", "it “a lie”", "mixed"),
    ],
)
def test_importer_quote_kind_from_quotation_marks(text: str, content: str, kind: str) -> None:
    start = text.index(content)
    assert quote_kind(text, start, start + len(content)) == kind


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([], "expected an object with one or more of the keys"),
        ({"people": {}}, "expected an object with one or more of the keys"),
        ({"entities": {"Person": "HUMAN"}}, "entities.Person: 'HUMAN' is not an entity label"),
        ({"entities": {}}, "entities: expected a non-empty object"),
        ({"quotes": {"content": "Content"}}, "quotes: the key 'relation' is required"),
        ({"quotes": {"relation": "A", "content": "C", "speeker": "S"}}, "quotes.speeker: unknown key"),
        ({"quotes": {"relation": "A", "content": "C", "cue": "C"}}, "two parts name the same role"),
        ({"quotes": {"relation": "A", "content": "C", "discontinuous_content": "merge"}}, "'merge' is not a way to treat"),
        ({"events": {"Attack": {"type": "Conflict:Fight"}}}, "events.Attack.type: 'Conflict:Fight' is not an event type"),
        ({"events": {"Attack": {"type": "Conflict:Attack", "roles": {"Who": "Buyer"}}}}, "events.Attack.roles.Who: 'Buyer' is not a role of Conflict:Attack"),
    ],
)
def test_importer_map_errors_name_the_file_and_key(tmp_path: Path, data, message: str) -> None:
    inventory = schema.Inventory.load(REPO)
    path = write_map(tmp_path, data)
    with pytest.raises(MapError) as caught:
        LabelMap.load(path, inventory)
    assert str(caught.value).startswith(f"{path}: ") and message in str(caught.value)


def test_importer_map_layers_are_the_files_layers() -> None:
    inventory = schema.Inventory.load(REPO)
    assert LabelMap.from_json(POLNEAR_MAP, inventory).layers == ["quotes"]
    assert LabelMap.default(inventory).layers == list(schema.LAYERS)


def test_importer_unknown_format_and_bad_annotator(repo_copy: Path) -> None:
    with pytest.raises(ImportRefused, match="unknown format 'webanno'"):
        import_annotations("webanno", [], root=repo_copy, annotator="a1")
    with pytest.raises(ImportRefused, match="a set name is letters"):
        import_annotations("brat", [], root=repo_copy, annotator="a b")


@settings(max_examples=200, deadline=None)
@given(pieces=st.lists(st.sampled_from(["a", "b", " ", "\n", "\r\n", "e\u0301", "\u00e9", "😀", "o\u0308\u0323", "Z"]), max_size=30), data=st.data())
def test_importer_projection_follows_offsets(pieces: list[str], data) -> None:
    text = "".join(pieces)
    normalised = normalise(text)
    assert normalised is not None and normalised.text == unicodedata.normalize("NFC", text.replace("\r\n", "\n"))
    # Offsets at piece boundaries move with their piece: the text between two of them normalises to the text between their images.
    bounds = [0]
    for piece in pieces:
        bounds.append(bounds[-1] + len(piece))
    i, j = sorted(data.draw(st.lists(st.sampled_from(bounds), min_size=2, max_size=2)))
    start, end = normalised.offsets[i], normalised.offsets[j]
    assert normalised.text[start:end] == unicodedata.normalize("NFC", text[i:j].replace("\r\n", "\n"))
    for body, located in candidates(text):
        assert normalised.text[located.start : located.start + located.length] == body


# --------------------------------------------------------------------------
# Every tool's real export goes through the same import: what converts comes in and validates.

EXTERNAL_IMPORTS = [
    ("brat", ["brat_tutorial_news"], {"entities": {"Person": "PERSON", "Organization": "ORG", "GPE": "GPE"}}),
    ("inception", ["uima_xmi_fixtures/xmi__cas_with_smileys.xmi", "uima_xmi_fixtures/typesystems__inception_typesystem.xml"], {"entities": {"OTH": "PRODUCT"}}),
    ("inception", ["webanno_tsv3_fixtures/test_input.tsv"], {"entities": {"PERaddressee": "PERSON", "PERauthor": "PERSON", "PLACEfrom": "GPE", "DATEletter": "DATE"}}),
    ("doccano", ["doccano_jsonl_fixtures/doccano_official_examples/export_sequence_labeling_example.jsonl", "doccano_jsonl_fixtures/labeling/labeling_text_label.jsonl"], {"entities": {"LOC": "GPE", "PER": "PERSON", "ORG": "ORG", "PERSON": "PERSON"}}),
    ("prodigy", ["prodigy_jsonl/ner_fashion_brands__fashion_brands_eval.jsonl"], {"entities": {"FASHION_BRAND": "ORG"}}),
]


@pytest.mark.parametrize(("fmt", "paths", "label_map"), EXTERNAL_IMPORTS, ids=[f"{f}-{p[0]}" for f, p, _ in EXTERNAL_IMPORTS])
def test_importer_real_exports_of_every_tool(tmp_path: Path, shared_dir: Path, fmt: str, paths: list[str], label_map: dict) -> None:
    root = new_repo(tmp_path / "repo")
    report = import_annotations(
        fmt, [shared_dir / "external" / p for p in paths], root=root, annotator="x1",
        map_path=write_map(tmp_path, label_map), new_articles=NewArticles(source="ext", date=datetime.date(2024, 1, 1)),
        skip_unconvertible=True,
    )
    written = [d for d in report.documents if d.status == "written"]
    assert sum(d.counts["entities"] for d in written) > 0
    assert all(problem.where and problem.why for problem in report.problems)
    assert validate(None, root=root).ok
    for document in written:
        record = corpus.read_annotation(root / document.target)
        assert record.layers == ["entities"] and len(record.entities) == document.counts["entities"]
