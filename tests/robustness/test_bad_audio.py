"""Bad recordings thrown at `check` and `drill --answer`: a one-line `Error:` that says
what to do, or a correct report; never a traceback; the store stays consistent."""

from __future__ import annotations

import io
import json
import os
import re
import sys
import time
from pathlib import Path

import hostile
import numpy as np
import pytest

from conftest import FIXTURES

STRONG = FIXTURES / "strong_close.flac"


def _strong(tmp: Path) -> np.ndarray:
    return hostile.read(STRONG)


# name -> (make(tmp) -> path, words the Error line must hold)
def _empty(tmp: Path) -> Path:
    (tmp / "empty.wav").write_bytes(b"")
    return tmp / "empty.wav"


def _truncated_header(tmp: Path) -> Path:
    data = hostile.write(tmp / "whole.wav", _strong(tmp)).read_bytes()
    (tmp / "truncated.wav").write_bytes(data[:30])
    return tmp / "truncated.wav"


def _random_bytes(tmp: Path) -> Path:
    (tmp / "random.wav").write_bytes(np.random.default_rng(7).bytes(64_000))
    return tmp / "random.wav"


def _random_riff(tmp: Path) -> Path:
    # A valid-looking RIFF/WAVE header followed by garbage.
    head = hostile.write(tmp / "whole.wav", _strong(tmp)).read_bytes()[:44]
    (tmp / "riff.wav").write_bytes(head[:4] + (10**9).to_bytes(4, "little") + head[8:] + b"\xff" * 3)
    return tmp / "riff.wav"


def _text_file(tmp: Path) -> Path:
    (tmp / "notes.wav").write_text("Thank you for your time, I'd love to hear about next steps.\n")
    return tmp / "notes.wav"


def _image(tmp: Path) -> Path:
    # PyAV finds no audio stream in it (an IndexError inside faster-whisper's decoder).
    (tmp / "photo.wav").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(2000))
    return tmp / "photo.wav"


def _directory(tmp: Path) -> Path:
    (tmp / "answer.wav").mkdir()
    return tmp / "answer.wav"


def _zero_length(tmp: Path) -> Path:
    return hostile.write(tmp / "zero.wav", np.zeros(0, np.float32))


def _missing(tmp: Path) -> Path:
    return tmp / "nowhere.wav"


def _device(tmp: Path) -> Path:
    return Path("/dev/null")  # read it as a file and it is empty; /dev/zero never ends


def _pipe(tmp: Path, data: bytes) -> Path:
    """A named pipe that a writer fills with ``data`` and closes, as `cat x | ...` would."""
    import threading

    fifo = tmp / "pipe.wav"
    os.mkfifo(fifo)

    def feed() -> None:
        with fifo.open("wb") as f:  # blocks until the reader opens it
            f.write(data)

    threading.Thread(target=feed, daemon=True).start()
    return fifo


def _empty_pipe(tmp: Path) -> Path:
    return _pipe(tmp, b"")


ERRORS = {
    "empty file": (_empty, ["empty", "record the answer again"]),
    "truncated header": (_truncated_header, ["not a readable audio file", "looks like a WAV file but is damaged or cut short", "use wav"]),
    "random bytes": (_random_bytes, ["not a readable audio file", "not audio, or it is damaged", "use wav"]),
    "text file named .wav": (_text_file, ["not a readable audio file", "a text file, not a recording", "use wav"]),
    "image named .wav": (_image, ["not a readable audio file", "an image (PNG), not a recording", "use wav"]),
    "directory named .wav": (_directory, ["is a directory"]),
    "zero-length audio": (_zero_length, ["no audio samples", "record the answer again"]),
    "missing file": (_missing, ["no such file"]),
    "a device": (_device, ["is a device, not an audio file"]),
    "an empty pipe": (_empty_pipe, ["nothing came through", "pipe a recording in"]),
}


def test_a_recording_through_a_pipe_is_checked(tmp_path: Path, vp) -> None:
    """`cat close.flac | voicepractice check /dev/stdin`, or `check <(sox ...)`: read whole, then decoded."""
    r = vp("check", str(_pipe(tmp_path, STRONG.read_bytes())), "--json")
    assert r.code == 0, r.err
    assert json.loads(r.out)["report"]["score"] == 4


