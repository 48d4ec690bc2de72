"""``wirecorpus validate``: exit status 0 clean, 1 errors, 2 usage; text and JSON Lines output."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from wirecorpus import cli

ANNOTATION_SET = Path("annotations") / "hand" / "a1"


def run(capsys, *argv: str) -> tuple[int, str]:
    code = cli.main(["validate", *argv])
    return code, capsys.readouterr().out


def break_span(root: Path) -> Path:
    path = next((root / ANNOTATION_SET).glob("*.json"))
    path.write_text(path.read_text(encoding="utf-8").replace('"Dmitry Peskov"', '"Dmitry Peskow"'), encoding="utf-8")
    return path


def test_validate_cli_clean_exits_0(valid_repo: Path, capsys) -> None:
    code, out = run(capsys, "--root", str(valid_repo))
    assert (code, out) == (0, "*** PASSED *** 3 files, 0 errors, 0 warnings\n")


def test_validate_cli_errors_exit_1(valid_repo: Path, capsys) -> None:
    path = break_span(valid_repo)
    code, out = run(capsys, "--root", str(valid_repo), str(valid_repo / ANNOTATION_SET))
    assert code == 1
    first, summary = out.splitlines()
    assert first.startswith(f"{ANNOTATION_SET.as_posix()}/{path.name}:")
    assert "error [L3 span-text-mismatch] entities[4] (T5): text[48:61] is 'Dmitry Peskov', the file says 'Dmitry Peskow'" in first
    assert summary == "*** FAILED *** with 1 error and 0 warnings in 1 file"


def test_validate_cli_warnings_exit_0(valid_repo: Path, capsys) -> None:
    path = next((valid_repo / ANNOTATION_SET).glob("*.json"))
    path.write_text(path.read_text(encoding="utf-8").replace('"E1"', '"X1"'), encoding="utf-8")
    code, out = run(capsys, "--root", str(valid_repo))
    assert code == 0
    assert out.endswith("*** PASSED *** 3 files, 0 errors, 1 warning\n")


def test_validate_cli_json_lines(valid_repo: Path, capsys) -> None:
    break_span(valid_repo)
    code, out = run(capsys, "--root", str(valid_repo), "--format", "json")
    finding, summary = (json.loads(line) for line in out.splitlines())
    assert code == 1
    assert finding["id"] == "span-text-mismatch" and finding["level"] == "L3" and finding["severity"] == "error"
    assert finding["line"] > 1 and finding["place"] == "entities[4] (T5)" and not Path(finding["path"]).is_absolute()
    assert summary == {"summary": {"passed": False, "files": 3, "errors": 1, "warnings": 0}}


@pytest.mark.parametrize("argv", [["--format", "xml"], ["--frobnicate"]])
def test_validate_cli_usage_exits_2(valid_repo: Path, argv: list[str], capsys) -> None:
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["validate", "--root", str(valid_repo), *argv])
    assert exit_info.value.code == 2


def test_validate_cli_missing_schema_is_a_one_line_error(tmp_path: Path, capsys) -> None:
    (tmp_path / "annotations").mkdir()
    (tmp_path / "annotations" / "schema.json").write_text("{}", encoding="utf-8")
    assert cli.main(["validate", "--root", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("wirecorpus: error: annotations/schema.json: not a valid schema file") and "Traceback" not in err
