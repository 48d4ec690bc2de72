"""Findings as text for people, as JSON Lines for programs and as GitHub Actions annotations.

``github`` writes one workflow command per finding, which GitHub shows on the
line of the pull request's file: ``::error file=<path>,line=<n>,title=<id>::<message>``
(``::warning`` for a warning, no ``line=`` when the finding has none). GitHub
reads a command up to the end of its line and its properties up to the next
``,`` or ``::``, so the message escapes ``%``, CR and LF (``%25``, ``%0D``,
``%0A``) and a property value also ``:`` and ``,`` (``%3A``, ``%2C``), as in
GitHub's workflow-commands documentation and the Actions toolkit.
"""

from __future__ import annotations

import json

from .registry import Finding
from .runner import ValidationReport

FORMATS = ("text", "json", "github")


def render(report: ValidationReport, *, format: str = "text") -> str:
    """The report as ``text`` (one line per finding, then a summary line), ``json`` or ``github``.

    ``json`` is JSON Lines: one object per finding (id, level, severity, path,
    line, place, message), then one line ``{"summary": {...}}``. ``github`` is
    a workflow command per finding, then the summary line as plain text.
    """
    if format == "text":
        return "".join(finding_line(f) + "\n" for f in report.findings) + summary_line(report) + "\n"
    if format == "json":
        lines = [json.dumps(f.as_dict(), ensure_ascii=False) for f in report.findings]
        lines.append(json.dumps({"summary": summary(report)}))
        return "\n".join(lines) + "\n"
    if format == "github":
        return "".join(github_line(f) + "\n" for f in report.findings) + summary_line(report) + "\n"
    raise ValueError(f"unknown format {format!r}, expected one of {', '.join(FORMATS)}")


def finding_line(finding: Finding) -> str:
    """``path:line: severity [L3 id] place: message``."""
    where = f"{finding.path}:{finding.line}" if finding.line else finding.path
    return f"{where}: {finding.severity} [L{finding.level} {finding.id}] {_placed_message(finding)}"


def github_line(finding: Finding) -> str:
    """``::error file=<path>,line=<n>,title=<id>::<place>: <message>``, escaped for GitHub."""
    properties = {"file": finding.path, "line": finding.line, "title": finding.id}
    shown = ",".join(f"{name}={escape_property(str(value))}" for name, value in properties.items() if value is not None)
    return f"::{finding.severity} {shown}::{escape_data(_placed_message(finding))}"


def escape_data(value: str) -> str:
    """A workflow command's message: ``%`` first, so the escapes made next are not escaped again."""
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(value: str) -> str:
    """A workflow command's property value, which also ends at ``:`` and ``,``."""
    return escape_data(value).replace(":", "%3A").replace(",", "%2C")


def _placed_message(finding: Finding) -> str:
    return f"{finding.place}: {finding.message}" if finding.place else finding.message


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def summary(report: ValidationReport) -> dict[str, object]:
    return {"passed": report.ok, "files": report.files, "errors": report.errors, "warnings": report.warnings}


def summary_line(report: ValidationReport) -> str:
    counts = f"{_count(report.files, 'file')}, {_count(report.errors, 'error')}, {_count(report.warnings, 'warning')}"
    if report.ok:
        return f"*** PASSED *** {counts}"
    return f"*** FAILED *** with {_count(report.errors, 'error')} and {_count(report.warnings, 'warning')} in {_count(report.files, 'file')}"
