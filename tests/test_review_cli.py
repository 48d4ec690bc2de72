"""``wirecorpus review``: pages written, usage errors, user errors."""

from __future__ import annotations

import pytest
from conftest import SEED_ID
from review_cases import HAND, MODEL

from wirecorpus import cli
from wirecorpus.review import review_page


def test_review_cli_writes_a_page(repo_copy, tmp_path, capsys) -> None:
    out = tmp_path / "seed.html"
    assert cli.main(["review", SEED_ID, "--root", str(repo_copy), "--sets", HAND, MODEL, "--out", str(out)]) == 0
    assert capsys.readouterr().out == f"wrote {out}\n"
    assert out.read_text(encoding="utf-8") == review_page(root=repo_copy, article_id=SEED_ID, sets=[HAND, MODEL])


def test_review_cli_all_writes_a_folder(repo_copy, tmp_path, capsys) -> None:
    out = tmp_path / "pages"
    assert cli.main(["review", "--all", "--root", str(repo_copy), "--out", str(out)]) == 0
    assert capsys.readouterr().out.splitlines() == [f"wrote {out / SEED_ID}.html", f"wrote {out / 'index.html'}"]


@pytest.mark.parametrize("argv", [["--out", "x.html"], [SEED_ID, "--all", "--out", "x"], [SEED_ID]])
def test_review_cli_usage_errors_exit_2(repo_copy, argv, capsys) -> None:
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["review", "--root", str(repo_copy), *argv])
    assert exit_info.value.code == 2 and "usage: wirecorpus review" in capsys.readouterr().err


def test_review_cli_user_error_is_one_line(repo_copy, tmp_path, capsys) -> None:
    assert cli.main(["review", SEED_ID, "--root", str(repo_copy), "--sets", "hand/zz", "--out", str(tmp_path / "x.html")]) == 1
    assert capsys.readouterr().err == (
        f"wirecorpus: error: annotation set 'hand/zz' does not exist; known sets: {HAND}, {MODEL}\n"
    )
    assert not (tmp_path / "x.html").exists()
