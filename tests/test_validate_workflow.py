"""The pull-request workflow .github/workflows/validate.yml: its steps, and a command the CLI accepts."""

from __future__ import annotations

import shlex

import pytest
import yaml
from conftest import REPO

from wirecorpus import cli

WORKFLOW = REPO / ".github" / "workflows" / "validate.yml"


@pytest.fixture(scope="module")
def steps() -> list[dict]:
    workflow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    # YAML 1.1, which PyYAML reads, takes the bare key `on` for the boolean true.
    assert "pull_request" in workflow[True]
    (job,) = workflow["jobs"].values()
    return job["steps"]


def step_using(steps: list[dict], action: str) -> dict:
    (step,) = [s for s in steps if s.get("uses", "").startswith(f"{action}@")]
    return step


def test_validate_workflow_checks_out_the_whole_history(steps: list[dict]) -> None:
    assert step_using(steps, "actions/checkout")["with"]["fetch-depth"] == 0


def test_validate_workflow_sets_up_python_3_11_and_installs_the_package(steps: list[dict]) -> None:
    assert step_using(steps, "actions/setup-python")["with"]["python-version"] == "3.11"
    runs = [s["run"] for s in steps if "run" in s]
    assert runs[0] == "pip install -e ."


def test_validate_workflow_command_is_one_the_cli_accepts(steps: list[dict]) -> None:
    command = steps[-1]["run"].replace("${{ github.base_ref }}", "main")
    program, *argv = shlex.split(command)
    args = cli.build_parser().parse_args(argv)
    assert program == "wirecorpus"
    assert (args.command, args.changed_since, args.format, args.paths) == ("validate", "origin/main", "github", [])

