"""Small things a new user meets first: messages and exit codes of check, devices, export."""

from __future__ import annotations

import pytest


def test_check_with_nothing_says_what_to_give(vp) -> None:
    r = vp("check")
    assert r.code == 2
    assert "nothing to check" in r.err and "not both" not in r.err


@pytest.mark.parametrize("text", ["", "   ", "\n\t", "...", "\0\0"])
def test_check_with_empty_text_is_a_usage_error_not_a_report(vp, text: str) -> None:
    r = vp("check", "--text", text)
    assert r.code == 2
    assert [line for line in r.err.splitlines() if line.startswith("Error:")] == [
        'Error: --text has no words in it: type the close you want checked, e.g. --text "Thank you for your time..."'
    ]
    assert "0/4" not in r.out and r.out == ""


def test_check_with_both_still_says_not_both(vp, tmp_path) -> None:
    r = vp("check", str(tmp_path / "x.wav"), "--text", "thanks")
    assert r.code == 2 and "not both" in r.err
