"""The registry of checks: declared ids, the ids checks really emit, and the generated table."""

from __future__ import annotations

import inspect
import re

from conftest import REPO

import wirecorpus.validate as validate_package
from wirecorpus.validate import REGISTRY
from wirecorpus.validate.registry import LEVELS, SEVERITIES, with_table

ID_LITERAL = re.compile(r'\.add\(\s*"([a-z0-9-]+)"')


def registered_checks():
    modules = [m for name, m in inspect.getmembers(validate_package, inspect.ismodule)]
    return {f for m in modules for _, f in inspect.getmembers(m, inspect.isfunction) if hasattr(f, "emits")}


def test_validate_registry_ids_are_kebab_case_with_level_and_severity() -> None:
    assert len(REGISTRY) >= 30
    for kind in REGISTRY.values():
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)+|[a-z0-9]+", kind.id)
        assert kind.level in LEVELS and kind.severity in SEVERITIES and kind.summary


def test_validate_each_check_emits_exactly_what_its_docstring_declares() -> None:
    checks = registered_checks()
    assert {i for f in checks for i in f.emits} == set(REGISTRY)
    for func in checks:
        emitted = set(ID_LITERAL.findall(inspect.getsource(func)))
        helpers = [getattr(inspect.getmodule(func), name) for name in re.findall(r"\b(_[a-z_]+)\(", inspect.getsource(func))]
        for helper in helpers:
            if inspect.isfunction(helper) and not hasattr(helper, "emits"):
                emitted |= set(ID_LITERAL.findall(inspect.getsource(helper)))
        assert emitted == func.emits, func.__qualname__


def test_validate_contributing_table_is_current() -> None:
    document = (REPO / "CONTRIBUTING.md").read_text(encoding="utf-8")
    assert with_table(document) == document, "CONTRIBUTING.md is stale: run python -m wirecorpus.validate"
