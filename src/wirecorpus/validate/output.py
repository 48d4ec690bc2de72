"""Findings as text for people and as JSON Lines for programs."""

from __future__ import annotations

import json

from .registry import Finding
from .runner import ValidationReport

FORMATS = ("text", "json")


def render(report: ValidationReport, *, format: str = "text") -> str:
    """The report as ``text`` (one line per finding, then a summary line) or ``json``.

    ``json`` is JSON Lines: one object per finding (id, level, severity, path,
    line, place, message), then one line ``{"summary": {...}}``.
    """
    if format == "text":
        return "".join(finding_line(f) + "\n" for f in report.findings) + summary_line(report) + "\n"
    if format == "json":
        lines = [json.dumps(f.as_dict(), ensure_ascii=False) for f in report.findings]
        lines.append(json.dumps({"summary": summary(report)}))
        return "\n".join(lines) + "\n"
    raise ValueError(f"unknown format {format!r}, expected one of {', '.join(FORMATS)}")


def finding_line(finding: Finding) -> str:
    """``path:line: severity [L3 id] place: message``."""
    where = f"{finding.path}:{finding.line}" if finding.line else finding.path
    place = f"{finding.place}: " if finding.place else ""
    return f"{where}: {finding.severity} [L{finding.level} {finding.id}] {place}{finding.message}"


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def summary(report: ValidationReport) -> dict[str, object]:
    return {"passed": report.ok, "files": report.files, "errors": report.errors, "warnings": report.warnings}


def summary_line(report: ValidationReport) -> str:
    counts = f"{_count(report.files, 'file')}, {_count(report.errors, 'error')}, {_count(report.warnings, 'warning')}"
    if report.ok:
        return f"*** PASSED *** {counts}"
    return f"*** FAILED *** with {_count(report.errors, 'error')} and {_count(report.warnings, 'warning')} in {_count(report.files, 'file')}"
