"""The command line in this process, as a curator would run it: exit code and what it printed."""

from __future__ import annotations

import pytest

from toolkit.cli import main


def run_cli(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """Run ``nastavnik ARGS``; return the exit code, standard output and standard error of this run only."""
    capsys.readouterr()
    with pytest.raises(SystemExit) as exc:
        main(args)
        raise SystemExit(0)
    out = capsys.readouterr()
    return (exc.value.code if isinstance(exc.value.code, int) else 0), out.out, out.err


def run_cli_joined(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    """Like :func:`run_cli`, the two streams as one text (what a person sees in the window)."""
    code, out, err = run_cli(args, capsys)
    return code, out + err