@pytest.mark.parametrize("case", sorted(ERRORS))
def test_check_rejects_bad_file(case: str, tmp_path: Path, vp, private_home: Path) -> None:
    make, words = ERRORS[case]
    r = vp("check", str(make(tmp_path)))
    assert r.code == 1, r
    hostile.assert_one_error_line(r.err, *words)
    assert "Errno" not in r.err and "processing input" not in r.err and "index out of range" not in r.err
    assert r.out == ""
    hostile.assert_store_consistent(private_home)


@pytest.mark.parametrize("case", sorted(ERRORS))
def test_drill_rejects_bad_answer_before_starting(case: str, tmp_path: Path, vp, private_home: Path) -> None:
    make, words = ERRORS[case]
    r = vp("drill", "--answer", str(make(tmp_path)), "--fast", "--json")
    assert r.code == 1, r
    hostile.assert_one_error_line(r.err, *words)
    assert hostile.sessions_in(private_home) == []
    hostile.assert_store_consistent(private_home)


def test_truncated_recording_reports_what_is_there(tmp_path: Path, vp) -> None:
    data = hostile.write(tmp_path / "whole.wav", _strong(tmp_path)).read_bytes()
    cut = tmp_path / "cut.wav"
    cut.write_bytes(data[: len(data) // 3])  # header says 22 s, a third of it is there
    r = vp("check", str(cut), "--json")
    assert r.code == 0, r.err
    report = json.loads(r.out)["report"]
    assert report["elements"]["thanks"]["found"]
    assert not report["elements"]["next_steps"]["found"]  # said in the part that is gone


def test_phone_audio_8k_ulaw(tmp_path: Path, vp) -> None:
    from voicepractice.audio import resample

    phone = hostile.write(tmp_path / "phone.wav", resample(_strong(tmp_path), 16_000, 8_000), 8_000, "ULAW")
    r = vp("check", str(phone), "--json")
    assert r.code == 0, r.err
    assert json.loads(r.out)["report"]["score"] == 4


def test_96k_stereo(tmp_path: Path, vp) -> None:
    from voicepractice.audio import resample

    mono = resample(_strong(tmp_path), 16_000, 96_000)
    stereo = np.stack([mono, 0.5 * mono], axis=1)
    path = hostile.write(tmp_path / "studio.wav", stereo, 96_000, "PCM_24")
    r = vp("check", str(path), "--json")
    assert r.code == 0, r.err
    assert json.loads(r.out)["report"]["score"] == 4


def test_clipping(tmp_path: Path, vp) -> None:
    hot = hostile.write(tmp_path / "hot.wav", _strong(tmp_path) * 12.0)  # driven far past full scale
    r = vp("check", str(hot), "--json")
    assert r.code == 0, r.err
    assert json.loads(r.out)["report"]["score"] >= 3


def test_silence(tmp_path: Path, vp) -> None:
    r = vp("check", str(hostile.write(tmp_path / "silence.wav", np.zeros(16_000 * 3, np.float32))))
    assert r.code == 1
    hostile.assert_one_error_line(r.err, "silent", "microphone")


def test_noise_gives_an_empty_report(tmp_path: Path, vp) -> None:
    r = vp("check", str(hostile.write(tmp_path / "noise.wav", hostile.noise_clip(0, 4.0))), "--json")
    assert r.code == 0, r.err
    assert json.loads(r.out)["report"]["score"] == 0


def test_non_english_answer_is_named_not_credited(tmp_path: Path, vp) -> None:
    r = vp("check", str(hostile.foreign_speech(tmp_path, "de-thanks")))
    assert r.code == 1, r
    hostile.assert_one_error_line(r.err, "doesn't sound like English", "record your answer in English")


def _float_wav(path: Path, audio: np.ndarray) -> Path:
    """A 32-bit float WAV written as is: NaN and infinity included (``hostile.write`` clips)."""
    import soundfile as sf

    sf.write(str(path), audio, hostile.SR, subtype="FLOAT")
    return path


def test_a_few_nan_samples_are_silenced_and_scored(tmp_path: Path, vp, caplog: pytest.LogCaptureFixture) -> None:
    """A float WAV with a NaN every 100th sample: FFmpeg turned each into a full-scale click and the
    answer scored 0/4, "no English words"; now they are silence and the answer is heard."""
    audio = _strong(tmp_path)
    audio[::100] = np.nan
    r = vp("check", str(_float_wav(tmp_path / "glitch.wav", audio)), "--json")
    assert r.code == 0, r.err
    assert json.loads(r.out)["report"]["score"] == 4
    assert "replaced by silence" in caplog.text


@pytest.mark.parametrize("value, share", [(np.nan, "100 %"), (np.inf, "100 %"), (-np.inf, "10 %")])
def test_mostly_non_numbers_is_damaged(value: float, share: str, tmp_path: Path, vp) -> None:
    """All NaN, all infinity, or one sample in ten: a damaged file, said so, not a 0/4 card."""
    audio = hostile.read(STRONG)[: 16_000 * 2]
    if share == "100 %":
        audio[:] = value
    else:
        audio[::10] = value
    r = vp("check", str(_float_wav(tmp_path / "broken.wav", audio)))
    assert r.code == 1, r
    hostile.assert_one_error_line(r.err, "is damaged", f"{share} of its samples are not numbers")
    assert r.out == ""


def test_phase_inverted_stereo_is_heard(tmp_path: Path, vp) -> None:
    """One channel wired inverted: the mono mix cancels to digital zero ("is silent ... muted?")."""
    mono = _strong(tmp_path)
    path = hostile.write(tmp_path / "inverted.wav", np.stack([mono, -mono], axis=1))
    r = vp("check", str(path), "--json")
    assert r.code == 0, r.err
    assert json.loads(r.out)["report"]["score"] == 4


def test_stereo_that_does_not_cancel_is_mixed_as_before(tmp_path: Path) -> None:
    from voicepractice.audio import load_audio

    mono = _strong(tmp_path)[: 16_000 * 2]
    step = 1 / 32768  # the WAV's 16-bit rounding
    for right, mix in ((0.5 * mono, 0.75 * mono), (0 * mono, 0.5 * mono), (-0.2 * mono, 0.4 * mono)):
        stereo = hostile.write(tmp_path / "stereo.wav", np.stack([mono, right], axis=1))
        assert np.abs(load_audio(stereo) - mix).max() <= 2 * step


def test_recording_longer_than_an_answer_is_refused_before_decoding(tmp_path: Path, vp) -> None:
    """A whole call (16 minutes here) is refused from its header, at once, saying how to trim it."""
    long = hostile.write(tmp_path / "call.flac", np.zeros(8_000 * 16 * 60, np.float32), 8_000)
    t0 = time.monotonic()
    r = vp("check", str(long))
    assert r.code == 1, r
    hostile.assert_one_error_line(r.err, "is 16 min long", "15 min", "trim it")
    assert time.monotonic() - t0 < 3


def test_a_sample_rate_no_speech_has_is_an_error(tmp_path: Path, vp) -> None:
    """A header saying 1 Hz: 16,000 samples were resampled into 4.4 hours; here 16 samples."""
    path = hostile.write(tmp_path / "one_hz.wav", _strong(tmp_path)[8_000:8_016], 1)
    r = vp("check", str(path))
    assert r.code == 1, r
    hostile.assert_one_error_line(r.err, "sample rate is 1 Hz", "too low for speech")


class _Stdin(io.TextIOWrapper):
    """Standard input holding ``data``, a terminal or not."""

    def __init__(self, data: bytes, tty: bool = False) -> None:
        super().__init__(io.BytesIO(data))
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty


def test_check_dash_reads_standard_input(monkeypatch: pytest.MonkeyPatch, vp) -> None:
    monkeypatch.setattr(sys, "stdin", _Stdin(STRONG.read_bytes()))
    r = vp("check", "-", "--json")
    assert r.code == 0, r.err
    out = json.loads(r.out)
    assert out["source"] == "-" and out["report"]["score"] == 4
    assert "standard input" in vp("check", "--help").out


def test_check_dash_on_a_terminal_is_a_usage_error(monkeypatch: pytest.MonkeyPatch, vp) -> None:
    """Nothing piped in: a usage line at once, not a wait for bytes that never come."""
    monkeypatch.setattr(sys, "stdin", _Stdin(b"", tty=True))
    r = vp("check", "-")
    assert r.code == 2, r
    hostile.assert_one_error_line(r.err, "standard input", "pipe one in")


def test_check_dash_with_nothing_piped_in(monkeypatch: pytest.MonkeyPatch, vp) -> None:
    monkeypatch.setattr(sys, "stdin", _Stdin(b""))
    r = vp("check", "-")
    assert r.code == 1, r
    hostile.assert_one_error_line(r.err, "nothing came through standard input")


def _run_cli_as(uid: int | None, args: list[str]) -> tuple[int, str]:
    """Run the real command line in a forked child, as ``uid`` (None: as we are); (exit code, stderr).

    The child is forked from this process, which has already imported the package, so it
    never needs to reach the clone: the suite passes in a clone only its owner can enter
    (a 0700 `mktemp -d`), where `nobody` could not even import voicepractice.
    """
    import importlib
    import pkgutil

    import voicepractice
    import voicepractice.cli

    # Every module of the package (and what they import at the top), loaded before the fork:
    # the child may not be able to read a single file of the clone or of Python itself.
    for mod in pkgutil.walk_packages(voicepractice.__path__, "voicepractice."):
        if not mod.name.endswith("__main__"):  # that one runs the command line
            importlib.import_module(mod.name)

    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: drop to uid, run the CLI, report through the pipe
        code = 70
        try:
            os.close(read_fd)
            sys.stdout = sys.stderr = open(write_fd, "w", encoding="utf-8", closefd=True)  # noqa: SIM115
            if uid is not None:
                os.setgroups([])
                os.setresgid(uid, uid, uid)
                os.setresuid(uid, uid, uid)
            try:
                voicepractice.cli.main(args)
                code = 0
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else 1
            except BaseException:  # only with --debug: show it to the parent
                import traceback

                traceback.print_exc()
            sys.stderr.flush()
        finally:
            os._exit(code)
    os.close(write_fd)
    with open(read_fd, encoding="utf-8") as f:
        err = f.read()
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status), err


def test_unreadable_file_as_an_ordinary_user(monkeypatch: pytest.MonkeyPatch) -> None:
    """A 0000 recording: root reads anything, so as root the CLI runs as `nobody`."""
    import tempfile

    # Outside the clone and outside pytest's 0700 temp folder, so the only thing in the
    # way is the file's own mode, not a folder above it.
    folder = Path(tempfile.mkdtemp(prefix="vp-unreadable-"))
    try:
        folder.chmod(0o755)
        secret = hostile.write(folder / "private.wav", hostile.read(STRONG))
        secret.chmod(0o000)
        monkeypatch.setenv("VOICEPRACTICE_CONFIG", str(folder / "no-config.toml"))
        monkeypatch.setenv("VOICEPRACTICE_HOME", str(folder / "home"))
        code, err = _run_cli_as(65534 if os.geteuid() == 0 else None, ["check", str(secret)])
        assert code == 1, err
        hostile.assert_one_error_line(err, "permission denied", str(secret))
    finally:
        (folder / "private.wav").chmod(0o600)
        import shutil

        shutil.rmtree(folder, ignore_errors=True)


@pytest.mark.slow  # over 8 s: `make test-slow`, which CI runs, keeps the default suite near 10 minutes
def test_drill_answers_from_odd_formats(tmp_path: Path, vp, private_home: Path) -> None:
    """µ-law phone audio and 96 kHz stereo go through the whole drill, and are stored."""
    from voicepractice.audio import resample

    strong = _strong(tmp_path)
    phone = hostile.write(tmp_path / "phone.wav", resample(strong, 16_000, 8_000), 8_000, "ULAW")
    hi = resample(strong, 16_000, 96_000)
    studio = hostile.write(tmp_path / "studio.wav", np.stack([hi, hi], axis=1), 96_000)
    for path in (phone, studio):
        r = vp("drill", "--answer", str(path), "--fast", "--json", "--seed", "1")
        assert r.code == 0, r.err
        assert json.loads(r.out)["report"]["score"] == 4
    hostile.assert_store_consistent(private_home)
    assert len(hostile.sessions_in(private_home)) == 2


@pytest.mark.slow  # over 8 s: `make test-slow`, which CI runs, keeps the default suite near 10 minutes
def test_drill_non_english_answer_is_stored_without_credit(tmp_path: Path, vp, private_home: Path) -> None:
    r = vp("drill", "--answer", str(hostile.foreign_speech(tmp_path, "it-thanks")), "--fast", "--json")
    assert r.code == 0, r.err
    out = json.loads(r.out)
    assert out["report"]["score"] == 0
    [note] = [n for n in out["notes"] if "doesn't sound like English" in n]
    assert note.startswith("your answer to turn 1 "), note  # the card's "Turn 1", not the script's id "close"
    assert out["turns"][-1]["transcript"]["language"] == "unknown"
    hostile.assert_store_consistent(private_home)


def test_drill_silent_answer_keeps_the_session(tmp_path: Path, vp, private_home: Path) -> None:
    quiet = hostile.write(tmp_path / "muted.wav", np.zeros(16_000 * 4, np.float32))
    r = vp("drill", "--answer", str(quiet), "--fast")
    assert r.code == 1
    hostile.assert_one_error_line(r.err, "silent", "doctor", "kept")
    hostile.assert_store_consistent(private_home)
    assert len(hostile.sessions_in(private_home)) == 1


@pytest.mark.slow
def test_ten_minute_recording(tmp_path: Path, vp) -> None:
    """A 10-minute answer: no crash, bounded time and memory, reported as rambling."""
    rng = np.random.default_rng(3)
    parts: list[np.ndarray] = []
    clips = [hostile.read(FIXTURES / f) for f in ("long_answer_60s.flac", "strong_close.flac", "sample_answer.flac")]
    while sum(p.size for p in parts) < 600 * 16_000:
        parts += [clips[len(parts) % 3], hostile.room_tone(rng.uniform(6, 14), rng)]  # about half speech
    long = hostile.write(tmp_path / "ten_minutes.flac", np.concatenate(parts)[: 600 * 16_000])
    import resource

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t0 = time.monotonic()
    r = vp("check", str(long), "--json")
    seconds = time.monotonic() - t0
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert r.code == 0, r.err
    report = json.loads(r.out)["report"]
    assert report["pitfalls"]["rambling"]["found"]
    assert report["score"] == 4
    assert report["delivery"]["duration_s"] >= 599
    assert seconds < 240, seconds
    assert grown_mb < 1500, grown_mb
    print(f"10-minute check: {seconds:.1f} s, peak RSS grew {grown_mb:.0f} MB")


def test_drill_answer_dash_says_where_a_dash_is_read(vp) -> None:
    """"no such file: -" read as if a file had gone missing."""
    r = vp("drill", "--fast", "-a", "-")
    assert r.code == 1 and r.err.count("\n") == 1 and "only by `check -`" in r.err, r


# A recording cut off part-way (a recorder that crashed, a copy stopped part-way, a file still being
# written): what is there is scored, and the person is told, once, that the file ends early.
ENDS_EARLY = re.compile(
    r'([^\s"]+) ends early \(damaged or still being written\): scored the first (\d+\.\d) s of (\d+\.\d) s'
)
STRONG_SECONDS = f"{364_002 / 16_000:.1f}"  # strong_close.flac's STREAMINFO: 22.8 s


def _cut(tmp: Path, kind: str) -> Path:
    """strong_close cut to its first few seconds: the thanks is there, the rest of the close is not.

    The FLAC as the new user made it (``head -c 50000``), the WAV a third of its bytes."""
    if kind == "flac":
        data = STRONG.read_bytes()[:50_000]
    else:
        whole = hostile.write(tmp / "whole.wav", _strong(tmp)).read_bytes()
        data = whole[: len(whole) // 3]
    (tmp / f"cut.{kind}").write_bytes(data)
    return tmp / f"cut.{kind}"


def _told(r, caplog: pytest.LogCaptureFixture) -> str:
    """All the person got: the card or --json (stdout), stderr, and warnings (the log, as tests see
    it), with the card's wrapping undone."""
    return " ".join("\n".join([r.out, r.err, *(rec.getMessage() for rec in caplog.records)]).split())


def _ends_early(r, caplog: pytest.LogCaptureFixture) -> list[tuple[str, str, str]]:
    """(name, seconds read, seconds declared) of every "ends early" line the person got."""
    return ENDS_EARLY.findall(_told(r, caplog))


@pytest.mark.parametrize("kind", ["flac", "wav"])
def test_cut_off_recording_is_scored_and_said(kind: str, tmp_path: Path, vp, caplog: pytest.LogCaptureFixture) -> None:
    """Scored as far as it goes (as test_truncated_recording_reports_what_is_there), and said: once,
    naming the file, the seconds read and the length the file declares; it scored 1/4 without a word."""
    cut = _cut(tmp_path, kind)
    r = vp("check", str(cut), "--json")
    assert r.code == 0, r.err
    out = json.loads(r.out)
    report = out["report"]
    assert report["elements"]["thanks"]["found"]
    assert not report["elements"]["next_steps"]["found"]  # said in the part that is gone
    [(name, read, declared)] = _ends_early(r, caplog)
    assert (name, declared) == (str(cut), STRONG_SECONDS)
    assert read == f"{report['delivery']['duration_s']:.1f}"  # the seconds told are the seconds scored
    assert 2.0 < float(read) < 9.0, read


def test_cut_off_recording_is_said_under_the_card(
    tmp_path: Path, vp, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    _cut(tmp_path, "flac")
    r = vp("check", "cut.flac")
    assert r.code == 0, r.err
    assert "1/4 core elements" in r.out
    assert _ends_early(r, caplog) == [("cut.flac", "3.6", STRONG_SECONDS)]


def test_cut_off_recording_through_standard_input_is_said(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, vp, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(sys, "stdin", _Stdin(_cut(tmp_path, "wav").read_bytes()))
    r = vp("check", "-", "--json")
    assert r.code == 0, r.err
    assert json.loads(r.out)["report"]["elements"]["thanks"]["found"]
    told = _told(r, caplog)
    assert told.count("ends early") == 1, told
    said = f"standard input ends early (damaged or still being written): scored the first 7.6 s of {STRONG_SECONDS} s"
    assert said in told


def test_drill_answer_cut_off_is_said(tmp_path: Path, vp, private_home: Path, caplog: pytest.LogCaptureFixture) -> None:
    cut = _cut(tmp_path, "flac")
    r = vp("drill", "--answer", str(cut), "--fast", "--json", "--seed", "1")
    assert r.code == 0, r.err
    assert json.loads(r.out)["report"]["elements"]["thanks"]["found"]
    assert _ends_early(r, caplog) == [(str(cut), "3.6", STRONG_SECONDS)]
    hostile.assert_store_consistent(private_home)


@pytest.mark.parametrize("kind", ["flac", "wav"])
def test_ends_early_goes_to_the_notes_given(kind: str, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """With a notes list (the report's), the line goes there and nowhere else; without, it is a warning."""
    from voicepractice.audio import load_audio

    cut = _cut(tmp_path, kind)
    notes: list[str] = []
    audio = load_audio(cut, notes)
    [(name, read, declared)] = ENDS_EARLY.findall(" ".join(notes))
    assert len(notes) == 1 and (name, read, declared) == (str(cut), f"{audio.size / 16_000:.1f}", STRONG_SECONDS)
    assert "ends early" not in caplog.text
    load_audio(cut)
    assert [rec.getMessage() for rec in caplog.records if rec.levelname == "WARNING"] == notes


def _mp3(path: Path, audio: np.ndarray, counts_frames: bool = True, title: str = "") -> Path:
    """``audio`` as a 44.1 kHz stereo MP3 by LAME, through FFmpeg's muxer: with the Info header that
    counts its frames (as LAME and FFmpeg write it) or without (``write_xing=0``), and an ID3v2 tag
    as large as ``title`` makes it."""
    import av

    with av.open(str(path), "w", format="mp3", options={} if counts_frames else {"write_xing": "0"}) as out:
        if title:
            out.metadata["title"] = title
        stream = out.add_stream("libmp3lame", rate=44_100)
        stream.layout = "stereo"
        pcm = np.repeat((audio * 32767).astype(np.int16)[None, :], 2, axis=0).T.reshape(1, -1)
        frame = av.AudioFrame.from_ndarray(np.ascontiguousarray(pcm), format="s16", layout="stereo")
        frame.sample_rate = 16_000
        resampler = av.AudioResampler(format="s16p", layout="stereo", rate=44_100)
        for f in [*resampler.resample(frame), *resampler.resample(None), None]:
            for packet in stream.encode(f):
                out.mux(packet)
    return path


@pytest.mark.parametrize("title", ["", "My close, take 2 " * 600], ids=["plain", "large_tag"])
def test_a_cut_off_mp3_that_counts_its_frames_is_said(
    title: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An MP3 whose Info header counts its frames declares its length: cut to a third, it is said
    (it scored without a word before), from a file or piped in. Past a large ID3 tag (cover art) too."""
    from voicepractice.audio import load_audio, load_stdin

    whole = _mp3(tmp_path / "close.mp3", _strong(tmp_path), title=title).read_bytes()
    cut = tmp_path / "cut.mp3"
    cut.write_bytes(whole[: len(whole) // 3])
    notes: list[str] = []
    audio = load_audio(cut, notes)
    [(name, read, declared)] = ENDS_EARLY.findall(" ".join(notes))
    assert (name, read, declared) == (str(cut), f"{audio.size / 16_000:.1f}", STRONG_SECONDS)
    assert 5.0 < audio.size / 16_000 < 10.0
    monkeypatch.setattr(sys, "stdin", _Stdin(cut.read_bytes()))
    notes = []
    load_stdin(notes)
    assert notes == [f"standard input ends early (damaged or still being written): scored the first {read} s of {declared} s"]


def test_a_cut_off_mp3_that_does_not_count_its_frames_is_scored_without_a_guess(tmp_path: Path) -> None:
    """Without the header FFmpeg estimates the length from the file's size, which shrinks with the
    cut: nothing tells it, and nothing is claimed."""
    from voicepractice.audio import load_audio

    whole = _mp3(tmp_path / "close.mp3", _strong(tmp_path), counts_frames=False).read_bytes()
    cut = tmp_path / "cut.mp3"
    cut.write_bytes(whole[: len(whole) // 3])
    notes: list[str] = []
    assert 5.0 < load_audio(cut, notes).size / 16_000 < 10.0 and notes == []


def test_whole_mp3s_never_end_early(tmp_path: Path) -> None:
    from voicepractice.audio import load_audio

    audio = _strong(tmp_path)
    for i, kind in enumerate([{}, {"counts_frames": False}, {"title": "A long tag " * 2000}]):
        path = _mp3(tmp_path / f"whole{i}.mp3", audio, **kind)
        notes: list[str] = []
        assert abs(load_audio(path, notes).size - audio.size) < 0.1 * 16_000 and notes == [], kind


def _whole_wavs(tmp: Path) -> list[Path]:
    """Whole WAVs that are not laid out as soundfile writes them: a chunk after the data, an odd-sized
    data chunk whose pad byte is missing, the sizes a writer that cannot seek back leaves."""
    import struct

    plain = hostile.write(tmp / "plain.wav", _strong(tmp)).read_bytes()
    made = {"trailing_list.wav": plain + b"LIST" + struct.pack("<I", 12) + b"INFOISFT" + struct.pack("<I", 0)}
    odd = hostile.write(tmp / "odd.wav", _strong(tmp)[:16_001], subtype="PCM_U8").read_bytes()
    made["no_pad_byte.wav"] = odd[:-1] if len(odd) % 2 == 0 else odd
    for size in (0, 0x7FFFF000, 0x7FFFFFFF, 0xFFFFFFFF):
        streamed = bytearray(plain)
        streamed[4:8] = streamed[40:44] = struct.pack("<I", size)
        made[f"streamed_{size:x}.wav"] = bytes(streamed)
    for name, data in made.items():
        (tmp / name).write_bytes(data)
    return [tmp / "plain.wav", *(tmp / name for name in made)]


def _damaged_mid_flac(tmp: Path) -> Path:
    """A FLAC with a frame spoiled half-way: FFmpeg drops it, and the file still goes to its end."""
    data = bytearray(STRONG.read_bytes())
    data[len(data) // 2 : len(data) // 2 + 200] = bytes(200)
    (tmp / "glitch.flac").write_bytes(data)
    return tmp / "glitch.flac"


def test_whole_recordings_never_end_early(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    from voicepractice.audio import load_audio

    recordings = sorted(FIXTURES.glob("*.flac")) + sorted(FIXTURES.glob("*.wav")) + _whole_wavs(tmp_path)
    recordings.append(_damaged_mid_flac(tmp_path))
    for path in recordings:
        notes: list[str] = []
        load_audio(path, notes)
        assert notes == [], path
        load_audio(path)
    assert "ends early" not in caplog.text


def test_whole_recording_checked_says_nothing_of_ending_early(vp, caplog: pytest.LogCaptureFixture) -> None:
    r = vp("check", str(STRONG), "--json")
    assert r.code == 0, r.err
    assert json.loads(r.out)["report"]["score"] == 4
    assert _ends_early(r, caplog) == [] and "ends early" not in r.out + r.err + caplog.text
