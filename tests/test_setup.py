"""Set-up: running drills installs only what running needs; the test suite installs the rest."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

from conftest import ROOT

TEST_ONLY = ("pulseaudio", "pulseaudio-utils", "libasound2-plugins", "chromium")


def packages(*args: str) -> set[str]:
    r = subprocess.run(["bash", "scripts/system-deps.sh", *args, "--list"], cwd=ROOT, capture_output=True, text=True, check=True)
    return set(r.stdout.split())


def dry_run(target: str) -> str:
    if not shutil.which("make"):
        pytest.skip("needs make")
    return subprocess.run(["make", "-n", "-B", target], cwd=ROOT, capture_output=True, text=True, check=True).stdout


def test_running_needs_no_test_packages() -> None:
    assert packages() == {"espeak-ng", "libportaudio2"}
    assert packages("--test") == {"espeak-ng", "libportaudio2", *TEST_ONLY}


@pytest.mark.parametrize("target", ["drill", "install"])
def test_make_drill_and_install_set_up_for_running_only(target: str) -> None:
    commands = dry_run(target)
    assert "system-deps.sh\n" in commands and "--test" not in commands, commands
    assert "-e '.[plot]'" in commands and "test" not in commands.replace("installed", ""), commands


def test_make_test_installs_what_the_suite_needs() -> None:
    commands = dry_run("test")
    assert "system-deps.sh --test" in commands and "-e '.[test,plot]'" in commands, commands
    ci = (ROOT / ".ci" / "run").read_text()
    assert "make test" in ci  # CI installs everything itself, through the same target


def test_plot_without_matplotlib_names_the_command_for_this_python(monkeypatch: pytest.MonkeyPatch) -> None:
    from voicepractice import trend

    monkeypatch.setitem(sys.modules, "matplotlib", None)  # as on a machine without the plot extra
    with pytest.raises(Exception, match="matplotlib") as exc:
        trend.plot(trend.Trend.__new__(trend.Trend), ROOT / "unused.png")  # type: ignore[arg-type]
    assert f"{sys.executable} -m pip install" in str(exc.value)
