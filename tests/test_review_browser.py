"""The review page in a real headless browser (Debian's chromium driven by Playwright), all local.

The page must load without a single network request, seek the answer when a word
is clicked, light up the word being played, show the findings with their coaching
lines, and be readable at phone width (the screenshot is kept in test-artifacts/).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import ROOT, cli, copy_store

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARTIFACTS = ROOT / "test-artifacts"
PHONE = {"width": 390, "height": 844}

pytestmark = [
    pytest.mark.skipif(
        CHROMIUM is None, reason="chromium is not installed (apt-get install chromium)"
    ),
]



@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory, drilled_store: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Two real drills of the same scenario (so the later one has a previous attempt), and their pages.

    The drills are conftest's ``drilled_store`` (run once for the whole run), in this module's own copy."""
    drilled = copy_store(drilled_store, tmp_path_factory.mktemp("vphome") / "home")
    home = drilled["home"]
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("VOICEPRACTICE_HOME", str(home))
        ids = [drilled[name]["session"] for name in ("strong", "no_next")]
        code, out, err = cli("review", ids[1])
        assert code == 0, err
        page = Path(out.strip())
        from voicepractice.store import Store

        session = Store().get(ids[1])
    yield {"home": home, "ids": ids, "page": page, "session": session}


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    sync_api = pytest.importorskip(
        "playwright.sync_api", reason="playwright is not installed (pip install playwright)"
    )
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",  # chromium refuses to run as root with its sandbox
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--disable-gpu",
                "--autoplay-policy=no-user-gesture-required",
            ],
        )
        yield b
        b.close()


def open_page(browser: Any, page_path: Path, viewport: dict[str, int], requests: list[str]) -> Any:
    context = browser.new_context(
        viewport=viewport, is_mobile=viewport["width"] < 600, has_touch=viewport["width"] < 600
    )
    page = context.new_page()
    page.on("request", lambda r: requests.append(r.url))
    # Playback itself is chromium's business; stub play() so seeking is observed without the clock moving on.
    page.add_init_script(
        "HTMLMediaElement.prototype.play = function(){ return Promise.resolve(); };"
    )
    page.goto(page_path.resolve().as_uri(), wait_until="load")
    wait_for(
        page, "Array.from(document.querySelectorAll('audio.answer')).every(a => a.readyState >= 1)"
    )
    return page


def wait_for(page: Any, expression: str, timeout_s: float = 10.0) -> None:
    """Poll ``expression`` until it is true. (page.wait_for_function evaluates strings with
    eval, which the page's Content Security Policy rightly forbids.)"""
    import time

    deadline = time.monotonic() + timeout_s
    while not page.evaluate(expression):
        if time.monotonic() > deadline:
            raise AssertionError(f"still false after {timeout_s} s: {expression}")
        page.wait_for_timeout(50)


def answer_turn(session: Any) -> int:
    """Index of the (only) answered turn in a one-recording drill."""
    return next(i for i, t in enumerate(session.turns) if t.transcript and t.transcript.words)


def test_page_is_self_contained_and_private(pages: dict[str, Any]) -> None:
    html = pages["page"].read_text(encoding="utf-8")
    assert pages["page"] == pages["session"].folder / "review.html"
    assert pages["page"].stat().st_mode & 0o777 == 0o600
    assert 'name="viewport"' in html
    assert "http://" not in html and "https://" not in html  # no CDN, no fonts, no links out
    assert "data:audio/wav;base64," in html


def test_review_page_in_a_real_browser(browser: Any, pages: dict[str, Any]) -> None:
    session = pages["session"]
    turn = answer_turn(session)
    audio_id = f"answer-{turn + 1}"
    requests: list[str] = []
    page = open_page(browser, pages["page"], {"width": 1200, "height": 900}, requests)

    # Click a word late in the answer: the answer's current time moves to that word.
    words = session.turns[turn].transcript.words
    target = len(words) - 3
    span = page.locator(f".transcript[data-turn='{turn}'] .w[data-i='{target}']")
    assert span.inner_text() == words[target].text
    span.click()
    current = page.evaluate(f"document.getElementById('{audio_id}').currentTime")
    assert current == pytest.approx(words[target].start, abs=0.05)
    assert "now" in (span.get_attribute("class") or "")

    # As the audio moves on, the highlight follows the word being spoken.
    other = 5
    page.evaluate(
        f"(() => {{ const a = document.getElementById('{audio_id}'); a.currentTime = {words[other].start + 0.01}; }})()"
    )
    wait_for(
        page,
        f"document.querySelector(\".transcript[data-turn='{turn}'] .w[data-i='{other}']\").classList.contains('now')",
    )
    assert page.locator(".transcript .w.now").count() == 1

    # Findings: marked in colour in the text, listed with their coaching lines.
    assert page.locator(".transcript .w.hit").count() > 0
    missing = page.locator("#findings .finding.missing[data-element='next_steps']")
    assert missing.is_visible()
    coaching = session.report.finding("next_steps").coaching
    assert coaching and missing.locator(".coaching").inner_text() == coaching
    assert page.locator("#delivery-figures").is_visible()
    # The previous attempt of the same scenario, side by side.
    compare = page.locator("#compare")
    assert pages["ids"][0] in compare.inner_text()
    assert compare.locator("tr.worse").count() == 1  # next steps: found before, missing now

    page.context.close()
    bad = [u for u in requests if not u.startswith(("data:", "file:", "blob:"))]
    assert not bad, f"the page made network requests: {bad}"
    assert any(u.startswith("file:") for u in requests)  # the recorder did see the page load


def test_phone_width_screenshot(browser: Any, pages: dict[str, Any]) -> None:
    requests: list[str] = []
    page = open_page(browser, pages["page"], PHONE, requests)
    # Nothing is wider than the phone: no sideways scrolling.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    font = page.evaluate(
        "parseFloat(getComputedStyle(document.querySelector('.transcript')).fontSize)"
    )
    assert font >= 16
    assert page.locator("#findings .coaching").first.is_visible()
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "review-phone.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000
    page.context.close()
    assert not [u for u in requests if not u.startswith(("data:", "file:", "blob:"))]


def test_voice_contours_under_the_transcript(browser: Any, pages: dict[str, Any]) -> None:
    """Pitch and loudness drawn under the answer, aligned with its words; tapping the plot seeks."""
    session = pages["session"]
    turn = answer_turn(session)
    audio_id = f"answer-{turn + 1}"
    requests: list[str] = []
    page = open_page(browser, pages["page"], {"width": 1200, "height": 900}, requests)
    plot = page.locator(f"#turn-{turn + 1} .voice-plot svg[data-audio='{audio_id}']")
    assert plot.count() == 1 and plot.is_visible()
    assert page.locator(f"#turn-{turn + 1} .voice-plot .pitch").count() > 0
    assert page.locator(f"#turn-{turn + 1} .voice-plot .level").count() == 1
    # each word's label sits at its start time (90 px per second)
    words = session.turns[turn].transcript.words
    xs = page.evaluate(f"Array.from(document.querySelectorAll('#turn-{turn + 1} .voice-plot text')).map(t => +t.getAttribute('x'))")
    assert xs == pytest.approx([round(w.start * 90, 1) for w in words], abs=0.11)
    box = plot.bounding_box()
    page.mouse.click(box["x"] + 2 * 90, box["y"] + 20)  # two seconds in
    current = page.evaluate(f"document.getElementById('{audio_id}').currentTime")
    assert current == pytest.approx(2.0, abs=0.05)
    assert page.locator("#voice-figures tr").count() >= 8
    assert all(u.startswith(("file:", "data:")) for u in requests), requests
