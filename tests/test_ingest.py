"""Ingest: raw files -> canonical article records in corpus/."""

from __future__ import annotations

import datetime
import hashlib
import json
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import REPO, SEED, SEED_ID
from wirecorpus import cli, corpus, layout, schema, splits, storage
from wirecorpus.errors import IngestError, RepositoryError
from wirecorpus.ingest import Ingested, ingest, ingest_batches, ingest_text, normalize_text, parse_dateline, parse_raw
from wirecorpus.validate import validate

SEED_RECORD = REPO / "corpus" / "tass" / "2020" / f"{SEED_ID}.json"


def write_raw(root: Path, name: str, data: bytes | str) -> Path:
    path = root / "raw" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def test_ingest_seed_reproduces_committed_record(empty_repo):
    (empty_repo / "seeds").mkdir()
    raw = empty_repo / "seeds" / SEED.name
    raw.write_bytes(SEED.read_bytes())
    report = ingest([raw], root=empty_repo)
    assert report.added == [SEED_ID] and report.ok
    written = empty_repo / "corpus" / "tass" / "2020" / f"{SEED_ID}.json"
    assert written.read_bytes() == SEED_RECORD.read_bytes()


def test_ingest_seed_record_fields():
    record = corpus.read_json(SEED_RECORD)
    assert record["date"] == "2020-09-20"
    assert record["dateline"] == {"place": "MOSCOW", "agency": "TASS"}
    assert record["text"].startswith("MOSCOW, September 20. /TASS/. The Kremlin")
    assert record["text"].endswith("held on Monday.")
    assert record["text_sha256"] == layout.text_sha256(record["text"])
    assert record["origin"] == f"seeds/{SEED.name}"
    assert (record["source"], record["lang"]) == ("tass", "en")
    assert SEED_ID in splits.read_splits(REPO)["test"]


@pytest.mark.parametrize(
    "raw, date, text",
    [
        ("date 2020-09-20 MOSCOW, Sept. 1 (TASS) - Body.", "2020-09-20", "MOSCOW, Sept. 1 (TASS) - Body."),
        ("date 2021-01-02\nBody on the next line.\n", "2021-01-02", "Body on the next line."),
        ("\n\t  date 2021-01-02\n\nBody after blank lines.  ", "2021-01-02", "Body after blank lines."),
        ("date 2021-01-02\r\nOne.\r\n\r\nTwo.\r\n", "2021-01-02", "One.\n\nTwo."),
        ("\ufeffdate 2021-01-02\nWith a byte-order mark.", "2021-01-02", "With a byte-order mark."),
        ("date 2021-01-02\nCafe\u0301 in NFD.", "2021-01-02", "Caf\u00e9 in NFD."),
        ("date 2021-01-02\nKeeps  inner   spacing\n\n\n and lines.", "2021-01-02", "Keeps  inner   spacing\n\n\n and lines."),
    ],
)
def test_ingest_parse_raw_header_and_text_rule(raw, date, text):
    parsed = parse_raw(raw.encode("utf-8"), name="x.txt")
    assert parsed.date == datetime.date.fromisoformat(date)
    assert parsed.text == text


@pytest.mark.parametrize(
    "data, problem",
    [
        (b"MOSCOW, Sept 1. Body without a header.", "no date header"),
        (b"date 2020-13-01\nBody.", "expected a real date"),
        (b"date 20200920\nBody.", "expected a real date"),
        (b"date 2020-02-30 Body.", "expected a real date"),
        (b"date 2020-09-20\n \n\t\n", "body after the date header is empty"),
        (b"date 2020-09-20\nBad \xff\xfe bytes.", "not valid UTF-8 (byte 21"),
        (b"date 2020-09-20\nBody\x00\x01\x02.", "binary content"),
        (b"", "no date header"),
    ],
)
def test_ingest_parse_raw_refuses_bad_files(data, problem):
    with pytest.raises(IngestError, match="^x.txt: .*" + problem.replace("(", r"\(")):
        parse_raw(data, name="x.txt")


