"""The learned checker: the encoder from the wheels, hard negatives, the unsure band, the retrain."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from voicepractice.coach import CheckOptions, Profile, check, judge, model, training
from voicepractice.coach.clauses import split_turns
from voicepractice.coach.encoder import encoder, model_files
from voicepractice.records import Transcript, Word

ROOT = Path(__file__).resolve().parents[1]


def found(text: str, element: str) -> bool:
    return check(Transcript.from_text(text)).finding(element).found


def test_encoder_comes_from_the_installed_wheels() -> None:
    onnx, tokenizer = model_files()
    site = Path(np.__file__).resolve().parents[1]
    assert onnx.is_relative_to(site) and tokenizer.is_relative_to(site)
    vectors = encoder().encode(["What are the next steps?", "Thanks to my mentor I learned Rust."])
    assert vectors.shape == (2, 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    # A clause gets the same vector alone or in a batch: training and checking agree.
    alone = encoder().encode(["What are the next steps?"])
    assert np.allclose(alone[0], vectors[0], atol=1e-5)


@pytest.mark.cold_cache  # the rewrite itself runs here
def test_int8_products_stay_close_to_the_shipped_float_graph(tmp_path: Path) -> None:
    """The rewritten graph multiplies in int8 (fast) and gives the shipped model's vectors within
    quantisation error, the same alone or in any batch (one scale per token, not per batch)."""
    import onnxruntime as ort

    from voicepractice.coach import encoder as enc

    shipped, _ = model_files()
    rewritten = enc.rewritten_model(shipped)
    assert rewritten != shipped and enc.GRAPH_VERSION in rewritten.name
    assert rewritten.stat().st_mode & 0o777 == 0o600
    ops = {n.op_type for n in __import__("onnx").load(str(rewritten)).graph.node}
    assert "MatMulInteger" in ops
    texts = ["What are the next steps?", "my six years running payroll map onto this", "thanks so much, bye",
             "Is there anything about my background that gives you pause?"]
    fast = encoder().encode(texts)
    plain = enc.Encoder.__new__(enc.Encoder)
    plain.__dict__.update(encoder().__dict__)
    plain._session = ort.InferenceSession(str(shipped), providers=["CPUExecutionProvider"])
    exact = plain.encode(texts)
    cosine = (fast * exact).sum(axis=1)
    assert cosine.min() > 0.97, cosine
    alone = np.stack([encoder().encode([t])[0] for t in texts])
    assert np.allclose(alone, fast, atol=1e-6)
    assert np.allclose(encoder().encode(texts[::-1])[::-1], fast, atol=1e-6)


def test_checker_runs_offline_in_a_fresh_process() -> None:
    code = ("import socket\n"
            "def no(*a, **k): raise OSError('network used')\n"
            "socket.socket.connect = no\n"
            "from voicepractice.coach import check\n"
            "from voicepractice.records import Transcript\n"
            "r = check(Transcript.from_text('Thank you so much for your time. What are the next steps?'))\n"
            "print(r.finding('thanks').found, r.finding('next_steps').found)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300,
                         env={"HF_HUB_OFFLINE": "1", "PATH": "/usr/bin:/bin"})
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["True", "True"]


# The hard negatives: the words of an element without its meaning.
@pytest.mark.parametrize(
    ("text", "element"),
    [
        ("The next steps on my last project were a handover to the ops team.", "next_steps"),
        ("My manager asked me what the next steps were.", "next_steps"),
        ("I'll let you know the next steps on my side.", "next_steps"),
        ("I look forward to hearing about next steps.", "next_steps"),
        ("What would my first steps in the role be?", "next_steps"),
        ("Thanks to my mentor I learned to write clean code.", "thanks"),
        ("I'll send a thank-you note to the recruiter.", "thanks"),
        ("I'm interested in Rust as a hobby.", "interest"),
        ("I was excited to leave my last job.", "interest"),
        ("I'm not sure this role is for me.", "interest"),
        ("I look forward to hearing from you.", "interest"),
        ("How many days of paid holiday do I get?", "next_steps"),
    ],
)
def test_hard_negatives_earn_nothing(text: str, element: str) -> None:
    assert not found(text, element)


def test_evidence_is_the_whole_clause_with_time_and_turn() -> None:
    text = "Um, thank you so much for your time today. I ran payroll for six years at a 200-person firm."
    words = tuple(Word(w, start=i * 0.5, end=i * 0.5 + 0.4) for i, w in enumerate(text.split()))
    report = check(Transcript(text=text, words=words, duration=12.0, turn=1))
    q = report.finding("qualifications").evidence[0]
    assert q.quote == "I ran payroll for six years at a 200-person firm."
    assert q.start == pytest.approx(9 * 0.5) and q.turn == 1


def test_unpunctuated_speech_is_cut_into_clauses() -> None:
    t = Transcript.from_text("thank you for your time today i am really excited about this role what are the next steps")
    assert [c.text for c in split_turns([t])] == [
        "thank you for your time today", "i am really excited about this role", "what are the next steps"]


def test_a_spoken_question_the_recogniser_ended_with_a_period_still_asks() -> None:
    """Whisper often writes "." where a question was spoken, and a non-native speaker may not invert: a clause
    that opens with a question word and has only that period (no comma) asks; a pseudo-cleft states."""
    assert judge._unpunctuated_wh("What kind of shifts the new nurses are doing.")
    assert judge._unpunctuated_wh("um when the decision will be made.")
    assert not judge._unpunctuated_wh("What I'd like is to start here and learn.")
    assert not judge._unpunctuated_wh("When I was at the bank, I ran the night shift.")
    assert judge._unpunctuated_wh("what is what is the next step")  # unpunctuated restarts, as before
    report = check(Transcript.from_text("Thank you. What kind of shifts the new nurses are doing."))
    assert report.finding("role_question").found
    report = check(Transcript.from_text("Thank you. What I'd like is to start here and learn."))
    assert not report.finding("role_question").found and not report.finding("next_steps").found


def test_a_curt_question_ending_on_when_asks_without_its_question_mark() -> None:
    """"Decision when?" spoken, written "Decision when." by tiny.en (test10's spoken closes): a short fragment
    ending on "when" or "where" asks; a subject, a negation or a verb of knowing or telling makes it a statement."""
    for asks in ("Decision when.", "Best number to reach you on, and the in-person when.", "Sweet, and roughly when",
                 "Hear back by when"):
        assert judge._wh_last(asks), asks
    for states in ("I'll let you know when.", "Not sure where.", "Tell me when.", "We'll see when.",
                   "The team decides when.", "When?", "Thanks for explaining how the process works and when",
                   "If that works, I'll let you know when."):
        assert not judge._wh_last(states), states
    assert check(Transcript.from_text("Thank you. Decision when.")).finding("next_steps").found
    assert not check(Transcript.from_text("Thank you. I'll let you know when.")).finding("next_steps").found


def test_unsure_band_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    text = "I guess the job could maybe be interesting."
    h = model.head()
    j = h.index("interest")
    t = [Transcript.from_text(text)]
    p = float(judge.probabilities(split_turns(t), h, judge.context(t, Profile(), CheckOptions()))[:, j].max())
    found_t, sure_t = h.found.copy(), h.sure.copy()
    found_t[j], sure_t[j] = p - 0.01, p + 0.01
    monkeypatch.setattr(judge, "head", lambda: dataclasses.replace(h, found=found_t, sure=sure_t))
    f = check(Transcript.from_text(text)).finding("interest")
    assert f.found and f.weak and f.details.get("unsure") is True
    assert f.confidence == pytest.approx(p, abs=1e-3)
    assert f.coaching and f.coaching.startswith(judge.UNSURE)
    assert f.evidence[0].quote == text
    data = f.to_dict()
    assert data["confidence"] == pytest.approx(p, abs=1e-3) and data["weak"] is True
    # Just above the sure threshold: a confident tick, no coaching.
    found_t[j], sure_t[j] = p - 0.02, p - 0.01
    f = check(Transcript.from_text(text)).finding("interest")
    assert f.found and not f.weak and f.coaching is None


def test_head_is_stamped_with_its_weights() -> None:
    h = model.head()
    assert len(h.meta["data_sha256"]) == 64 and h.meta["data_files"]
    lexical = {**h.lexical, "lex_weight": np.array([h.lex_weight], np.float32)} if h.lexical else {}
    assert h.meta["weights_sha256"] == model.weights_sha256(
        {"weights": h.weights, "bias": h.bias, "mean": h.mean, "scale": h.scale, "found": h.found, "sure": h.sure,
         "hidden_w": h.hidden_w, "hidden_b": h.hidden_b, **lexical})


@pytest.mark.slow
def test_retraining_reproduces_the_committed_head(tmp_path: Path) -> None:
    """scripts/train_coach.py on the files the head was trained on gives the same weights, bit for bit."""
    import hashlib
    import shutil

    h = model.head()
    data = tmp_path / "labelled"
    data.mkdir()
    for name, digest in h.meta["data_files"].items():
        src = training.DATA_DIR / name
        if not src.exists() or hashlib.sha256(src.read_bytes()).hexdigest() != digest:
            pytest.skip(f"labelled data changed since the head was trained ({name}): run scripts/train_coach.py")
        shutil.copy(src, data / name)
    assert training.data_sha256(data) == h.meta["data_sha256"]
    out = tmp_path / "head.npz"
    r = subprocess.run([sys.executable, str(ROOT / "scripts" / "train_coach.py"), "--data", str(data),
                        "--out", str(out), "--no-card", "--jobs", "3"], capture_output=True, text=True, timeout=2400)
    assert r.returncode == 0, r.stderr[-2000:]
    _same_head(model.load(out), h)


def _same_head(new: model.Head, committed: model.Head) -> None:
    """Bit for bit on the CPU family the head was trained on. On another (an AMD EPYC without AVX-512
    here, session 40) onnxruntime's int8 kernels round the sentence embeddings differently (feature
    means moved by up to 0.003), and the network lands elsewhere (weights 7308e7e8... for 702500f0...);
    the same training must still reach the same quality, its out-of-fold macro F1 within 0.005."""
    if new.meta["weights_sha256"] == committed.meta["weights_sha256"]:
        return
    assert new.meta["data_sha256"] == committed.meta["data_sha256"]
    assert abs(new.meta["oof_macro_f1"] - committed.meta["oof_macro_f1"]) <= 0.005, (
        new.meta["oof_macro_f1"], committed.meta["oof_macro_f1"])


def timed(text: str, turn: int = 0, step: float = 0.5) -> Transcript:
    words = tuple(Word(w, start=i * step, end=i * step + 0.4) for i, w in enumerate(text.split()))
    return Transcript(text=text, words=words, duration=len(words) * step + 1, turn=turn)


def test_multi_turn_close_quotes_each_turn() -> None:
    report = check([timed("What are the next steps?", turn=0), timed("great, thanks so much, bye", turn=1)])
    assert report.finding("next_steps").evidence[0].turn == 0
    assert report.finding("thanks").evidence[0].turn == 1
    assert report.finding("next_steps").confidence is not None


def test_report_shape_and_order() -> None:
    report = check(Transcript.from_text("Sorry, I rambled. Cool, bye."))
    names = [f.element for f in report.findings]
    assert tuple(names[:4]) == ("interest", "qualifications", "next_steps", "thanks")
    assert names[9] == "rambling"
    for f in report.findings:
        assert f.label
        if f.kind != "pitfall" and not f.found:
            assert f.coaching and f.example and not f.evidence
    assert report.finding("apologising").found
    assert report.finding("apologising").evidence[0].quote == "Sorry, I rambled."
    data = report.to_dict()
    assert set(data["pitfalls"]["apologising"]) >= {"confidence", "weak", "evidence", "details"}


def test_rules_that_stay_exact() -> None:
    # Talking points are matched as words and credit the recap.
    profile = Profile(strengths=("data pipelines", "stakeholder management"))
    q = check(Transcript.from_text("Thank you. I built pipelines for our data team."), profile).finding("qualifications")
    assert q.found and q.details["strengths_mentioned"] == ["data pipelines"]
    assert q.coaching and "stakeholder management" in q.coaching
    # Rambling is length.
    long = " ".join(["I worked on many different projects over the years at my old job."] * 12)
    assert check(Transcript.from_text(long)).finding("rambling").found
    # A statement is not a next-steps question, whatever its words.
    assert not found("The next steps are clear to me now.", "next_steps")
    # Asking for the job is interest too.
    report = check(Transcript.from_text("I hope you'll consider me for the role."))
    assert report.finding("ask_for_job").found and report.finding("interest").found


def test_non_english_turn_earns_nothing() -> None:
    t = Transcript(text="Thank you so much for your time.", words=tuple(Word(w) for w in "Thank you so much for your time.".split()),
                   language="unknown")
    assert check(t).score == 0


def test_asking_to_be_considered_is_asking_for_the_job_by_rule() -> None:
    """The exact rule: an ask to be considered, in so many words, is an ask; in the past or reported it is not."""
    texts = ["I'd love it if you would consider me for the position.", "please keep me in mind for this role",
             "i very much hope to be invited to the next stage", "I was hoping to be considered last year.",
             "My manager asked me to consider his plan.", "What happens in the next round?"]
    n = len(model.ELEMENTS)
    p = judge.exact_rules(np.zeros((len(texts), n), np.float32), texts, np.zeros((len(texts), n), np.float32),
                          model.ELEMENTS)
    ask = p[:, model.ELEMENTS.index("ask_for_job")]
    assert list(ask >= judge.ASK_RULE_P) == [True, True, True, False, False, False]
    assert found("Thank you. Please keep me in mind for this role.", "ask_for_job")
    assert found("Thank you. Please keep me in mind for this role.", "interest")


def test_more_asks_for_the_job_by_rule_and_their_near_misses() -> None:
    """Round 4's asks in so many words (choose me, give me a chance, put me forward, move forward in the process);
    a story, a negation, the job description or the opportunity to ask a question are not asks."""
    texts = ["I hope you'll choose me.", "please give me a chance", "Will you recommend me to your boss?",
             "would you put me through to the next stage", "I'd really like to move forward in the process.",
             "They didn't give me a chance at my last job.", "My old boss put me forward for a course.",
             "Could you give me the job description?", "I'd love it if you could give me a chance to ask one more thing.",
             "I recommend my last team to anyone."]
    n = len(model.ELEMENTS)
    p = judge.exact_rules(np.zeros((len(texts), n), np.float32), texts, np.zeros((len(texts), n), np.float32),
                          model.ELEMENTS)
    ask = p[:, model.ELEMENTS.index("ask_for_job")]
    assert list(ask >= judge.ASK_RULE_P) == [True] * 5 + [False] * 5


def test_a_reported_question_is_not_asked_unless_the_person_asks_too() -> None:
    texts = ["my manager asked me what the next steps were", "She told me the next step is a trial day.",
             "my friend said the next step is a trial day is that right", "so what are the next steps"]
    n = len(model.ELEMENTS)
    p = judge.exact_rules(np.ones((len(texts), n), np.float32), texts, np.zeros((len(texts), n), np.float32),
                          model.ELEMENTS)
    assert list(p[:, model.ELEMENTS.index("next_steps")] > 0.5) == [False, False, True, True]


def test_round_five_rules_and_what_they_leave_alone() -> None:
    """A span of the new hire's time is a role question, not next steps, unless the process is named; a
    promise to restate interest later is not interest now; a practical question under "if you hire me" is
    neither interest nor an ask. The look-alikes on the other side keep the model's verdict."""
    n = len(model.ELEMENTS)
    col = model.ELEMENTS.index

    def after(texts: list[str]) -> np.ndarray:
        return judge.exact_rules(np.ones((len(texts), n), np.float32), texts,
                                 np.zeros((len(texts), n), np.float32), model.ELEMENTS)

    span = ["What is the expectation for the first 30, 60 and 90 days?",
            "what would i need to achieve over the next 12 months",
            "Will I hear back in the next two weeks?", "When do you decide, in the next few days?",
            "What are the next steps?"]
    assert list(after(span)[:, col("next_steps")] > 0.5) == [False, False, True, True, True]
    restate = ["I'll send a thank-you email tonight to reiterate my interest in the position.",
               "i will write to confirm my interest", "Let me reiterate my strong interest in the position.",
               "I'd like to reiterate my interest in the analyst role."]
    assert list(after(restate)[:, col("interest")] > 0.5) == [False, False, True, True]
    hired = ["If you hire me, when do you want me to start?", "so if i get the job who would train me",
             "I really want this job.", "I'd love to start as soon as you like."]
    p = after(hired)
    assert list(p[:, col("interest")] > 0.5) == [False, False, True, True]
    assert list(p[:, col("ask_for_job")] > 0.5) == [False, False, True, True]


