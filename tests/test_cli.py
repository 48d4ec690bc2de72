"""The command line: help, usage errors and user errors without tracebacks."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from wirecorpus import __version__, cli

SUBCOMMANDS = ("ingest", "import", "annotate", "validate", "build", "stats", "evaluate", "agree", "review", "adjudicate", "export", "release", "publish")


def test_cli_help_lists_every_subcommand(capsys):
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["--help"])
    out = capsys.readouterr().out
    assert exit_info.value.code == 0
    assert sorted(re.findall(r"^    (\S+)", out, flags=re.M)) == sorted(SUBCOMMANDS)


@pytest.mark.parametrize("name", SUBCOMMANDS)
def test_cli_subcommand_help(name, capsys):
    with pytest.raises(SystemExit) as exit_info:
        cli.main([name, "--help"])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out.startswith(f"usage: wirecorpus {name}")


@pytest.mark.parametrize(
    "argv",
    [[], ["frobnicate"], ["validate", "--format", "xml"], ["evaluate", "--gold", "hand/a1"], ["annotate", "--n-process", "two"]],
)
def test_cli_usage_errors_exit_2(argv, capsys):
    with pytest.raises(SystemExit) as exit_info:
        cli.main(argv)
    assert exit_info.value.code == 2
    assert "usage: wirecorpus" in capsys.readouterr().err


def test_cli_version(capsys):
    with pytest.raises(SystemExit):
        cli.main(["--version"])
    assert capsys.readouterr().out.strip() == f"wirecorpus {__version__}"


def test_cli_outside_a_repository_is_a_clear_error(tmp_path, capsys):
    assert cli.main(["validate", "--root", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("wirecorpus: error: ") and "not inside a wirecorpus repository" in err
    assert "Traceback" not in err


def test_cli_console_script_runs_as_a_module(tmp_path):
    result = subprocess.run([sys.executable, "-m", "wirecorpus", "stats", "--root", str(tmp_path)], capture_output=True, text=True)
    assert result.returncode == 1
    assert "not inside a wirecorpus repository" in result.stderr and "Traceback" not in result.stderr