@pytest.mark.parametrize(
    "text, place, agency",
    [
        ("MOSCOW, September 20. /TASS/. The Kremlin is sure.", "MOSCOW", "TASS"),
        ("SALVADOR, Feb 26 - Brazil's state oil company said.", "SALVADOR", None),
        ("SEOUL, Nov. 30 (Xinhua) -- South Korea's exports rose.", "SEOUL", "Xinhua"),
        ("WASHINGTON (AP) — The Senate voted on Tuesday.", "WASHINGTON", "AP"),
        ("NEW YORK, Sept 3 (Reuters) - Stocks fell.", "NEW YORK", "Reuters"),
        ("ST. PETERSBURG, June 5. /TASS/. Talks began.", "ST. PETERSBURG", "TASS"),
        ("The Kremlin is sure that cooperation helps.", None, None),
        ("NATO - a word, not a dateline.", None, None),
        ("In brief: MOSCOW, Sept 1 (TASS) - not at the start.", None, None),
    ],
)
def test_ingest_parse_dateline(text, place, agency):
    assert parse_dateline(text) == schema.Dateline(place=place, agency=agency)


def test_ingest_refused_files_do_not_stop_the_others(empty_repo):
    good = write_raw(empty_repo, "good.txt", "date 2021-03-04\nSEOUL, Mar. 4 (Xinhua) -- Exports rose.")
    bad = write_raw(empty_repo, "bad.txt", "no header here")
    missing = empty_repo / "raw" / "missing.txt"
    report = ingest([bad, good, missing], root=empty_repo)
    assert len(report.added) == 1 and report.added[0].startswith("xinhua-20210304-")
    assert [name for name, _ in report.refused] == [str(bad), str(missing)]
    assert "cannot read" in report.refused[1][1]
    assert not report.ok
    assert layout.article_files(empty_repo) == [empty_repo / "corpus" / "xinhua" / "2021" / f"{report.added[0]}.json"]


def test_ingest_again_is_a_no_op(empty_repo):
    raw = write_raw(empty_repo, "a.txt", "date 2021-03-04\nSEOUL, Mar. 4 (Xinhua) -- Exports rose.")
    first = ingest([raw], root=empty_repo)
    record = layout.article_files(empty_repo)[0]
    before = (record.read_bytes(), record.stat().st_mtime_ns, (empty_repo / layout.SPLITS_PATH).read_bytes())
    second = ingest([raw], root=empty_repo)
    assert second.added == [] and second.unchanged == [str(raw)] and second.ok
    assert (record.read_bytes(), record.stat().st_mtime_ns, (empty_repo / layout.SPLITS_PATH).read_bytes()) == before
    assert first.added


def test_ingest_never_overwrites_a_different_text_under_the_same_id(empty_repo):
    raw = write_raw(empty_repo, "a.txt", "date 2021-03-04\nSEOUL, Mar. 4 (Xinhua) -- Exports rose.")
    parsed = parse_raw(raw.read_bytes(), name="a.txt")
    article_id = layout.article_id(source="xinhua", date="2021-03-04", sha256=layout.text_sha256(parsed.text))
    target = empty_repo / "corpus" / "xinhua" / "2021" / f"{article_id}.json"
    target.parent.mkdir(parents=True)
    target.write_text('{"text": "another text"}\n', encoding="utf-8")
    report = ingest([raw], root=empty_repo)
    assert report.added == [] and "already holds a different text" in report.refused[0][1]
    assert target.read_text(encoding="utf-8") == '{"text": "another text"}\n'


def test_ingest_refuses_the_same_text_under_another_source(empty_repo):
    raw = write_raw(empty_repo, "a.txt", "date 2021-03-04\nSEOUL, Mar. 4 (Xinhua) -- Exports rose.")
    assert ingest([raw], root=empty_repo).ok
    report = ingest([raw], root=empty_repo, source="yonhap")
    assert "already in the corpus as xinhua-20210304-" in report.refused[0][1]
    assert len(layout.article_files(empty_repo)) == 1


