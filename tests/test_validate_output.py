"""``--format github``: one GitHub Actions workflow command per finding, escaped as GitHub reads them."""

from __future__ import annotations

from pathlib import Path

import pytest

from wirecorpus import cli
from wirecorpus.validate import render, validate
from wirecorpus.validate.output import FORMATS, escape_data, escape_property, finding_line, github_line
from wirecorpus.validate.registry import Finding
from wirecorpus.validate.runner import ValidationReport

ANNOTATION_SET = Path("annotations") / "hand" / "a1"


@pytest.mark.parametrize(("value", "data", "prop"), [
    ("plain text", "plain text", "plain text"),
    ("50% of it", "50%25 of it", "50%25 of it"),
    ("line one\nline two", "line one%0Aline two", "line one%0Aline two"),
    ("windows\r\nend", "windows%0D%0Aend", "windows%0D%0Aend"),
    ("already %0A escaped", "already %250A escaped", "already %250A escaped"),
    ("place: message, more", "place: message, more", "place%3A message%2C more"),
    ("corpus/a,b:c.json", "corpus/a,b:c.json", "corpus/a%2Cb%3Ac.json"),
])
def test_validate_output_github_escaping(value: str, data: str, prop: str) -> None:
    assert (escape_data(value), escape_property(value)) == (data, prop)


@pytest.mark.parametrize(("finding", "line"), [
    (
        Finding("span-text-mismatch", "annotations/hand/a,1/x.json", "text[0:6] is 'MOSCOW'\nnot 100%", "entities[0] (T1)", 12),
        "::error file=annotations/hand/a%2C1/x.json,line=12,title=span-text-mismatch::entities[0] (T1): text[0:6] is 'MOSCOW'%0Anot 100%25",
    ),
    (
        Finding("id-prefix", "annotations/hand/a1/x.json", "an id does not start with E", None, None),
        "::warning file=annotations/hand/a1/x.json,title=id-prefix::an id does not start with E",
    ),
], ids=["error-with-line", "warning-without-line"])
def test_validate_output_github_line(finding: Finding, line: str) -> None:
    assert github_line(finding) == line


def test_validate_output_github_report_on_a_broken_file(valid_repo: Path) -> None:
    path = next((valid_repo / ANNOTATION_SET).glob("*.json"))
    path.write_text(path.read_text(encoding="utf-8").replace('"Dmitry Peskov"', '"Dmitry Peskow"'), encoding="utf-8")
    report = validate(None, root=valid_repo)
    (finding,) = report.findings
    command, summary = render(report, format="github").splitlines()
    relative = f"{ANNOTATION_SET.as_posix()}/{path.name}"
    assert finding_line(finding).startswith(f"{relative}:{finding.line}: error")
    assert command.startswith(f"::error file={relative},line={finding.line},title=span-text-mismatch::entities[4] (T5): ")
    assert summary == "*** FAILED *** with 1 error and 0 warnings in 3 files"


def test_validate_output_github_clean_report_is_the_summary_alone() -> None:
    assert render(ValidationReport(files=0), format="github") == "*** PASSED *** 0 files, 0 errors, 0 warnings\n"


@pytest.mark.parametrize("format", FORMATS)
def test_validate_output_every_format_is_a_cli_choice(format: str) -> None:
    assert cli.build_parser().parse_args(["validate", "--format", format]).format == format
