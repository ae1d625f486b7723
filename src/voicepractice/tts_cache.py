"""Rendered interviewer lines, kept in the user's cache directory so the next drill starts at once.

A line is stored under a hash of what decides its sound: the text, the voice,
the rate, the line (phone or clean) and the renderer's version. Only the
interviewer's lines go here; never anything the person said (their answers
live in the session store, nowhere else). The folder is private (0700), the
files 0600, and the oldest files are dropped beyond ``MAX_FILES``.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from .audio import write_wav
from .phoneline import Line, phone
from .speak import VoiceOptions, check_voice, synthesize

log = logging.getLogger(__name__)

VERSION = "2"
"""Bump when the rendering changes, so old files are not played again."""
MAX_FILES = 600
"""About 30 MB of 16 kHz lines: far more than every phrasing of every scenario."""


def cache_dir() -> Path:
    """``VOICEPRACTICE_CACHE`` (or the platform's user cache folder) / ``interviewer-lines``."""
    from platformdirs import user_cache_dir

    root = Path(os.environ.get("VOICEPRACTICE_CACHE") or user_cache_dir("voicepractice", appauthor=False))
    return root / "interviewer-lines"


def key(text: str, voice: str, rate: int, line: Line) -> str:
    """The file name a rendered line is kept under."""
    raw = "\x1f".join((VERSION, text, voice, str(rate), line))
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:32] + ".wav"


@dataclass(frozen=True)
class LineRender:
    """What rendering one line did."""

    path: Path
    voice: str
    """The voice that spoke it."""
    cached: bool
    """Played from the cache: no synthesis at all."""
    fallback: str | None = None
    """Why the natural voice did not speak (it was asked for and could not load)."""


def render_line(text: str, dest: Path, options: VoiceOptions, line: Line) -> LineRender:
    """Put ``text`` as heard on ``line`` into the WAV ``dest``: from the cache, else rendered and cached.

    Raises SpeechError when no voice can speak. A cache that cannot be written only costs speed.
    """
    voice = check_voice(options.voice)
    folder = cache_dir()
    hit = folder / key(text, voice, options.rate, line)
    if hit.is_file():
        try:
            shutil.copyfile(hit, dest)
            os.chmod(dest, 0o600)
            os.utime(hit)  # recently used: kept longest
            return LineRender(dest, voice, cached=True)
        except OSError as exc:
            log.info("cache file %s unusable (%s): rendering again", hit, exc)
    rendered = synthesize(text, options)
    audio, rate = (rendered.audio, rendered.rate) if line == "clean" else phone(rendered.audio, rendered.rate)
    write_wav(dest, audio, rate)
    if rendered.fallback is None:  # a fallback voice is not what this key promises
        _keep(dest, hit)
    return LineRender(dest, rendered.voice, cached=False, fallback=rendered.fallback)


def is_cached(text: str, options: VoiceOptions, line: Line) -> bool:
    return (cache_dir() / key(text, check_voice(options.voice), options.rate, line)).is_file()


def warm(text: str, options: VoiceOptions, line: Line) -> None:
    """Render ``text`` into the cache now unless it is there (for lines a drill may say later)."""
    import tempfile

    if is_cached(text, options, line):
        return
    with tempfile.TemporaryDirectory(prefix="voicepractice-line-") as tmp:
        render_line(text, Path(tmp) / "line.wav", options, line)


def _keep(rendered: Path, target: Path) -> None:
    try:
        target.parent.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        target.parent.mkdir(mode=0o700, exist_ok=True)
        tmp = target.with_name(f".{target.name}.tmp{os.getpid()}")
        shutil.copyfile(rendered, tmp)
        os.chmod(tmp, 0o600)
        os.replace(tmp, target)
        _trim(target.parent)
    except OSError as exc:
        log.info("could not cache %s (%s)", target.name, exc)


def _trim(folder: Path) -> None:
    files = sorted(folder.glob("*.wav"), key=lambda p: p.stat().st_mtime)
    for old in files[: max(0, len(files) - MAX_FILES)]:
        old.unlink(missing_ok=True)