@pytest.mark.parametrize(
    "body, source, problem",
    [
        ("The Kremlin said nothing.", None, "cannot tell the source"),
        ("The Kremlin said nothing.", "Bad Source", "must be lower-case"),
    ],
)
def test_ingest_refuses_an_unknown_or_malformed_source(empty_repo, body, source, problem):
    raw = write_raw(empty_repo, "a.txt", f"date 2021-03-04\n{body}")
    report = ingest([raw], root=empty_repo, source=source)
    assert problem in report.refused[0][1] and not layout.article_files(empty_repo)


def raw_files(root: Path) -> list[Path]:
    return sorted(p for p in (root / layout.RAW_DIR).rglob("*") if p.is_file()) if (root / layout.RAW_DIR).exists() else []


def test_ingest_keeps_a_raw_copy_of_a_file_from_outside(empty_repo, tmp_path_factory):
    data = b"date 2021-03-04\r\nSEOUL, Mar. 4 (Xinhua) -- Exports rose.\r\n"
    outside = tmp_path_factory.mktemp("elsewhere") / "a.TXT"
    outside.write_bytes(data)
    report = ingest([outside], root=empty_repo)
    assert report.ok and len(report.added) == 1
    (article,) = corpus.iter_articles(empty_repo)
    expected = f"raw/xinhua/{hashlib.sha256(data).hexdigest()[:16]}.txt"
    assert article.origin == expected and raw_files(empty_repo) == [empty_repo / expected]
    assert (empty_repo / expected).read_bytes() == data
    assert parse_raw((empty_repo / article.origin).read_bytes(), name=article.origin).text == article.text
    assert validate(None, root=empty_repo).ok


def test_ingest_again_from_outside_is_a_no_op_and_keeps_one_raw_copy(empty_repo, tmp_path_factory):
    data = b"date 2021-03-04\nSEOUL, Mar. 4 (Xinhua) -- Exports rose."
    first, second = (tmp_path_factory.mktemp(name) / "a.txt" for name in ("one", "two"))
    for path in (first, second):
        path.write_bytes(data)
    added = ingest([first], root=empty_repo).added
    kept = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in raw_files(empty_repo) + layout.article_files(empty_repo)}
    again = ingest([first, second], root=empty_repo)
    assert again.added == [] and again.unchanged == [str(first), str(second)] and again.ok
    assert {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in raw_files(empty_repo) + layout.article_files(empty_repo)} == kept
    assert len(raw_files(empty_repo)) == 1 and len(added) == 1


def test_ingest_inside_the_repository_keeps_the_file_as_origin(empty_repo):
    raw = write_raw(empty_repo, "a.txt", "date 2021-03-04\nSEOUL, Mar. 4 (Xinhua) -- Exports rose.")
    assert ingest([raw], root=empty_repo).ok
    assert [a.origin for a in corpus.iter_articles(empty_repo)] == ["raw/a.txt"]
    assert raw_files(empty_repo) == [raw]


def test_ingest_refuses_to_overwrite_a_raw_copy_with_other_bytes(empty_repo, tmp_path_factory):
    data = b"date 2021-03-04\nSEOUL, Mar. 4 (Xinhua) -- Exports rose."
    outside = tmp_path_factory.mktemp("elsewhere") / "a.txt"
    outside.write_bytes(data)
    kept = empty_repo / layout.raw_relpath(source="xinhua", data=data, suffix=".txt")
    kept.parent.mkdir(parents=True)
    kept.write_bytes(b"edited by hand")
    report = ingest([outside], root=empty_repo)
    assert "holds other bytes than its name says" in report.refused[0][1]
    assert kept.read_bytes() == b"edited by hand" and not layout.article_files(empty_repo)


