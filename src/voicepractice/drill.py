"""The drill: speak -> listen -> transcribe -> check -> store, wired together.

The model loads (and warms up) in the background while the interviewer is
speaking; each answer is transcribed chunk by chunk while the person is still
talking, so when they stop only the last short stretch is left to decode.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import numpy as np

from . import audio as audio_mod
from .check import Profile, check
from .errors import AudioDeviceError, SilentInputError, SpeechError, VoicePracticeError
from .listen import Capture, Chunk, ListenOptions, Progress, listen, microphone_blocks, recording_blocks
from .records import Report, Transcript
from .scenarios import DEFAULT_SCENARIO, Details, Scenario, choose_line, fill, load_scenario
from .speak import VoiceOptions, play, play_samples, render
from .store import Session, Store, TurnRecord, new_session_id, now_iso, write_json
from .transcribe import LiveTranscription, TranscribeOptions, Transcriber, make_transcript

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DrillOptions:
    """Everything a drill needs to know."""

    scenario: str = DEFAULT_SCENARIO
    """A shipped scenario's name or a path to a scenario file."""
    details: Details = Details()
    """Interviewer, company and role to fill into the script."""
    profile: Profile | None = None
    """The person's talking points, for the checker."""
    voice: VoiceOptions = VoiceOptions()
    listen: ListenOptions = ListenOptions()
    transcribe: TranscribeOptions = TranscribeOptions()
    input_device: int | str | None = None
    output_device: int | str | None = None
    answers: tuple[Path, ...] = ()
    """Recordings that stand in for the microphone, one per answered turn (the last turns first
    when fewer are given than there are turns: a single recording answers the closing turn)."""
    paced: bool = True
    """Feed recordings at real-time pace, exactly as a microphone would deliver them."""
    cue: bool = True
    """Play a short tone when listening starts."""
    seed: int | None = None
    """Seed for choosing phrasings (None: different each time)."""


class DrillUI(Protocol):
    """What the drill tells the person while it runs (the CLI draws it on stderr)."""

    def interviewer(self, line: str) -> None: ...
    def listening(self, turn_id: str, source: str) -> None: ...
    def progress(self, p: Progress) -> None: ...
    def done_listening(self, capture: Capture) -> None: ...
    def status(self, message: str) -> None: ...
    def warn(self, message: str) -> None: ...


class QuietUI:
    """A DrillUI that shows nothing (tests, --json without a terminal)."""

    def interviewer(self, line: str) -> None: ...
    def listening(self, turn_id: str, source: str) -> None: ...
    def progress(self, p: Progress) -> None: ...
    def done_listening(self, capture: Capture) -> None: ...
    def status(self, message: str) -> None: ...
    def warn(self, message: str) -> None:
        log.warning(message)


@dataclass(frozen=True)
class DrillResult:
    session: Session
    report: Report
    transcripts: tuple[Transcript, ...]
    notes: tuple[str, ...] = ()
    """Things the person should know (no speaker found, turns skipped...)."""
    timings: dict[str, float] = field(default_factory=dict)


