"""Shared fixtures: every test gets its own data directory; nothing touches the real home."""

from __future__ import annotations

import io
import tomllib
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "audio_fixtures"
CORPUS = ROOT.parent / "shared" / "speech_corpus"


def cli(*args: str) -> tuple[int, str, str]:
    """Run the command line in-process (module-scoped fixtures cannot use capsys): exit code, stdout, stderr."""
    from voicepractice.cli import main

    out, err = io.StringIO(), io.StringIO()
    code = 0
    with redirect_stdout(out), redirect_stderr(err):
        try:
            main(list(args))
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture(autouse=True)
def private_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "vphome"
    monkeypatch.setenv("VOICEPRACTICE_HOME", str(home))
    monkeypatch.setenv("VOICEPRACTICE_CACHE", str(tmp_path / "cache"))
    for var in ("VOICEPRACTICE_MODEL", "VOICEPRACTICE_INPUT", "VOICEPRACTICE_OUTPUT", "VOICEPRACTICE_DEBUG"):
        monkeypatch.delenv(var, raising=False)
    return home


@pytest.fixture(scope="session")
def fixture_manifest() -> dict[str, dict]:
    with open(FIXTURES / "fixtures.toml", "rb") as f:
        data = tomllib.load(f)
    return data


@dataclass
class Run:
    code: int
    out: str
    err: str


@pytest.fixture
def vp(capsys: pytest.CaptureFixture[str]):
    """Run the command line in-process, through the same error boundary users get."""
    from voicepractice.cli import main

    def run(*args: str) -> Run:
        capsys.readouterr()
        try:
            main(list(args))
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        captured = capsys.readouterr()
        return Run(code, captured.out, captured.err)

    return run