def test_ingest_text_with_the_date_from_the_caller(empty_repo):
    data = "WASHINGTON (AP) — The Senate voted on Tuesday.\n".encode("utf-8")
    first = ingest_text(data, name="doc-7.txt", root=empty_repo, date=datetime.date(2022, 5, 3))
    article = first.article
    assert first.added and (article.date, article.source, article.text) == (datetime.date(2022, 5, 3), "ap", data.decode().strip())
    assert (empty_repo / article.origin).read_bytes() == data and article.origin.startswith("raw/ap/")
    assert corpus.read_article(layout.article_path(empty_repo, article)) == article
    assert splits.assignment(empty_repo) == {article.id: splits.split_for(article.id)}
    again = ingest_text(data, name="other-name.txt", root=empty_repo, date=datetime.date(2022, 5, 3))
    assert again == Ingested(article, added=False)
    with pytest.raises(IngestError, match="^doc-8.txt: the same text is already in the corpus as ap-20220503-"):
        ingest_text(data, name="doc-8.txt", root=empty_repo, date=datetime.date(2022, 5, 4))
    with pytest.raises(IngestError, match="^doc-9.txt: the article body is empty"):
        ingest_text(b" \n", name="doc-9.txt", root=empty_repo, source="ap", date=datetime.date(2022, 5, 4))


def test_ingest_text_under_a_lock_the_caller_holds(empty_repo):
    """An importer may hold the repository lock while it ingests a text and writes what belongs to it."""
    with storage.repository_lock(empty_repo, timeout=5):
        ingested = ingest_text(b"date 2022-05-03\nSome text.", name="d.txt", root=empty_repo, source="ap")
        assert ingested.added and layout.article_path(empty_repo, ingested.article).is_file()


def test_ingest_gives_articles_without_a_split_their_split(empty_repo, capsys):
    raws = [write_raw(empty_repo, f"{n}.txt", f"date 2021-03-0{n}\nSEOUL, Mar. {n} (Xinhua) -- Exports rose by {n}.") for n in range(1, 6)]
    added = ingest(raws[:4], root=empty_repo).added
    lost = added[:2]
    (empty_repo / layout.SPLITS_PATH).write_text(splits.render_splits({name: [a for a in added[2:] if splits.split_for(a) == name] for name in splits.SPLITS}), encoding="utf-8")
    assert {f.id for f in validate(None, root=empty_repo).findings} == {"split-missing"}
    assert all("wirecorpus ingest" in f.message for f in validate(None, root=empty_repo).findings)
    assert cli.main(["ingest", "--root", str(empty_repo)]) == 0
    out = capsys.readouterr().out
    assert [line.split(":")[0] for line in out.splitlines()[:-1]] == [f"split {a}" for a in sorted(lost)]
    assert out.splitlines()[-1] == "ingest: 0 added, 0 unchanged, 0 refused, 2 given a missing split"
    assert splits.assignment(empty_repo) == {a: splits.split_for(a) for a in added}
    assert validate(None, root=empty_repo).ok
    # Any run repairs, beside what it adds.
    (empty_repo / layout.SPLITS_PATH).unlink()
    report = ingest(raws[4:], root=empty_repo)
    assert report.repaired == {a: splits.split_for(a) for a in added} and len(report.added) == 1
    assert validate(None, root=empty_repo).ok


@pytest.mark.parametrize("content", [b"{not json", b"null", b'{"train": "all", "test": []}'])
def test_ingest_stops_before_writing_when_splits_cannot_be_read(empty_repo, content):
    (empty_repo / layout.SPLITS_PATH).write_bytes(content)
    raw = write_raw(empty_repo, "a.txt", "date 2021-03-04\nSEOUL, Mar. 4 (Xinhua) -- Exports rose.")
    with pytest.raises(RepositoryError, match="^corpus/splits.json: not a readable splits file"):
        ingest([raw], root=empty_repo)
    assert not layout.article_files(empty_repo) and (empty_repo / layout.SPLITS_PATH).read_bytes() == content


