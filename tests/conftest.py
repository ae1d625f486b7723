"""Shared fixtures: every test gets its own data directory; nothing touches the real home."""

from __future__ import annotations

import io
import json
import os
import shutil
import tomllib
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "audio_fixtures"
CORPUS = ROOT.parent / "shared" / "speech_corpus"


def shell_signals() -> None:
    """A child's signals as in a person's shell (a ``preexec_fn``): a suite started in the background
    (`pytest &`, nohup) hands its children SIGINT or SIGHUP ignored, and they never reach the drill."""
    import signal

    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, signal.SIG_DFL)


def terminal_trend(limit: int = 50, every: bool = True) -> str:
    """The trend ``history`` shows under its table on a terminal (piped, stdout is the table alone)."""
    from voicepractice.cli_sessions import _trend_text
    from voicepractice.store import Store
    from voicepractice.trend import trend

    return _trend_text(trend(Store().list(limit=limit)), every).plain


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


@pytest.fixture(scope="session")
def encoder_graph(tmp_path_factory: pytest.TempPathFactory) -> Path | None:
    """The checker's encoder graph as the first check rewrites it (a child process importing onnx,
    about a second of CPU), made once for the whole run instead of once per test that checks."""
    cache = tmp_path_factory.mktemp("model-cache")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("VOICEPRACTICE_CACHE", str(cache))
        try:
            from voicepractice.coach.encoder import model_files, rewritten_model

            graph = rewritten_model(model_files()[0])
        except Exception:  # the checker's model is missing: the tests that need it say so
            return None
    return graph if graph.parent == cache / "models" else None


@pytest.fixture(scope="session")
def shared_cache(tmp_path_factory: pytest.TempPathFactory, encoder_graph: Path | None) -> Path:
    """One cache for the module-scoped drills of modules that test what happens after a drill
    (follow-ups, the session commands): an interviewer line rendered by one is read by the next."""
    cache = tmp_path_factory.mktemp("drill-cache")
    cache.chmod(0o700)
    if encoder_graph is not None:
        (cache / "models").mkdir(mode=0o700)
        os.link(encoder_graph, cache / "models" / encoder_graph.name)
    return cache


# Three real drills, oldest first: a strong close, one missing next steps (same scenario), and a two-answer drill.
# The strong close is said to Dana at Acme with a strength, as test_followup's drafts need.
NAMES = ("--company", "Acme", "--role", "data engineer", "--interviewer", "Dana")
STORE_DRILLS = {
    "strong": ("--answer", str(FIXTURES / "strong_close.flac"), *NAMES, "--strength", "data pipelines"),
    "no_next": ("--answer", str(FIXTURES / "missing_next_steps.flac")),
    "two_turns": ("--answer", str(FIXTURES / "turn1_question.flac"), "--answer", str(FIXTURES / "turn2_close.flac")),
}


@pytest.fixture(scope="session")
def drilled_store(tmp_path_factory: pytest.TempPathFactory, shared_cache: Path) -> dict[str, Any]:
    """A store written by the real drills of ``STORE_DRILLS`` (the real model on the audio fixtures),
    made once for the run: the modules that look back at sessions (the session commands, the review
    page, the follow-ups) each work on their own copy (``copy_store``), never on this one. ``runs``
    keeps each drill's exit code, stdout and stderr for the tests of a drill's own output (the strong
    close's, in test_cli and test_drill_polish)."""
    home = tmp_path_factory.mktemp("drilled-store")
    out: dict[str, Any] = {"home": home, "runs": {}}
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("VOICEPRACTICE_HOME", str(home))
        mp.setenv("VOICEPRACTICE_CACHE", str(shared_cache))
        for var in ("VOICEPRACTICE_MODEL", "VOICEPRACTICE_INPUT", "VOICEPRACTICE_OUTPUT"):
            mp.delenv(var, raising=False)
        for name, args in STORE_DRILLS.items():
            # One seed: the drills hear the same close line, rendered once (the shared cache).
            code, stdout, err = cli("drill", "--fast", "--no-cue", "--json", "--seed", "1", *args)
            assert code == 0, err
            out["runs"][name] = Run(code, stdout, err)
            out[name] = json.loads(stdout)
    return out


def copy_store(drilled: dict[str, Any], home: Path) -> dict[str, Any]:
    """``drilled`` with its store copied to ``home`` (modes kept), the drills' folders pointing into the copy."""
    shutil.copytree(drilled["home"], home)
    out: dict[str, Any] = {"home": home}
    for name in STORE_DRILLS:
        d = dict(drilled[name])
        d["folder"] = str(home / "sessions" / d["session"])
        out[name] = d
    return out


@pytest.fixture(autouse=True)
def private_home(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest, encoder_graph: Path | None
) -> Path:
    home = tmp_path / "vphome"
    cache = tmp_path / "cache"
    monkeypatch.setenv("VOICEPRACTICE_HOME", str(home))
    monkeypatch.setenv("VOICEPRACTICE_CACHE", str(cache))
    for var in ("VOICEPRACTICE_MODEL", "VOICEPRACTICE_INPUT", "VOICEPRACTICE_OUTPUT", "VOICEPRACTICE_DEBUG"):
        monkeypatch.delenv(var, raising=False)
    if encoder_graph is not None and request.node.get_closest_marker("cold_cache") is None:
        # The rewritten graph is derived from the installed model alone: every test starts with
        # it in its own (otherwise empty) cache, as every drill after a person's first one does.
        (cache / "models").mkdir(mode=0o700, parents=True)
        cache.chmod(0o700)
        os.link(encoder_graph, cache / "models" / encoder_graph.name)
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
