"""The drill: speak -> listen -> transcribe -> check -> store, wired together.

The model loads (and warms up) in the background while the interviewer is
speaking; each answer is transcribed chunk by chunk while the person is still
talking, so when they stop only the last short stretch is left to decode.
"""

from __future__ import annotations

import logging
import math
import random
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Protocol

import numpy as np

from . import audio as audio_mod
from . import floor, natural, phoneline, stop
from .check import Profile, check
from .endpoint import EndOfTurn, preload_turn_model
from .errors import AudioDeviceError, ScenarioError, SilentInputError, SpeechError, StoreError
from .files import write_private
from .input_watch import DeadInputError, stop_on_dead_input
from .listen import (
    LONGEST_S,
    Capture,
    Chunk,
    ListenOptions,
    Progress,
    listen,
    microphone_blocks,
    recording_blocks,
    spool_bytes,
)
from .memory import trim, tune_allocator
from .phoneline import Line
from .preflight import preflight
from .records import Report, Transcript, Word
from .scenarios import (
    DEFAULT_SCENARIO,
    Details,
    Scenario,
    Turn,
    choose_line,
    fill,
    load_scenario,
    reply_to,
    shared_replies,
)
from .speak import VoiceOptions, play, play_samples
from .store import Session, Store, TurnRecord, new_session_id, now_iso, write_json
from .transcribe import (
    UNSURE_ENGLISH_NOTE,
    LiveTranscription,
    TranscribeOptions,
    Transcriber,
    english_verdict,
    make_transcript,
)
from .tts_cache import is_cached, render_line, warm
from .voice import LiveTracker, Voice, analyse_turns

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
    round: int = 0
    """Which round of a warm-up this is: each round shifts to the next phrasing of every line."""


class DrillUI(Protocol):
    """What the drill tells the person while it runs (the CLI draws it on stderr)."""

    live: bool
    """True when the interviewer's lines are drawn (a terminal), so a line not played is read there."""

    def interviewer(self, line: str) -> None: ...
    def listening(self, turn_id: str, source: str) -> None: ...
    def progress(self, p: Progress) -> None: ...
    def done_listening(self, capture: Capture) -> None: ...
    def status(self, message: str) -> None: ...
    def warn(self, message: str) -> None: ...