def test_ingest_keeps_existing_split_assignments(empty_repo):
    raw = write_raw(empty_repo, "a.txt", "date 2021-03-04\nSEOUL, Mar. 4 (Xinhua) -- Exports rose.")
    parsed = parse_raw(raw.read_bytes(), name="a.txt")
    article_id = layout.article_id(source="xinhua", date="2021-03-04", sha256=layout.text_sha256(parsed.text))
    other = "train" if splits.split_for(article_id) == "test" else "test"
    (empty_repo / layout.SPLITS_PATH).write_text(json.dumps({"train": [], "test": [], other: [article_id]}), encoding="utf-8")
    assert ingest([raw], root=empty_repo).added == [article_id]
    assert splits.assignment(empty_repo) == {article_id: other}


def test_ingest_splits_are_about_a_fifth_test():
    ids = [f"tass-2020{m:02d}{d:02d}-{n:08x}" for m in range(1, 13) for d in range(1, 29) for n in range(3)]
    share = sum(splits.split_for(i) == "test" for i in ids) / len(ids)
    assert 0.16 < share < 0.24


def test_ingest_brat_news_texts(empty_repo, shared_dir):
    """Real news-style texts written by another project go in with the text rule applied."""
    texts = sorted((shared_dir / "external" / "brat_tutorial_news").glob("*.txt"))
    texts = [t for t in texts if t.name != "SOURCE.txt"]
    raws = [write_raw(empty_repo, t.name, "date 2011-05-0" + str(i % 9 + 1) + "\n" + t.read_text(encoding="utf-8")) for i, t in enumerate(texts)]
    report = ingest(raws, root=empty_repo, source="brat")
    assert report.ok and len(report.added) == len(texts)
    articles = {a.id: a for a in corpus.iter_articles(empty_repo)}
    for text_file, article_id in zip(texts, report.added):
        assert articles[article_id].text == normalize_text(text_file.read_text(encoding="utf-8"))


def test_ingest_cli_exit_status_and_messages(empty_repo, capsys):
    good = write_raw(empty_repo, "good.txt", "date 2021-03-04\nSEOUL, Mar. 4 (Xinhua) -- Exports rose.")
    bad = write_raw(empty_repo, "bad.txt", b"date 2021-03-04\n\xff")
    assert cli.main(["ingest", "--root", str(empty_repo), str(good)]) == 0
    assert cli.main(["ingest", "--root", str(empty_repo), str(good), str(bad)]) == 1
    out, err = capsys.readouterr()
    assert f"unchanged {good}" in out and "0 added, 1 unchanged, 1 refused" in out
    assert f"refused {bad}: not valid UTF-8" in err



def test_ingest_cli_takes_folders_in_path_order_without_hidden_files(empty_repo, capsys):
    stories = {
        "b/2.txt": "date 2021-03-06\nSEOUL, Mar. 6 (Xinhua) -- Third.",
        "a.txt": "date 2021-03-04\nSEOUL, Mar. 4 (Xinhua) -- First.",
        "b/1/x.txt": "date 2021-03-05\nSEOUL, Mar. 5 (Xinhua) -- Second.",
        "b/.draft.txt": "date 2021-03-07\nSEOUL, Mar. 7 (Xinhua) -- A hidden draft.",
        ".git/notes.txt": "date 2021-03-08\nSEOUL, Mar. 8 (Xinhua) -- In a hidden folder.",
    }
    for name, text in stories.items():
        write_raw(empty_repo, f"incoming/{name}", text)
    single = write_raw(empty_repo, "single.txt", "date 2021-03-09\nSEOUL, Mar. 9 (Xinhua) -- Named alone.")
    assert cli.main(["ingest", "--root", str(empty_repo), str(empty_repo / "raw" / "incoming"), str(single)]) == 0
    added = [line.split()[1] for line in capsys.readouterr().out.splitlines() if line.startswith("added ")]
    origins = [corpus.read_json(empty_repo / layout.article_relpath_of_id(article))["origin"] for article in added]
    assert origins == ["raw/incoming/a.txt", "raw/incoming/b/1/x.txt", "raw/incoming/b/2.txt", "raw/single.txt"]