def test_training_reads_only_the_scored_splits() -> None:
    def close(split: str) -> training.Close:
        return training.Close(id=split, source=split, root=split, style="clean", split=split, sentences=())

    splits = ("train", "dev", "test", "test2", "test3", "test4", "test5", "test6", "blind")
    pool = training.training_pool([close(s) for s in splits])
    assert [c.split for c in pool] == ["train", "dev", "test", "test2", "test3", "test4", "test5", "test6"]


def test_round_six_rules_and_what_they_leave_alone() -> None:
    """The hiring process named on its own is asked even when the transcript lost its question mark; the
    presumptive "When do I start?" asks for the job and is not next steps. A statement about one's own next
    steps, a condition, a quotation or "start the training" keep the model's verdict."""
    n = len(model.ELEMENTS)
    col = model.ELEMENTS.index

    def after(texts: list[str]) -> np.ndarray:
        return judge.exact_rules(np.ones((len(texts), n), np.float32), texts,
                                 np.zeros((len(texts), n), np.float32), model.ELEMENTS)

    named = ["Next steps.", "So, the timeline.", "and the next stage please", "The next step for me is my exams.",
             "Timeline on my last job was tight.", "The next steps are clear to me now."]
    assert list(after(named)[:, col("next_steps")] > 0.5) == [True, True, True, False, False, False]
    start = ["So when do I start?", "when can i start then", "When would I start, if it goes well?",
             "When can I start the training module?", "She wrote that when do I start is too pushy."]
    p = judge.exact_rules(np.full((len(start), n), 0.5, np.float32), start,
                          np.zeros((len(start), n), np.float32), model.ELEMENTS)
    assert list(p[:, col("next_steps")] > 0) == [False, False, True, True, True]
    assert list(p[:, col("ask_for_job")] >= judge.ASK_RULE_P) == [True, True, False, False, False]


def test_round_eight_fit_asked_is_not_the_recap() -> None:
    """Asking the interviewer whether one fits ("do you think I'd be a good fit?", "am I a good fit?") invites
    concerns and is never the recap (LABELLING.md); a claim of fit, a question the person answers, a role that
    fits the person's wishes, or a question that also states experience keep the model's verdict."""
    n = len(model.ELEMENTS)
    col = model.ELEMENTS.index
    texts = ["Do you think I'd be a good fit for the team?", "uh how do you think i fit this position",
             "Am I a good fit?", "So how do you reckon I'd fit with the other coaches?",
             "I think I'd be a good fit.", "Why would I be a good fit? Because I've done this exact role for years.",
             "I'm confident I'd fit, don't you think?", "Do you think my ten years in payroll make me a good fit?",
             "This position is the right fit for me.", "i reckon i'd fit in really well here"]
    p = judge.exact_rules(np.ones((len(texts), n), np.float32), texts,
                          np.zeros((len(texts), n), np.float32), model.ELEMENTS)
    assert list(p[:, col("qualifications")] > 0.5) == [False] * 4 + [True] * 6
    assert (p[:, col("invite_concerns")] == 1.0).all()  # the rule takes the recap away and nothing else