class QuietUI:
    """A DrillUI that shows nothing (tests, --json without a terminal)."""

    live = False

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
    """Loads and warms the model (and the checker) in a thread so both are ready when the answer ends."""

    def __init__(self, transcriber: Transcriber, after: threading.Event | None = None) -> None:
        self.transcriber = transcriber
        self._after = after
        self.error: BaseException | None = None
        self.seconds = 0.0
        self._cancelled = threading.Event()
        self._turn_model: threading.Thread | None = None
        self._thread = threading.Thread(target=self._run, name="model-load", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        if self._after is not None:
            # The interviewer's voice renders first and then lets its model go, so the two models
            # never sit in memory together (drill peak under 500 MB); it is quick, and the person
            # is still listening to the ring and the first line meanwhile.
            deadline = time.monotonic() + 20
            while not self._after.wait(0.1) and not self._cancelled.is_set() and time.monotonic() < deadline:
                pass
        if self._cancelled.is_set():
            return
        t0 = time.perf_counter()
        try:
            # The end-of-turn model loads beside Whisper, on its own thread.
            self._turn_model = preload_turn_model()
            # Compiling the rubric takes a moment once per process: do it now, not
            # after the answer, where the person would wait for it. Before Whisper: each check
            # briefly holds the encoder's weights as float (about 85 MB), and on top of Whisper
            # decoding the first answer's chunks that took a drill past 550 MB.
            if not self._cancelled.is_set():
                check(Transcript.from_text("Thank you."))
            if not self._cancelled.is_set():
                self.transcriber.warm_up()
        except BaseException as exc:
            self.error = exc
        self.seconds = time.perf_counter() - t0

    def cancel(self, wait_s: float = 10.0) -> None:
        """The drill is over early: no step starts from now on; wait (up to ``wait_s``) for the one
        under way, so no model is loading in native code while the process exits."""
        self._cancelled.set()
        self._join(wait_s)

    def wait(self) -> None:
        self._join(None)
        if self.error is not None:
            raise self.error

    def _join(self, wait_s: float | None) -> None:
        self._thread.join(wait_s)
        if self._turn_model is not None:
            # A drill with a fixed --silence never asks the turn model, so nothing else waits for it.
            self._turn_model.join(wait_s)


def plan_turns(scenario: Scenario, recordings: int) -> tuple[list[Turn], list[str]]:
    """The turns a drill runs, and the ids of answer turns it skips.

    With the microphone every turn runs. One recording answers the scenario's
    close turn only. Several answer the first answer turns in order.
    """
    answer_turns = scenario.answer_turns
    if recordings == 0:
        return list(scenario.turns), []
    if recordings > len(answer_turns):
        raise ScenarioError(
            f"{recordings} recordings, but scenario {scenario.name} has only {len(answer_turns)} turns "
            f"that take an answer ({', '.join(t.id for t in answer_turns)})"
        )
    if recordings == 1 and len(answer_turns) > 1:
        close = scenario.close_turn
        return [close], [t.id for t in answer_turns if t is not close]
    last = answer_turns[recordings - 1]
    run = list(scenario.turns[: scenario.turns.index(last) + 1])
    return run, [t.id for t in answer_turns[recordings:]]


@dataclass
class _Answer:
    """One answered turn while the drill runs."""

    index: int
    capture: Capture
    live: LiveTranscription
    words: list[Word] | None = None
    tracker: LiveTracker | None = None
    spoken_over: list[Word] = field(default_factory=list)
    """Words said while the interviewer was speaking, after this answer."""
    on_disk: int = -1
    """Samples of ``capture`` in its WAV file (-1: none written yet)."""

    @property
    def name(self) -> str:
        return f"answer-{self.index + 1}.wav"

    def store(self, staging: Path) -> None:
        """Write the answer's WAV (atomically, synced) and drop the spool it replaces."""
        audio_mod.write_wav(staging / self.name, self.capture.audio)
        self.on_disk = self.capture.audio.size
        (staging / self.name).with_suffix(".pcm").unlink(missing_ok=True)

    def store_if_changed(self, staging: Path) -> None:
        if self.on_disk != self.capture.audio.size:
            self.store(staging)

    def finish(self, ui: DrillUI | None = None) -> list[Word]:
        if self.words is None:
            again = (lambda: ui.status(READ_AGAIN)) if ui is not None else None
            self.words = [] if self.capture.level.silent else self.live.finish(self.capture.audio, again)
            trim()  # what the recogniser's heap holds goes back before the reply's voice and the checker load
        return self.words + self.spoken_over


READ_AGAIN = "  Reading your answer again: the recogniser could hardly make out some of it."


def run_drill(options: DrillOptions, store: Store, ui: DrillUI | None = None) -> DrillResult:
    """Run one drill end to end and store it. Raises VoicePracticeError on user-fixable problems."""
    ui = ui or QuietUI()
    tune_allocator()  # before the model threads start: large buffers go back to the system when freed
    scenario = load_scenario(options.scenario)
    notes: list[str] = []
    answers = [audio_mod.load_audio(p, notes) for p in options.answers]  # fail early on a bad file
    for given, heard in zip(options.answers, answers, strict=True):
        if (note := _longer_than_allowed(given, heard, options.listen.max_seconds)) is not None:
            ui.warn(note)  # before the interviewer speaks: there is time to stop and pass --max-seconds
            notes.append(note)
    run_turns, skipped = plan_turns(scenario, len(answers))
    preflight(options)  # model, devices, voice: before the interviewer speaks, not after the call
    store.open()  # a damaged index is reported before the person speaks, not after
    store.tidy(recover=recover_session)
    transcriber = Transcriber(options.transcribe)
    voice_done = threading.Event()
    loader = _ModelLoader(transcriber, after=voice_done)

    session_id = new_session_id()
    staging = store.begin(session_id)
    rng = random.Random(options.seed)
    created_at = now_iso()
    if skipped:
        notes.append(_skipped_note(len(answers), len(scenario.answer_turns)))
    lines = [fill(choose_line(t, rng, options.round), scenario, options.details) for t in run_turns]
    captured: list[np.ndarray] = []  # every answer heard so far, to rescue if the disk fails
    try:
        write_json(staging / "meta.json", {
            "id": session_id, "created_at": created_at, "scenario": scenario.name,
            "lines": lines, "turn_ids": [t.id for t in run_turns],
        })  # fmt: skip
    except OSError as exc:
        raise _cannot_save(store, staging, captured, exc) from exc
    speaker = _Speaker(options, staging, ui, notes, line=options.voice.line or scenario.line, done=voice_done)
    turns: list[TurnRecord] = []
    answered: list[_Answer] = []
    interrupted = False
    reply = ""
    recordings = iter(zip(answers, options.answers, strict=True))
    pump: floor.BlockPump | None = None  # the microphone stays open from the first answer on
    trackers: list[LiveTracker] = []
    leave_no_trace = False  # set when the drill leaves before anything was recorded
    listening = threading.Event()  # set when the drill first listens for an answer
    echoes = 0  # lines stopped by a sound that stopped with them (speakers): ask for more, then stop giving way
    learned = 0.0
    """The longest pause this person went on after where an answer was judged finished: every
    answer from then on waits longer than that before a pause ends it (endpoint.own_pause_wait)."""
    try:
        speaker.prepare(
            [(f"interviewer-{n}.wav", line) for n, line in enumerate(lines, 1)],
            _lines_ahead(scenario, run_turns, options.details),
        )
        for n, (turn, line) in enumerate(zip(run_turns, lines, strict=True), 1):
            over: list[np.ndarray] = []  # heard over this line's stops that were not the person going on
            if n == 1 and not answers and speaker.available and speaker.tts:
                pump = _microphone(options, judged_from=listening)  # open during the first line: does it hear the interviewer?
            for stops in range(floor.Barge.PER_LINE + 1):
                said = _with_reply(reply, line)
                # The person going on over the line stops it (floor.Barge), as a caller stops for
                # someone who was not done: their answer takes up again, and the line comes after it.
                barge = None
                gives_way = stops < floor.Barge.PER_LINE and answered and answered[-1].capture.ended_by in ("silence", "enter")
                if pump is not None and gives_way and echoes < floor.Barge.ECHOES_PER_DRILL:
                    barge = floor.Barge(pump, said, transcriber.submit, strict=echoes > 0)
                wav = speaker.say(said, f"interviewer-{n}.wav", fresh=bool(reply), stop=barge)
                if answered and speaker.started is not None:
                    log.info("the line started %.0f ms after answer %d was judged finished",
                             1000 * (speaker.started - answered[-1].capture.ended_at), answered[-1].index + 1)  # fmt: skip
                if barge is None or not barge.fired:
                    break
                if not barge.goes_on():
                    # The sound stopped with the line: its own echo through speakers (or a word or
                    # two). The line is said again; what was heard is handled as said over it.
                    log.info("the sound that stopped the line stopped with it (%r): its echo? the line is said again",
                             " ".join(w.text for w in barge.words))  # fmt: skip
                    if not echoes:
                        ui.status("  The interviewer stopped for a sound, and starts again. (Wear headphones: "
                                  "through speakers the microphone hears the interviewer.)")  # fmt: skip
                    echoes += 1
                    over.append(barge.audio)
                    continue
                answer = answered[-1]
                paused = _go_on_over(answer, barge, options.listen, staging, ui, went_on_s=learned)
                learned = max(learned, paused)
                turns[answer.index] = replace(turns[answer.index], ended_by=answer.capture.ended_by)
                if answer.capture.ended_by in ("interrupted", "device_lost"):
                    break
                reply = ""
                if run_turns[answer.index].respond:
                    loader.wait()
                    reply = _reply(answer.finish(ui), scenario, options, rng)
            line = said
            reply = ""
            if pump is not None and not answered and speaker.started is not None:
                # Before any answer the person only listens: speech heard while the line sounded is
                # the interviewer's own voice through speakers. From then on the drill asks for more
                # before it gives way (floor.Barge's strict), and says why. (A line shown as text
                # takes no time: what the microphone has then is the answer's start, left for it.)
                probed = floor.speech_seconds(floor.join(pump.drain()))
                if probed >= floor.ECHO_PROBE_S and not echoes:
                    log.info("the microphone heard %.1f s of speech during the first line: speakers?", probed)
                    ui.status("  The microphone hears the interviewer: wear headphones, so it hears only you.")
                    echoes = 1
            if answered and answered[-1].capture.ended_by in ("interrupted", "device_lost"):
                interrupted = True
                notes.append(_stopped_note(answered[-1].capture.ended_by))
                break
            if pump is not None and answered:
                during = over + ([barge.audio] if barge is not None else [])
                during += pump.drain()
                if answers and turn.listen:
                    # A recording plays to its end whoever is talking, as a person would go on.
                    during += list(pump)
                _keep_spoken_over(answered[-1], floor.join(during), line, transcriber, notes)
                answered[-1].store_if_changed(staging)
            if not turn.listen:
                turns.append(TurnRecord(turn.id, line, interviewer_audio=wav))
                continue
            if answers:
                recording, path = next(recordings)
                if pump is not None:
                    pump.stop()
                pump = floor.BlockPump(recording_blocks(recording, options.paced))
                source = str(path)
            else:
                if pump is None:
                    pump = _microphone(options)
                source = "microphone"
            listening.set()
            speaker.hurry()
            if options.cue and speaker.available:
                speaker.cue()
            ui.listening(turn.id, source)
            live = LiveTranscription(transcriber)
            chunk_cb: Callable[[Chunk], None] = live.submit_chunk
            more_turns = n < len(run_turns)
            judge = _judge(options.listen, live, 0.0, last=not more_turns, went_on_s=learned)
            tracker = LiveTracker()  # the person's own voice only, tracked while they speak
            trackers.append(tracker)
            capture = listen(
                tracker.tap(pump), options.listen, on_chunk=chunk_cb, on_progress=ui.progress,
                spool=staging / f"answer-{n}.pcm", judge=judge,
            )  # fmt: skip
            log.debug("answer %d ended by %s at monotonic %.3f", n, capture.ended_by, capture.ended_at)
            if judge is not None and judge.pauses:
                v = judge.pauses[-1]
                log.info("answer %d ended by the judge: wait %.1f s (cue %s, cut-off reading %s, turn model %s); "
                         "speech ended at %.2f s, the answer at %.2f s",
                         n, v.wait_s, v.cue, "n/a" if v.cut_off is None else f"{v.cut_off:.4f}",
                         "n/a" if v.probability is None else f"{v.probability:.2f}",
                         v.speech_end, capture.audio.size / audio_mod.SAMPLE_RATE)  # fmt: skip
            written = -1  # samples of the answer already in its WAV when a line follows at once
            watch: floor.Watch | None = None
            try:
                while capture.ended_by in ("silence", "no_speech"):
                    if more_turns and capture.ended_by == "silence":
                        # Judged finished: the interviewer replies only if the person stays quiet until
                        # the line's first sample; speech before it reopens the answer. So the line is
                        # made ready first (the reply's voice renders here, seconds on a cold cache) and
                        # the microphone is looked at last; from that look to the first sound at the
                        # speaker only the answer's bookkeeping and the stream's start remain.
                        watch = floor.Watch(pump)
                        if turn.respond:
                            loader.wait()
                            reply = _reply(live.finish(), scenario, options, rng)
                        speaker.ready(_with_reply(reply, lines[n]), f"interviewer-{n + 1}.wav", fresh=bool(reply))
                        # The answer goes to disk before the look too (an fsync: up to 0.14 s under load);
                        # the short tail heard after the decision is added once the line has started.
                        audio_mod.write_wav(staging / f"answer-{n}.wav", capture.audio)
                        went_on = watch.went_on()
                        log.debug("last look at the microphone at monotonic %.3f", time.monotonic())
                        if not went_on:
                            written = capture.audio.size
                            capture = floor.extend(capture, watch.audio)
                            break
                        log.info("the person went on after %.1f s: the answer is reopened", capture.duration)
                        heard = watch.audio
                    elif answers and floor.has_speech(recording[capture.audio.size :]):
                        # The last answer has no line after it to hear the person go on, and the
                        # no-speech limit is for a microphone nobody speaks into; a recording says
                        # what is still to come, and it is theirs (a pause after a question, then more).
                        log.info("the recording goes on after %.1f s: the answer is reopened", capture.duration)
                        heard = np.zeros(0, np.float32)
                    else:
                        break
                    reply = ""
                    previous = capture
                    # The pause it was judged finished at was one the person goes on after: the
                    # next judge waits longer than that before ending on a pause like it again.
                    paused = max([judge.went_on_s, judge.pauses[-1].wait_s] if judge and judge.pauses else [0.0])
                    learned = max(learned, paused)
                    judge = _judge(options.listen, live, previous.duration, last=not more_turns, went_on_s=learned)
                    more = listen(
                        _chain(heard, pump), options.listen,
                        on_chunk=floor.shifted(chunk_cb, previous.duration),
                        on_progress=_progress_from(ui.progress, previous.duration),
                        spool=staging / f"answer-{n}.pcm", judge=judge,
                    )  # fmt: skip
                    capture = floor.extend(previous, more)
                    watch = None  # its audio is in the answer now
            except KeyboardInterrupt:
                # Ctrl-C while the next line was being made ready (a reply renders for seconds):
                # kept like Ctrl-C mid-answer, with whatever was heard since the decision.
                heard = watch.take_arrived() if watch is not None else np.zeros(0, np.float32)
                capture = replace(floor.extend(capture, heard), ended_by="interrupted")
                written = -1
            ui.done_listening(capture)
            if capture.ended_by == "interrupted" and capture.audio.size == 0 and not answered:
                raise KeyboardInterrupt  # Ctrl-C before a single sample: nothing to keep
            captured.append(capture.audio)
            answer = _Answer(len(turns), capture, live, tracker=tracker)
            if written >= 0:
                # Written before the last look (all the spool holds); the tail since, after the line starts.
                answer.on_disk = written
                (staging / answer.name).with_suffix(".pcm").unlink(missing_ok=True)
            else:
                answer.store(staging)
            answered.append(answer)
            turns.append(TurnRecord(turn.id, line, interviewer_audio=wav, answer_audio=answer.name, ended_by=capture.ended_by))
            if capture.ended_by in ("interrupted", "device_lost"):
                interrupted = True
                notes.append(_stopped_note(capture.ended_by))
                break
            if turn.respond and n < len(run_turns) and not reply:
                loader.wait()
                reply = _reply(answer.finish(ui), scenario, options, rng)
    except KeyboardInterrupt:
        if not answered:  # Ctrl-C before anything was recorded: no session, exit 130
            leave_no_trace = True
            ui.status("\nStopped before you answered: nothing was kept.")  # not just click's "Aborted."
            raise
        interrupted = True
        notes.append(f"interrupted {stop.how()}: the answers so far are saved")
    except DeadInputError as exc:
        ui.status("  No sound at all from the microphone: stopping.")
        if not answered:
            leave_no_trace = True
            raise
        interrupted = True  # the microphone died after some answers: keep them
        notes.append(str(exc))
    except OSError as exc:  # the disk filled up or went read-only mid-drill
        raise _cannot_save(store, staging, captured, exc) from exc
    except BaseException:
        leave_no_trace = not answered  # nothing recorded yet
        raise
    finally:
        if pump is not None:
            pump.stop()
        if not answered:
            # Left before any answer (Ctrl-C, an error): no Whisper to load now, no voice to track.
            # Both are waited for, so no model runs native code on another thread while the
            # process exits (a daemon thread in onnxruntime then could die in C++).
            loader.cancel()
            for tracker in trackers:
                tracker.close()
        speaker.close()
        if leave_no_trace:
            # Nothing recorded: leave no trace. Only now, once the speaker has stopped: a line
            # still rendering ahead would otherwise write itself into the removed folder.
            store.discard(staging)

    try:  # an answer whose last line was cut short (Ctrl-C) still has its tail to write
        for answer in answered:
            answer.store_if_changed(staging)
    except OSError as exc:
        raise _cannot_save(store, staging, captured, exc) from exc

    # Everything after the last answer ends counts toward the wait the person feels.
    last = answered[-1].capture if answered else None
    t_end = last.ended_at if last else time.monotonic()

    def commit(status: str, report: Report | None, timings: dict[str, float]) -> Session:
        with stop.shielded():
            (staging / "meta.json").unlink(missing_ok=True)
            return store.commit(
                Session(
                    id=session_id,
                    created_at=created_at,
                    scenario=scenario.name,
                    status=status,
                    turns=tuple(turns),
                    report=report,
                    details=_details(options, scenario),
                    timings={k: round(v, 4) for k, v in timings.items()},
                ),
                staging,
            )

    try:
        timings: dict[str, float] = {}
        t0 = time.monotonic()
        loader.wait()
        transcripts: list[Transcript] = []
        for answer in answered:
            transcript = make_transcript(answer.finish(ui), answer.capture.duration, options.transcribe.model, answer.index)
            transcripts.append(transcript)
            turns[answer.index] = replace(turns[answer.index], transcript=transcript)
            if transcript.language != "en":
                notes.append(
                    f"your answer to turn {answer.index + 1} doesn't sound like English (the recogniser was unsure "
                    "of nearly every word), so it earned nothing: answer in English, close to the microphone and "
                    "away from noise"
                )
            elif english_verdict(transcript.words) == "unsure":
                notes.append(UNSURE_ENGLISH_NOTE.format(what=f"your answer to turn {answer.index + 1}"))
        timings["final_decode_s"] = time.monotonic() - t0

        t1 = time.monotonic()
        report = check(transcripts or [Transcript(text="")], options.profile)
        timings["check_s"] = time.monotonic() - t1
        t_voice = time.monotonic()
        report = replace(report, voice=_voice(answered, transcripts, notes))
        timings["voice_s"] = time.monotonic() - t_voice
        timings["model_load_s"] = loader.seconds
        if last is not None and last.speech_end is not None:
            timings["endpoint_wait_s"] = max(0.0, last.duration - last.speech_end)
    except KeyboardInterrupt:
        # Ctrl-C while the answers are decoded and checked: they are recorded, so keep them.
        kept = commit("interrupted", None, {})
        audio = turns[answered[-1].index].answer_audio if answered else None
        how = f": `voicepractice check` on its {audio} scores it" if audio else ""
        ui.warn(f"stopped before the report: your answer is saved, not yet scored, as session {kept.id} in {kept.folder}{how}")
        raise
    t2 = time.monotonic()
    stored = commit("interrupted" if interrupted else "complete", report, timings)
    timings["store_s"] = time.monotonic() - t2
    timings["answer_end_to_report_s"] = time.monotonic() - t_end
    if answered and all(a.capture.level.silent for a in answered):
        raise SilentInputError(
            f"the answer was silent ({answered[-1].capture.level.rms_dbfs:.0f} dBFS): the microphone may be muted "
            f"or blocked; check `voicepractice doctor` (session {session_id} kept)"
        )
    return DrillResult(stored, report, tuple(transcripts), tuple(notes), timings)


def _voice(answered: list[_Answer], transcripts: list[Transcript], notes: list[str]) -> Voice | None:
    """The voice figures over the answered turns; a failure is a note, never a lost session."""
    turns = []
    try:
        for answer, transcript in zip(answered, transcripts, strict=True):
            if answer.tracker is not None:
                turns.append((transcript, answer.tracker.finish(answer.capture.audio)))
        return analyse_turns(turns) if turns else None
    except Exception as exc:  # the analysis is a bonus on top of the stored answer
        log.warning("voice analysis failed: %s", exc, exc_info=True)
        notes.append(f"the voice analysis failed ({type(exc).__name__}: {exc}); the rest of the report is complete")
        return None


def _judge(
    listen_options: ListenOptions, live: LiveTranscription, offset: float, last: bool, went_on_s: float = 0.0
) -> EndOfTurn | None:
    """The end-of-turn judge for an answer (None with a fixed --silence); it reads the live words.

    In the last turn no interviewer line follows, so nothing could reopen an answer
    that only sounded finished: there only a goodbye ends it quickly. ``went_on_s``: the
    longest pause the person has already gone on after in this answer (a reopened one).
    """
    if listen_options.end_silence_s is not None:
        return None
    o = listen_options.endpoint
    if last:
        o = replace(o, last_turn=True)
    return EndOfTurn(
        o,
        transcript=lambda t: live.text_through(t + offset),
        cut_off=lambda t: live.cut_off_through(t + offset),
        went_on_s=went_on_s,
    )


def _with_reply(reply: str, line: str) -> str:
    """The interviewer's next line, after its answer to what the person asked (if any)."""
    return f"{reply} {line}" if reply else line


def _progress_from(on_progress: Callable[[Progress], None], offset: float) -> Callable[[Progress], None]:
    """``on_progress`` for a reopened answer: the meter's clock goes on from where the answer was."""
    return lambda p: on_progress(replace(p, elapsed=p.elapsed + offset))


def _chain(first: np.ndarray, rest: Iterator[np.ndarray]) -> Iterator[np.ndarray]:
    if first.size:
        yield first
    yield from rest


def _go_on_over(
    answer: _Answer, barge: floor.Barge, listen_options: ListenOptions,
    staging: Path, ui: DrillUI, went_on_s: float,
) -> float:  # fmt: skip
    """The person went on over the interviewer's line, which stopped: their answer takes up again
    where it was, with everything heard since the line began, and goes on until they finish.

    Returns the pause they went on after (from their last word to the speech over the line).
    """
    capture = answer.capture
    paused = capture.duration - (capture.speech_end or capture.duration) + barge.onset_s
    log.info("the person went on over the interviewer's line after a %.1f s pause: the line stops "
             "%.1f s after their speech began, and the answer is reopened", paused, barge.heard_s - barge.onset_s)  # fmt: skip
    ui.status("  The interviewer stops: you had not finished. Go on.")
    # The spool holds the whole answer from here on: a crash mid-way recovers all of it.
    spool = (staging / answer.name).with_suffix(".pcm")
    write_private(spool, spool_bytes(capture.audio))
    judge = _judge(listen_options, answer.live, capture.duration, last=False, went_on_s=max(went_on_s, paused))
    more = listen(
        barge.rest(), listen_options,
        on_chunk=floor.shifted(answer.live.submit_chunk, capture.duration),
        on_progress=_progress_from(ui.progress, capture.duration),
        spool=spool, judge=judge,
    )  # fmt: skip
    if judge is not None and judge.pauses and more.ended_by == "silence":
        log.info("answer %d ended by the judge again: wait %.1f s (cue %s)", answer.index + 1, judge.pauses[-1].wait_s, judge.pauses[-1].cue)
    answer.capture = floor.extend(capture, more)
    answer.words = None  # the transcript takes in what was said since
    ui.done_listening(answer.capture)
    answer.store(staging)
    return paused


def _microphone(options: DrillOptions, judged_from: threading.Event | None = None) -> floor.BlockPump:
    """The microphone, read for the rest of the drill. A muted or unplugged one delivers zeros: that
    is said within 3 s of listening (``judged_from``: once it is set), not after the call."""
    blocks = microphone_blocks(options.input_device)
    if judged_from is None:
        return floor.BlockPump(stop_on_dead_input(blocks))
    return floor.BlockPump(_judged_from(judged_from, blocks))


def _judged_from(start: threading.Event, blocks: Iterator[np.ndarray]) -> Iterator[np.ndarray]:
    """Blocks as they come; judged for a dead input only once ``start`` is set (a silent room
    before the first question is not a muted microphone)."""
    for block in blocks:
        yield block
        if start.is_set():
            break
    yield from stop_on_dead_input(blocks)


def _stopped_note(ended_by: str) -> str:
    if ended_by == "interrupted":
        return f"interrupted {stop.how()}: the answer so far is saved"
    return "the microphone stopped delivering sound mid-answer; what was captured is saved"


def _reply(words: list[Word], scenario: Scenario, options: DrillOptions, rng: random.Random) -> str:
    """The interviewer's answer to what the person asked."""
    topic, said = reply_to(" ".join(w.text for w in words), scenario, rng)
    log.info("the person asked about %s", topic)
    return fill(said, scenario, options.details)


def _keep_spoken_over(
    answer: _Answer, heard: np.ndarray, line: str, transcriber: Transcriber, notes: list[str]
) -> None:
    """Speech heard while the interviewer spoke joins the answer before it; the person is told."""
    if not floor.has_speech(heard):
        return
    offset = answer.capture.duration
    words = transcriber.words(heard, offset=offset)
    said = " ".join(w.text for w in words)
    if not words or floor.is_echo(said, line):
        log.info("sound during the interviewer's line was its echo (%r): use headphones", said)
        return
    answer.capture = floor.extend(answer.capture, heard)
    answer.spoken_over.extend(words)
    notes.append(
        f"you spoke while the interviewer was talking after turn {answer.index + 1}: "
        f"“{said}” is kept in that answer; wait for the interviewer to finish next time"
    )


def _longer_than_allowed(path: Path, audio: np.ndarray, max_seconds: float) -> str | None:
    """The note for a recording an answer cannot hold whole (None: it fits)."""
    seconds = audio.size / audio_mod.SAMPLE_RATE
    if seconds <= max_seconds + 0.5:  # half a second of trailing room tone is no answer cut short
        return None
    more = f"pass --max-seconds {math.ceil(seconds)} to hear it all" if seconds <= LONGEST_S else "trim it"
    return f"{path.name} is {seconds:.0f} s long: only its first {max_seconds:.0f} s are heard ({more})"


def _skipped_note(recordings: int, answer_turns: int) -> str:
    """Why fewer turns ran than the scenario has, in words a person reads."""
    if recordings == 1:
        others = "other question was" if answer_turns == 2 else f"other {answer_turns - 1} questions were"
        return (
            f"one recording answers only the closing turn, so the {others} "
            "skipped (give one --answer per question to run them all)"
        )
    left = answer_turns - recordings
    return f"{recordings} recordings for {answer_turns} questions: the last {'one was' if left == 1 else f'{left} were'} skipped"


def _cannot_save(store: Store, staging: Path, captured: list[np.ndarray], exc: OSError) -> StoreError:
    """The error for a data directory that cannot be written mid-drill, after keeping the answers.

    The answers go to a private folder in the temporary directory (usually another
    disk); only when that fails too are they left in the staging folder, for the
    next drill to recover.
    """
    reason = exc.strerror or str(exc)
    fix = "free some space or set VOICEPRACTICE_HOME to a writable folder, then drill again"
    if not captured:
        store.discard(staging)
        return StoreError(f"cannot save the session in {store.root} ({reason}): nothing was recorded yet; {fix}")
    try:
        rescue = Path(tempfile.mkdtemp(prefix="voicepractice-rescue-"))  # 0700
        for n, audio in enumerate(captured, 1):
            audio_mod.write_wav(rescue / f"answer-{n}.wav", audio)
    except OSError:
        log.warning("could not copy the answers out of %s", staging, exc_info=True)
        return StoreError(f"cannot save the session in {store.root} ({reason}): what was recorded is in {staging}; {fix}")
    store.discard(staging)
    return StoreError(f"cannot save the session in {store.root} ({reason}): your answer is kept in {rescue}; {fix}")


def _details(options: DrillOptions, scenario: Scenario) -> dict[str, object]:
    d = options.details
    return {
        "interviewer": d.interviewer or scenario.defaults.get("interviewer"),
        "company": d.company or scenario.defaults.get("company"),
        "role": d.role or scenario.defaults.get("role"),
        # Which of those are the script's stand-ins, not the person's: the follow-up must not greet
        # "Sam" (a scenario file's own defaults cannot be looked up again by the scenario's name).
        "stand_ins": [k for k in ("interviewer", "company", "role") if not getattr(d, k) and scenario.defaults.get(k)],
        "model": options.transcribe.model,
        "voice": options.voice.voice,
        "answers_from": [str(p) for p in options.answers] or "microphone",
    }


class _Speaker:
    """Renders and plays the interviewer's lines; degrades to text when sound is unavailable.

    Lines render in a background thread, in order, so the first one can play as
    soon as it is ready while the rest are made; lines said before come from the
    cache (tts_cache). Memory: the natural voice first turns every line the drill
    may say (replies included) into phonemes and drops its 100 MB of spelling
    tables, renders the drill's lines, lets the model go and sets ``done``; only
    then does Whisper load, so the two models are never in memory together. A
    reply renders between the answer and the next line (from its phonemes, while
    Whisper is idle) and the model is let go again. On the phone line the call
    opens with a ring, which plays while the voice loads.
    """

    def __init__(
        self, options: DrillOptions, staging: Path, ui: DrillUI, notes: list[str],
        line: Line = "clean", done: threading.Event | None = None,
    ) -> None:  # fmt: skip
        self.options = options
        self.staging = staging
        self.ui = ui
        self.notes = notes
        self.line = line
        self.done = done or threading.Event()
        self.available = True
        self.tts = True
        self.rang = False
        self._ready: dict[str, threading.Event] = {}
        self._texts: dict[str, str] = {}
        self._made: dict[str, tuple[str, bool]] = {}
        """Lines made ready ahead of ``say`` (``ready``): the text and whether it rendered."""
        self._prepared_audio: dict[str, tuple[np.ndarray, int]] = {}
        """A prepared line's own audio, kept once a reply has been put before it (a reopened
        answer may change the reply, and the next one goes before the line again, not before both)."""
        self._failed: dict[str, SpeechError] = {}
        self._fallback_noted = False
        self._first_said = threading.Event()
        self.started: float | None = None
        """When the last line's first block went to the device (time.monotonic())."""
        self._hurry = threading.Event()
        self._thread: threading.Thread | None = None

    def prepare(self, lines: list[tuple[str, str]], ahead: list[str] | None = None) -> None:
        """Start rendering every known line, first line first.

        ``ahead`` are lines this drill or the next may say (every phrasing of every turn, the
        replies): phonemized now, then rendered into the cache until the person starts answering.
        """
        for name, text in lines:
            self._ready[name] = threading.Event()
            self._texts[name] = text
        self._thread = threading.Thread(target=self._render_all, args=(lines, ahead or []), name="tts-render", daemon=True)
        self._thread.start()

    def close(self) -> None:
        """Stop rendering ahead and wait for the line being rendered: a process that exits while
        onnxruntime runs on a daemon thread can die in C++ ("terminate called without an active
        exception") instead of exiting with its own code."""
        self._hurry.set()
        self._first_said.set()
        if self._thread is not None:
            self._thread.join(timeout=15)

    def hurry(self) -> None:
        """The person is about to answer: stop rendering ahead, so Whisper can load now."""
        self._hurry.set()

    def _render_all(self, lines: list[tuple[str, str]], ahead: list[str]) -> None:
        try:
            # Lines already in the cache are a file copy: the first one goes out before anything
            # loads the voice, and the voice loads (about a second of GIL-bound work) only once
            # that line is sounding, so it does not hold up the first word.
            pending = list(lines)
            while pending and self._cached(pending[0][1]):
                self._render_one(*pending.pop(0))
            if len(pending) < len(lines) and (pending or self._uncached(ahead)):
                self._first_said.wait(timeout=10)
            self._phonemize_first([text for _, text in pending] + ahead)
            for name, text in pending:
                self._render_one(name, text)
            # Rendering ahead serves the natural voice's start-up only (espeak-ng renders a line in
            # a blink), and espeak-ng through pyttsx3 crashed the process (SIGSEGV in Synth) when it
            # rendered here while Whisper, Smart Turn and Praat ran on other threads.
            if not natural.is_natural(self.options.voice.voice) or self._fallback_noted:
                ahead = []
            for text in ahead:
                if self._failed or self._hurry.is_set():
                    break  # what is left is rendered by the next drill, or when it is said
                try:  # the next drill needs no voice model at all once every line is cached
                    warm(text, self.options.voice, self.line)
                except Exception as exc:  # only speed is at stake
                    log.info("could not render ahead %r: %s", text[:40], exc)
        finally:
            natural.unload()
            # Whisper's load is heavy Python work that would hold up the first line: it starts
            # once the first line is sounding (it has the whole line to load).
            self._first_said.wait(timeout=10)
            self.done.set()

    def _uncached(self, texts: list[str]) -> bool:
        return natural.is_natural(self.options.voice.voice) and not all(self._cached(t) for t in texts)

    def _cached(self, text: str) -> bool:
        try:
            return is_cached(text, self.options.voice, self.line)
        except SpeechError:
            return False  # rendering says why

    def _render_one(self, name: str, text: str) -> None:
        try:
            self._render_now(text, name)
        except SpeechError as exc:
            self._failed[name] = exc
        except Exception as exc:  # the staging folder went away (drill aborted): nothing to play
            self._failed[name] = SpeechError(str(exc))
        finally:
            self._ready[name].set()

    def _phonemize_first(self, texts: list[str]) -> None:
        """With the natural voice, phonemize every line not cached yet and free the tables (100 MB) at once."""
        if not natural.is_natural(self.options.voice.voice):
            return
        try:
            missing = [t for t in texts if not is_cached(t, self.options.voice, self.line)]
            if missing:
                natural.phonemize_ahead(missing)
        except SpeechError:
            pass  # rendering says so (and falls back to the system voice)

    def _render_now(self, text: str, name: str) -> None:
        done = render_line(text, self.staging / name, self.options.voice, self.line)
        if done.fallback and not self._fallback_noted:
            self._fallback_noted = True
            self._note(done.fallback)

    def _render(self, line: str, name: str, fresh: bool) -> bool:
        if not self.tts:
            return False
        event = self._ready.get(name)
        try:
            if event is not None:
                event.wait()  # also when fresh: the background render of the old text must not land after ours
            if name in self._failed:
                raise self._failed[name]
            if fresh or event is None:
                self._render_fresh(line, name)
            return True
        except SpeechError as exc:
            self.tts = False
            self._note(f"text-to-speech failed ({exc}); {self._lines_unheard()}")
            return False

    def _render_fresh(self, line: str, name: str) -> None:
        """A line that changed since prepare: a reply put before the prepared line, joined from both."""
        prepared = self._texts.get(name)
        path = self.staging / name
        if not prepared or not line.endswith(prepared) or not (name in self._prepared_audio or path.is_file()):
            self._render_now(line, name)
            return
        reply = line[: -len(prepared)].strip()
        part = self.staging / f".reply-{name}"
        try:
            self._render_now(reply, part.name)
        finally:
            natural.unload()  # Whisper is about to decode the next answer: give it the memory
        first, rate = audio_mod.read_wav(part)
        if name not in self._prepared_audio:
            self._prepared_audio[name] = audio_mod.read_wav(path)
        second, rate2 = self._prepared_audio[name]
        pause = np.zeros(int(0.35 * rate), np.float32)
        audio_mod.write_wav(path, np.concatenate([first, pause, audio_mod.resample(second, rate2, rate)]), rate)
        part.unlink(missing_ok=True)

    def ready(self, line: str, name: str, fresh: bool = False) -> None:
        """Make a line ready to play now (render it; ``fresh``: it changed since prepare), so that
        ``say`` starts it at once. A line made again with the same text is not rendered twice."""
        if self._made.get(name, ("", False))[0] == line:
            return
        if not fresh and name in self._prepared_audio:  # the reply before it was taken back
            audio_mod.write_wav(self.staging / name, *self._prepared_audio.pop(name))
        self._made[name] = (line, self._render(line, name, fresh))

    def say(self, line: str, name: str, fresh: bool = False, stop: Callable[[], bool] | None = None) -> str | None:
        """Show and play a line; ``fresh`` renders it again (it changed since prepare); ``stop``:
        asked every 100 ms while it plays, True stops it (see speak.play_samples)."""
        if not self.rang:
            self.rang = True
            if self.line == "phone" and self.available:
                self._play(phoneline.ring_and_pickup(), phoneline.OUT_RATE)
        self.started = None
        self.ready(line, name, fresh)  # the prepared line's own audio is kept: a stopped line is said again
        wav = name if self._made[name][1] else None
        self.ui.interviewer(line)
        if wav and self.available:
            try:
                # Whisper's load starts once the line is sounding: started earlier, its imports
                # held the GIL while this thread opened the device, and the first word came later.
                play(self.staging / wav, self.options.output_device, on_start=self._on_start, stop=stop)
            except AudioDeviceError as exc:
                self.available = False
                self._note(f"{exc}; {self._lines_unheard()}")
        self._first_said.set()
        return wav

    def _on_start(self) -> None:
        self.started = time.monotonic()
        log.debug("line started at monotonic %.3f", self.started)
        self._first_said.set()

    def _play(self, audio: np.ndarray, rate: int) -> None:
        try:
            play_samples(audio, rate, self.options.output_device)
        except AudioDeviceError as exc:
            self.available = False
            self._note(f"{exc}; {self._lines_unheard()}")

    def cue(self) -> None:
        try:
            play_samples(audio_mod.tone(), 22_050, self.options.output_device)
        except AudioDeviceError:
            self.available = False

    def _note(self, message: str) -> None:
        self.notes.append(message)
        self.ui.warn(message)

    def _lines_unheard(self) -> str:
        """Where the interviewer's lines are when they cannot be played: on the terminal, or only
        in the session (``drill --json 2>log`` draws nothing but warnings)."""
        if self.ui.live:
            return "the interviewer's lines are shown as text"
        return "the interviewer's lines are not played; each is saved with its turn"


def _lines_ahead(scenario: Scenario, run_turns: list[Turn], details: Details) -> list[str]:
    """What the interviewer may say in this drill or the next: every phrasing of every turn (the first
    turn's first, since the next drill starts with one of them), then the replies."""
    said = [fill(text, scenario, details) for t in run_turns for text in t.lines]
    if any(t.respond for t in run_turns):
        bank = {**shared_replies(), **scenario.answers}
        said += [fill(text, scenario, details) for r in bank.values() for text in r.lines]
    return list(dict.fromkeys(said))


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


@dataclass(frozen=True)
class WarmupSummary:
    """What changed over the rounds of a morning warm-up."""

    rounds: int
    hits: dict[str, list[bool]]
    """Each core element: found in round 1, 2, ..."""
    improved: tuple[str, ...]
    """Missing in the first round, there in the last."""
    slipped: tuple[str, ...]
    """There in the first round, missing in the last."""
    still_missing: tuple[str, ...]
    """Missing in the last round."""
    remember: str
    """The one thing to remember for the real call."""

    def to_dict(self) -> dict[str, object]:
        return {
            "rounds": self.rounds,
            "hits": self.hits,
            "improved": list(self.improved),
            "slipped": list(self.slipped),
            "still_missing": list(self.still_missing),
            "remember": self.remember,
        }


def summarize_rounds(reports: list[Report]) -> WarmupSummary:
    """Compare the rounds of a warm-up and pick the one thing to remember."""
    first, last = reports[0], reports[-1]
    hits = {f.element: [r.finding(f.element).found for r in reports] for f in first.core}
    improved = tuple(e for e, h in hits.items() if not h[0] and h[-1])
    slipped = tuple(e for e, h in hits.items() if h[0] and not h[-1])
    missing = [f for f in last.core if not f.found]
    pitfalls = [f for f in last.pitfalls if f.found]
    if missing:
        f = missing[0]
        remember = f"{f.label or f.element}: {f.coaching or ''} Say something like: “{f.example}”".strip()
    elif pitfalls:
        f = pitfalls[0]
        remember = f"Avoid {f.label.lower() or f.element}: {f.coaching}"
    else:
        weak = [f for f in last.core if f.weak]
        remember = (
            f"{weak[0].label}: {weak[0].coaching}" if weak and weak[0].coaching
            else "Close exactly like your last round: thanks, interest, a concrete recap, and ask about next steps."
        )  # fmt: skip
    return WarmupSummary(
        rounds=len(reports),
        hits=hits,
        improved=improved,
        slipped=slipped,
        still_missing=tuple(f.element for f in missing),
        remember=remember,
    )