def test_ingest_batches_store_each_batch_with_its_splits_before_reading_the_next(empty_repo, tmp_path_factory):
    outside = tmp_path_factory.mktemp("outside")
    stories = [write_raw(outside, f"{n}.txt", f"date 2021-03-0{n + 1}\nSEOUL, Mar. {n + 1} (Xinhua) -- Story {n}.") for n in range(5)]
    batches = ingest_batches([outside], root=empty_repo, batch_size=2)
    first = next(batches)
    assert len(first.added) == 2 and sorted(splits.assignment(empty_repo)) == sorted(first.added)
    assert len(layout.article_files(empty_repo)) == 2 and len(list((empty_repo / "raw").rglob("*.txt"))) == 2
    stories[4].write_text("date 2021-03-09\nSEOUL, Mar. 1 (Xinhua) -- Story 0.", encoding="utf-8")  # story 0's text again, read in the last batch
    rest = list(batches)
    assert [len(report.added) for report in rest] == [2, 0]
    assert "the same text is already in the corpus as " + first.added[0] in rest[1].refused[0][1]
    assert validate(None, root=empty_repo).ok


def test_ingest_batch_takes_the_same_file_twice_once(empty_repo, tmp_path_factory):
    story = write_raw(tmp_path_factory.mktemp("outside"), "a.txt", "date 2021-03-04\nSEOUL, Mar. 4 (Xinhua) -- Exports rose.")
    report = ingest([story, story], root=empty_repo)
    assert len(report.added) == 1 and report.unchanged == [str(story)] and report.ok
    assert len(list((empty_repo / "raw").rglob("*.txt"))) == 1


_BODY = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\ufeff") | st.sampled_from("\n\r\t "),
    min_size=1,
    max_size=200,
).filter(lambda s: s.strip())


@settings(max_examples=200, deadline=None)
@given(body=_BODY, same_line=st.booleans())
def test_ingest_parse_raw_text_rule_holds_for_any_body(body, same_line):
    raw = "date 2022-02-22" + (" " if same_line else "\n") + body
    text = parse_raw(raw.encode("utf-8"), name="x").text
    expected = unicodedata.normalize("NFC", body.replace("\r\n", "\n")).strip()
    assert text == expected
    # The record's text, written again under a header, reads back unchanged.
    assert parse_raw(("date 2022-02-22\n" + text).encode("utf-8"), name="x").text == text


def test_ingest_lists_the_corpus_again_when_another_command_wrote_between_batches(empty_repo):
    """A run keeps its listing of the corpus from batch to batch, but not past another command's writes."""
    raws = [write_raw(empty_repo, f"{n}.txt", f"date 2021-03-0{n}\nSEOUL, Mar. {n} (Xinhua) -- Exports rose by {n}.") for n in range(1, 4)]
    batches = ingest_batches(raws[:2], root=empty_repo, batch_size=1)
    first = next(batches)
    other = ingest(raws[2:], root=empty_repo).added  # another command, between two batches of the run
    (empty_repo / layout.SPLITS_PATH).write_text(splits.render_splits({name: [a for a in first.added if splits.split_for(a) == name] for name in splits.SPLITS}))  # and lost its split
    second = next(batches)
    assert second.repaired == {other[0]: splits.split_for(other[0])} and len(second.added) == 1
    assert validate(None, root=empty_repo).ok


def test_ingest_reads_the_splits_again_when_changed_by_hand_between_batches(empty_repo):
    """A run keeps the recorded splits from batch to batch, but not past an edit: a split moved by hand stays moved."""
    raws = [write_raw(empty_repo, f"{n}.txt", f"date 2021-03-0{n}\nSEOUL, Mar. {n} (Xinhua) -- Exports rose by {n}.") for n in range(1, 3)]
    batches = ingest_batches(raws, root=empty_repo, batch_size=1)
    moved = next(batches).added[0]
    other = "train" if splits.split_for(moved) == "test" else "test"
    (empty_repo / layout.SPLITS_PATH).write_text(json.dumps({"train": [], "test": [], other: [moved]}), encoding="utf-8")
    second = next(batches).added[0]
    assert splits.assignment(empty_repo) == {moved: other, second: splits.split_for(second)}