class _ModelLoader:
    """Loads and warms the model in a thread so it is ready when the answer starts."""

    def __init__(self, transcriber: Transcriber) -> None:
        self.transcriber = transcriber
        self.error: BaseException | None = None
        self.seconds = 0.0
        self._thread = threading.Thread(target=self._run, name="model-load", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        t0 = time.perf_counter()
        try:
            self.transcriber.warm_up()
        except BaseException as exc:
            self.error = exc
        self.seconds = time.perf_counter() - t0

    def wait(self) -> None:
        self._thread.join()
        if self.error is not None:
            raise self.error


def run_drill(options: DrillOptions, store: Store, ui: DrillUI | None = None) -> DrillResult:
    """Run one drill end to end and store it. Raises VoicePracticeError on user-fixable problems."""
    ui = ui or QuietUI()
    scenario = load_scenario(options.scenario)
    answers = [audio_mod.load_audio(p) for p in options.answers]  # fail early on a bad file
    store.tidy(recover=recover_session)
    transcriber = Transcriber(options.transcribe)
    loader = _ModelLoader(transcriber)

    session_id = new_session_id()
    staging = store.begin(session_id)
    rng = random.Random(options.seed)
    created_at = now_iso()
    answer_turns = scenario.answer_turns
    notes: list[str] = []
    if answers and len(answers) < len(answer_turns):
        skipped = [t.id for t in answer_turns[: len(answer_turns) - len(answers)]]
        notes.append(f"{len(answers)} recording(s) for {len(answer_turns)} turns: skipped turn(s) {', '.join(skipped)}")
    lines = [fill(choose_line(t, rng), scenario, options.details) for t in scenario.turns]
    write_json(staging / "meta.json", {
        "id": session_id, "created_at": created_at, "scenario": scenario.name,
        "lines": lines, "turn_ids": [t.id for t in scenario.turns],
    })  # fmt: skip
    speaker = _Speaker(options, staging, ui, notes)
    turns: list[TurnRecord] = []
    transcripts: list[Transcript] = []
    captures: list[Capture] = []
    live_results: list[tuple[LiveTranscription, Capture]] = []
    interrupted = False
    answer_index = len(answers) - len(answer_turns)  # negative: leading turns are skipped
    try:
        for n, (turn, line) in enumerate(zip(scenario.turns, lines, strict=True), 1):
            wav = speaker.say(line, f"interviewer-{n}.wav")
            if not turn.listen:
                turns.append(TurnRecord(turn.id, line, interviewer_audio=wav))
                continue
            if answers:
                answer_index += 1
                if answer_index - 1 < 0:
                    turns.append(TurnRecord(turn.id, line, interviewer_audio=wav, ended_by="skipped"))
                    continue
                blocks: Iterator[np.ndarray] = recording_blocks(answers[answer_index - 1], options.paced)
                source = str(options.answers[answer_index - 1])
            else:
                blocks = microphone_blocks(options.input_device)
                source = "microphone"
            if options.cue and speaker.available:
                speaker.cue()
            ui.listening(turn.id, source)
            live = LiveTranscription(transcriber)
            chunk_cb: Callable[[Chunk], None] = lambda c, live=live: live.submit(c.audio, c.offset)  # noqa: E731
            capture = listen(
                blocks, options.listen, on_chunk=chunk_cb, on_progress=ui.progress,
                spool=staging / f"answer-{n}.pcm",
            )  # fmt: skip
            ui.done_listening(capture)
            answer_name = f"answer-{n}.wav"
            audio_mod.write_wav(staging / answer_name, capture.audio)
            (staging / f"answer-{n}.pcm").unlink(missing_ok=True)
            captures.append(capture)
            live_results.append((live, capture))
            turns.append(TurnRecord(turn.id, line, interviewer_audio=wav, answer_audio=answer_name, ended_by=capture.ended_by))
            if capture.ended_by == "interrupted":
                interrupted = True
                notes.append("interrupted with Ctrl-C: the answer so far is saved")
                break
            if capture.ended_by == "device_lost":
                interrupted = True
                notes.append("the microphone stopped delivering sound mid-answer; what was captured is saved")
                break
    except KeyboardInterrupt:
        interrupted = True
        notes.append("interrupted with Ctrl-C")
    except BaseException:
        if not captures:
            store.discard(staging)  # nothing recorded yet: leave no trace
        raise

    # Everything after the last answer ends counts toward the wait the person feels.
    t_end = captures[-1].ended_at if captures else time.monotonic()
    timings: dict[str, float] = {}
    t0 = time.monotonic()
    loader.wait()
    answered = [tr for tr in turns if tr.answer_audio]
    transcribed: list[TurnRecord] = []
    silent_turns = 0
    for (live, capture), record in zip(live_results, answered, strict=True):
        turn_no = turns.index(record)
        if capture.level.silent:
            live.finish()
            silent_turns += 1
            transcript = make_transcript([], capture.duration, options.transcribe.model, turn_no)
        else:
            transcript = make_transcript(live.finish(), capture.duration, options.transcribe.model, turn_no)
        transcripts.append(transcript)
        transcribed.append(_with_transcript(record, transcript))
    timings["final_decode_s"] = time.monotonic() - t0
    turns = [next((t for t in transcribed if t.turn_id == r.turn_id), r) for r in turns]

    t1 = time.monotonic()
    report = check(transcripts or [Transcript(text="")], options.profile)
    timings["check_s"] = time.monotonic() - t1
    timings["model_load_s"] = loader.seconds
    if captures and captures[-1].speech_end is not None:
        timings["endpoint_wait_s"] = max(0.0, captures[-1].duration - captures[-1].speech_end)
    (staging / "meta.json").unlink(missing_ok=True)
    t2 = time.monotonic()
    stored = store.commit(
        Session(
            id=session_id,
            created_at=created_at,
            scenario=scenario.name,
            status="interrupted" if interrupted else "complete",
            turns=tuple(turns),
            report=report,
            details=_details(options, scenario),
            timings={k: round(v, 4) for k, v in timings.items()},
        ),
        staging,
    )
    timings["store_s"] = time.monotonic() - t2
    timings["answer_end_to_report_s"] = time.monotonic() - t_end
    if silent_turns and silent_turns == len(answered):
        raise SilentInputError(
            f"the answer was silent ({captures[-1].level.rms_dbfs:.0f} dBFS): the microphone may be muted "
            f"or blocked; check `voicepractice doctor` (session {session_id} kept)"
        )
    return DrillResult(stored, report, tuple(transcripts), tuple(notes), timings)


def _with_transcript(record: TurnRecord, transcript: Transcript) -> TurnRecord:
    return TurnRecord(
        record.turn_id, record.line, record.interviewer_audio, record.answer_audio, transcript, record.ended_by
    )


def _details(options: DrillOptions, scenario: Scenario) -> dict[str, object]:
    d = options.details
    return {
        "interviewer": d.interviewer or scenario.defaults.get("interviewer"),
        "company": d.company or scenario.defaults.get("company"),
        "role": d.role or scenario.defaults.get("role"),
        "model": options.transcribe.model,
        "voice": options.voice.voice,
        "answers_from": [str(p) for p in options.answers] or "microphone",
    }


class _Speaker:
    """Renders and plays the interviewer's lines; degrades to text when sound is unavailable."""

    def __init__(self, options: DrillOptions, staging: Path, ui: DrillUI, notes: list[str]) -> None:
        self.options = options
        self.staging = staging
        self.ui = ui
        self.notes = notes
        self.available = True
        self.tts = True

    def say(self, line: str, name: str) -> str | None:
        self.ui.interviewer(line)
        wav: str | None = None
        if self.tts:
            try:
                render(line, self.staging / name, self.options.voice)
                wav = name
            except SpeechError as exc:
                self.tts = False
                self._note(f"text-to-speech failed ({exc}); the interviewer's lines are shown as text")
        if wav and self.available:
            try:
                play(self.staging / wav, self.options.output_device)
            except AudioDeviceError as exc:
                self.available = False
                self._note(f"{exc}; the interviewer's lines are shown as text")
        return wav

    def cue(self) -> None:
        try:
            play_samples(audio_mod.tone(), 22_050, self.options.output_device)
        except AudioDeviceError:
            self.available = False

    def _note(self, message: str) -> None:
        self.notes.append(message)
        self.ui.warn(message)


def recover_session(staging: Path) -> Session | None:
    """Turn the folder of a drill killed mid-way into an ``interrupted`` session, if it holds audio."""
    import json

    pcms = sorted(staging.glob("answer-*.pcm"))
    wavs = sorted(staging.glob("answer-*.wav"))
    if not pcms and not wavs:
        return None
    try:
        meta = json.loads((staging / "meta.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        meta = {}
    for pcm in pcms:
        samples = np.frombuffer(pcm.read_bytes()[: pcm.stat().st_size // 2 * 2], dtype="<i2")
        audio_mod.write_wav(pcm.with_suffix(".wav"), samples.astype(np.float32) / 32768.0)
        pcm.unlink()
    lines = meta.get("lines", [])
    ids = meta.get("turn_ids", [])
    turns = []
    for wav in sorted(staging.glob("answer-*.wav")):
        n = int(wav.stem.split("-")[1])
        inter = staging / f"interviewer-{n}.wav"
        turns.append(TurnRecord(
            turn_id=ids[n - 1] if n - 1 < len(ids) else f"turn-{n}",
            line=lines[n - 1] if n - 1 < len(lines) else "",
            interviewer_audio=inter.name if inter.exists() else None,
            answer_audio=wav.name,
            ended_by="crashed",
        ))  # fmt: skip
    (staging / "meta.json").unlink(missing_ok=True)
    sid = meta.get("id") or staging.name.removeprefix(".incoming-")
    return Session(
        id=sid,
        created_at=meta.get("created_at") or now_iso(),
        scenario=meta.get("scenario", "unknown"),
        status="recovered",
        turns=tuple(turns),
        report=None,
    )
