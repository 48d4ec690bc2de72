"""The repository itself validates clean, as the build requires."""

from __future__ import annotations

from conftest import REPO

from wirecorpus import cli
from wirecorpus.validate import render, validate


def test_validate_repository_is_clean(capsys) -> None:
    report = validate(None, root=REPO)
    assert report.errors == 0, render(report, format="text")
    assert report.files >= 3


def test_validate_cli_on_the_repository_exits_0(capsys) -> None:
    assert cli.main(["validate", "--root", str(REPO)]) == 0
    assert capsys.readouterr().out.splitlines()[-1].startswith("*** PASSED ***")
