"""The checker's labelled data (issue #11) passes its validator, and the validator catches bad files."""

from __future__ import annotations

import importlib.util
import json
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
LABELLED = ROOT / "src" / "voicepractice" / "coach" / "data" / "labelled"


def _script(name: str):  # type: ignore[no-untyped-def]
    """``scripts/NAME.py`` as a module (the scripts are not a package)."""
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


check = _script("check_coach_data")


def test_the_labelled_data_is_valid() -> None:
    data = check.load(LABELLED)
    assert data.problems == []
    assert len(data.closes) > 0
    # every split gets whole sources, so the test split can be scored blind
    from voicepractice.coach import training

    # (a held-out batch being written may have no source yet; every split trained on has some)
    assert set(training.TRAINING_SPLITS) <= {s.split for s in data.sources.values()} <= set(training.SPLITS)


def test_held_out_batch_is_never_trained_on() -> None:
    """test2 sources keep their listed split whatever their hash, and training reads train and dev only."""
    from voicepractice.coach import training

    closes = training.load_closes()
    held = [c for c in closes if c.split == training.HELD_OUT]
    assert len(held) >= 150 and len({c.root for c in held}) >= 30
    assert {c.root for c in held}.isdisjoint({c.root for c in closes if c.split != training.HELD_OUT})
    assert training.split_of("web-cheftalk-culinary", "test2") == "test2"
    assert training.split_of("web-cheftalk-culinary", "train") == check.hash_split("web-cheftalk-culinary")


def test_third_held_out_batch_is_never_trained_on() -> None:
    """test3 (written after test2's errors were read) is held out like test2: whole sources, never trained on."""
    from voicepractice.coach import training

    closes = training.load_closes()
    held = [c for c in closes if c.split == training.HELD_OUT_3]
    assert len(held) >= 120 and len({c.root for c in held}) >= 50
    assert {c.root for c in held}.isdisjoint({c.root for c in closes if c.split != training.HELD_OUT_3})
    for extra in ("ask_for_job", "offer_more_info", "invite_concerns", "role_question"):
        assert sum(extra in c.gold() for c in held) >= 15, extra
    assert training.split_of("web-tonybeshara-askjob", "test3") == "test3"


def _held_out_batch(split: str) -> tuple[list, list, dict[str, str]]:
    """Every close, the held-out batch's, and each source's kind, once the checks every batch passes hold:
    whole sources of its own, and spoken copies held out with their parents."""
    from voicepractice.coach import training

    closes = training.load_closes()
    held = [c for c in closes if c.split == split]
    assert {c.root for c in held}.isdisjoint({c.root for c in closes if c.split != split})
    assert all(c.split == split for c in held if c.source != c.root)  # spoken copies inherit it
    kinds = {s: row[0] for s, row in training.load_sources().items()}
    return closes, held, kinds


def _assert_balanced(held: list, kinds: dict[str, str], *, core: tuple[int, int], extras: dict[str, int],
                     written_after: float, hard_negative: float) -> None:
    """Big and balanced enough for a per-element F1: each core element present in ``core[0]`` closes and absent
    from ``core[1]``, each extra in its floor, the written-after and hard-negative shares of the closes."""
    assert sum(kinds.get(c.source) == "written-after" for c in held) < written_after * len(held)
    for element in ("interest", "qualifications", "next_steps", "thanks"):
        present = sum(element in c.gold() for c in held)
        assert present >= core[0] and len(held) - present >= core[1], element
    for extra, floor in extras.items():
        assert sum(extra in c.gold() for c in held) >= floor, extra
    assert sum(any(s.hard_negative for s in c.sentences) for c in held) >= hard_negative * len(held)


def _assert_batch_floors(held: list, kinds: dict[str, str], *, closes: int, roots: int, spoken: int, verbatim: int,
                         core: tuple[int, int], extra: int, written_after: float, hard_negative: float) -> None:
    """A held-out batch's floors: its closes and root sources, its spoken copies, its closes in other people's
    words, then ``_assert_balanced`` with the same floor for every extra."""
    assert len(held) >= closes and len({c.root for c in held}) >= roots
    assert sum(c.style == "tts_asr" for c in held) >= spoken
    assert sum(kinds.get(c.source) in ("web", "forum", "coaching") for c in held) >= verbatim  # other people's words
    extras = dict.fromkeys(
        ("role_question", "offer_more_info", "invite_concerns", "ask_for_job", "follow_up_contact"), extra)
    _assert_balanced(held, kinds, core=core, extras=extras, written_after=written_after, hard_negative=hard_negative)


def _assert_both_halves_routed(split: str) -> Any:
    """A split two engineers wrote in parallel: both halves' drafts (``{split}_*``, ``{split}b_*``) go to
    sources-{split}.tsv with the split, and every source of them is listed there. Returns the converter module."""
    from voicepractice.coach import training

    drafts = _script("coach_drafts_to_jsonl")
    assert drafts.route(f"{split}_web_verbatim") == drafts.route(f"{split}b_web_verbatim") == (
        LABELLED / f"sources-{split}.tsv", split)
    listed = training.listed_splits()
    for path in sorted((ROOT / "scripts" / "coach_drafts").glob(f"{split}*_*.txt")):
        for source in drafts.convert(path)[1]:
            assert listed.get(source) == split, (path.name, source)
    return drafts


def _assert_trained_on_after_first_run(split: str, closes: list, held: list) -> None:
    """A batch already scored: its first run is on record, and from then on every close of it is trained on."""
    from voicepractice.coach import training

    assert split in training.HELD_OUT_SPLITS and split in training.SPLITS
    first_run = ROOT / "bench" / "results" / f"checker_{split}_first_run.json"
    assert first_run.exists() and split in training.TRAINING_SPLITS
    assert len([c for c in training.training_pool(closes) if c.split == split]) == len(held)


def _assert_never_trained_on(split: str, closes: list) -> None:
    """A batch not yet scored: held out, out of the training pool, and a source listed in it keeps its split."""
    from voicepractice.coach import training

    assert split in training.HELD_OUT_SPLITS and split not in training.TRAINING_SPLITS
    assert not [c for c in training.training_pool(closes) if c.split == split]
    assert training.split_of("web-any-page", split) == split


def test_fourth_held_out_batch_is_whole_sources_and_trained_on_only_after_its_first_run() -> None:
    """test4 (closes written by other people, labelled while the model was tuned elsewhere) was held out like
    test2 and test3: whole sources (a spoken copy stays with its parent). Its first run is on record, so from
    round 5 it is trained on, like test2 and test3 before it."""
    from voicepractice.coach import training

    closes, held, kinds = _held_out_batch(training.HELD_OUT_4)
    assert len(held) >= 220 and len({c.root for c in held}) >= 100
    assert sum(c.style == "tts_asr" for c in held) >= 65
    text = [c for c in held if kinds.get(c.source) != "derived"]
    verbatim = sum(kinds.get(c.source) in ("web", "forum", "coaching") for c in text)
    assert verbatim >= 65  # text closes in other people's own words, not ours (their spoken copies not counted)
    assert sum(kinds.get(c.source) == "written-after" for c in held) < 0.4 * len(held)
    for element in ("interest", "qualifications", "next_steps", "thanks"):
        present = sum(element in c.gold() for c in held)
        assert present >= 50 and len(held) - present >= 30, element
    for extra in ("role_question", "offer_more_info", "invite_concerns", "ask_for_job", "follow_up_contact"):
        assert sum(extra in c.gold() for c in held) >= 28, extra
    for pitfall in ("negativity", "too_casual", "salary_first", "apologising"):
        assert sum(pitfall in c.gold() for c in held) >= 8, pitfall
    name = next(c.root for c in held)
    assert training.split_of(name, "test4") == "test4"
    assert training.split_of(name, "train") == check.hash_split(name)
    _assert_trained_on_after_first_run(training.HELD_OUT_4, closes, held)


def test_fifth_held_out_batch_is_whole_sources_and_trained_on_only_after_its_first_run() -> None:
    """test5 (labelled blind while coach5 improved the model, like test4) was held out the same way: whole
    sources on their own, spoken copies with their parents, and large and
    balanced enough for a per-element F1 (each core element present in 70 closes and absent from 150, role
    questions in 150, offers, concerns and asks for the job in 45 each, follow-up contact in 15; test5b's second
    batch raised the extras from 25-30 and the verbatim closes from 91 to 151). Its first run is on record, so
    from round 6 it is trained on, like test4 before it."""
    from voicepractice.coach import training

    closes, held, kinds = _held_out_batch(training.HELD_OUT_5)
    assert len(held) >= 350 and len({c.root for c in held}) >= 170
    assert sum(c.style == "tts_asr" for c in held) >= 80
    assert sum(kinds.get(c.source) in ("web", "forum", "coaching") for c in held) >= 150  # other people's words
    floors = {"role_question": 150, "offer_more_info": 45, "invite_concerns": 45, "ask_for_job": 45,
              "follow_up_contact": 15}  # fmt: skip
    _assert_balanced(held, kinds, core=(70, 150), extras=floors, written_after=0.5, hard_negative=0.4)
    _assert_trained_on_after_first_run(training.HELD_OUT_5, closes, held)
    name = next(c.root for c in held)
    assert training.split_of(name, "test5") == "test5"
    assert training.split_of(name, "train") == check.hash_split(name)


def test_sixth_held_out_batch_is_whole_sources_and_trained_on_only_after_its_first_run() -> None:
    """test6 (two engineers in parallel: test6_* and test6b_* drafts, labelled blind while coach6 improved the
    model) is held out like test5: every source of both engineers' drafts listed in sources-test6.tsv with the
    split test6, whole sources on their own (no root shared with any other split), spoken copies with their
    parents; and big and balanced enough for a per-element F1 (each core
    element present in 50 closes and absent from 100, each extra in 25, 55 verbatim closes and 55 spoken
    copies). The written-after share is about half, not under it: the two
    DailyDialog/DialogSum sources (CC BY-NC-SA, which the product cannot carry) were taken out before scoring,
    and stored pages with new verbatim closes had run short. Its first run is on record, so from round 7 it is
    trained on."""
    from voicepractice.coach import training

    drafts = _assert_both_halves_routed(training.HELD_OUT_6)
    assert drafts.route("test5_web_verbatim")[1] == training.HELD_OUT_5 and drafts.route("own_x")[1] is None

    closes, held, kinds = _held_out_batch(training.HELD_OUT_6)
    _assert_batch_floors(held, kinds, closes=220, roots=95, spoken=55, verbatim=55, core=(50, 100), extra=25,
                         written_after=0.52, hard_negative=0.5)
    _assert_trained_on_after_first_run(training.HELD_OUT_6, closes, held)
    assert training.split_of("web-any-page", "test6") == "test6"
    assert training.split_of("web-any-page", "train") == check.hash_split("web-any-page")


def test_seventh_held_out_batch_is_whole_sources_and_trained_on_only_after_its_first_run() -> None:
    """test7 (two engineers in parallel: test7_* and test7b_* drafts, labelled blind while coach8 improved the
    model) is held out like test6: every source of both engineers' drafts listed in sources-test7.tsv with the
    split test7, whole sources on their own, spoken copies with their parents; and big
    and balanced enough for a per-element F1 (each core element present in 120 closes and absent from 150, each
    extra in 30, 140 verbatim closes and 140 spoken copies). Its verbatim closes are mostly people's own lists of
    questions: the pages with whole closes had been used by earlier splits, so a little over half is written after
    advice pages. Its first run is on record, so from round 9 it is trained on."""
    from voicepractice.coach import training

    drafts = _assert_both_halves_routed(training.HELD_OUT_7)
    assert drafts.route("coach8_fit")[1] is None

    closes, held, kinds = _held_out_batch(training.HELD_OUT_7)
    _assert_batch_floors(held, kinds, closes=550, roots=200, spoken=140, verbatim=140, core=(120, 150), extra=30,
                         written_after=0.56, hard_negative=0.5)
    _assert_trained_on_after_first_run(training.HELD_OUT_7, closes, held)
    assert training.split_of("web-any-page", "test7") == "test7"


def test_eighth_held_out_batch_is_whole_sources_and_trained_on_only_after_its_first_run() -> None:
    """test8 (two engineers in parallel: test8_* and test8b_* drafts, labelled blind while coach9 read test7's
    errors) is held out like test7: both halves routed to sources-test8.tsv, whole sources on their own, spoken
    copies with their parents, never in the training pool until its first run is on record; and big and balanced
    enough for a per-element F1 (each core element present in 250 closes and absent from 350, each extra in 60).
    New pages with whole closes were scarce: 50 closes are in other people's words, the rest written after
    advice pages. Its first run is on record, so from round 10 it is trained on."""
    from voicepractice.coach import training

    drafts = _assert_both_halves_routed(training.HELD_OUT_8)
    assert drafts.route("coach9_recap")[1] is None
    closes, held, kinds = _held_out_batch(training.HELD_OUT_8)
    _assert_batch_floors(held, kinds, closes=690, roots=380, spoken=49, verbatim=50, core=(250, 350), extra=60,
                         written_after=0.9, hard_negative=0.8)
    _assert_trained_on_after_first_run(training.HELD_OUT_8, closes, held)
    assert training.split_of("web-any-page", "test8") == "test8"


def test_ninth_held_out_batch_is_whole_sources_and_trained_on_only_after_its_first_run() -> None:
    """test9 (two engineers in parallel: test9_* and test9b_* drafts, labelled blind while coach10 read test8's
    errors) is held out like test8: both halves routed to sources-test9.tsv, whole sources on their own, spoken
    copies with their parents, never in the training pool until its first run is on record; big and balanced
    enough for a per-element F1 (each core element present in 260 closes and absent from 280, each extra in 45).
    Pages quoting whole closes were used up: 35 closes are in other people's words, the rest written after advice
    pages, with a look-alike in fewer closes than test8 (written to read like real closes). Its first run is on
    record, so from round 11 it is trained on."""
    from voicepractice.coach import training

    drafts = _assert_both_halves_routed(training.HELD_OUT_9)
    assert drafts.route("coach10_recap")[1] is None
    closes, held, kinds = _held_out_batch(training.HELD_OUT_9)
    _assert_batch_floors(held, kinds, closes=910, roots=380, spoken=35, verbatim=35, core=(260, 280), extra=45,
                         written_after=0.95, hard_negative=0.55)
    _assert_trained_on_after_first_run(training.HELD_OUT_9, closes, held)


def test_tenth_held_out_batch_is_whole_sources_and_trained_on_only_after_its_first_run() -> None:
    """test10 (two engineers in parallel: test10_* and test10b_* drafts, labelled blind after round 10 shipped) is
    held out like test9: both halves routed to sources-test10.tsv, whole sources on their own, spoken copies with
    their parents, never in the training pool until its first run is on record; big enough for a per-element F1
    (each core element present in 250 closes and absent from 100: thanks is in 86 % of them; each extra in 40).
    19 closes are in other people's words, the rest written after advice pages. Its first run is on record, so from
    round 12 it is trained on."""
    from voicepractice.coach import training

    _assert_both_halves_routed(training.HELD_OUT_10)
    closes, held, kinds = _held_out_batch(training.HELD_OUT_10)
    _assert_batch_floors(held, kinds, closes=715, roots=275, spoken=19, verbatim=19, core=(250, 100), extra=40,
                         written_after=0.96, hard_negative=0.6)
    _assert_trained_on_after_first_run(training.HELD_OUT_10, closes, held)


def test_eleventh_held_out_batch_is_whole_sources_and_never_trained_on() -> None:
    """test11 (two engineers in parallel: test11_* and test11b_* drafts, labelled blind after round 11 shipped while
    coach11 read test10's errors) is held out like test10: both halves routed to sources-test11.tsv, whole sources on
    their own, spoken copies with their parents, never in the training pool until its first run is on record; big
    enough for a per-element F1 (each core element present in 275 closes and absent from 190, each extra in 45).
    Only 10 closes are in other people's words (lists of questions), the rest written after advice pages."""
    from voicepractice.coach import training

    drafts = _assert_both_halves_routed(training.HELD_OUT_11)
    assert drafts.route("coach11_qcreds")[1] is None  # coach11 is training data, split by the hash
    closes, held, kinds = _held_out_batch(training.HELD_OUT_11)
    _assert_batch_floors(held, kinds, closes=680, roots=275, spoken=10, verbatim=10, core=(275, 190), extra=45,
                         written_after=0.99, hard_negative=0.7)
    _assert_never_trained_on(training.HELD_OUT_11, closes)


def test_the_hash_rule_is_the_spec_one() -> None:
    import hashlib

    for name in ("own-nurse-clean", "web-indeed-closing", "x"):
        h = int(hashlib.sha1(name.encode()).hexdigest(), 16) % 100
        assert check.hash_split(name) == ("test" if h < 25 else "dev" if h < 40 else "train")


def _copy(tmp_path: Path) -> Path:
    folder = tmp_path / "labelled"
    folder.mkdir()
    tsv = folder / "sources-t.tsv"
    tsv.write_text("source\tkind\tref\tsplit\n"
                   f"own-a\town\tdesc\t{check.hash_split('own-a')}\n"
                   f"own-a-spoken\tderived\town-a spoken\t{check.hash_split('own-a')}\n")  # fmt: skip
    close = {"id": "own-a-1", "source": "own-a", "style": "clean", "sentences": [
        {"text": "Thanks for your time.", "turn": 0, "labels": ["thanks"], "hard_negative": []},
        {"text": "Thanks to my mentor I learned a lot.", "labels": [], "hard_negative": ["thanks"]}]}  # fmt: skip
    (folder / "a.jsonl").write_text(json.dumps(close) + "\n")
    return folder


def test_a_good_tmp_folder_passes(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    assert check.load(folder).problems == []
    assert check.main(["--folder", str(folder)]) == 0


@pytest.mark.parametrize(
    ("mutate", "expect"),
    [
        (lambda c: c["sentences"][0].update(labels=["thanks", "gratitude"]), "unknown element 'gratitude'"),
        (lambda c: c["sentences"][0].update(hard_negative=["thanks"]), "both a label and a hard negative"),
        (lambda c: c["sentences"][0].update(labels=["ask_for_job"]), "also counts as interest"),
        (lambda c: c.update(style="shouty"), "style 'shouty'"),
        (lambda c: c.update(source="own-unlisted"), "not listed"),
        (lambda c: c["sentences"][1].pop("hard_negative"), "sentence keys"),
        (lambda c: c["sentences"][0].update(turn=7), "turn must be"),
        (lambda c: c.pop("style"), "exactly id, source, style, sentences"),
    ],
)
def test_a_malformed_close_fails(tmp_path: Path, mutate, expect: str, capsys: pytest.CaptureFixture[str]) -> None:  # type: ignore[no-untyped-def]
    folder = _copy(tmp_path)
    close = json.loads((folder / "a.jsonl").read_text())
    mutate(close)
    (folder / "a.jsonl").write_text(json.dumps(close) + "\n")
    problems = check.load(folder).problems
    assert any(expect in p for p in problems), problems
    assert check.main(["--folder", str(folder)]) == 1
    assert "Error:" in capsys.readouterr().err


def test_broken_json_and_wrong_split_fail(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    with open(folder / "a.jsonl", "a") as f:
        f.write('{"id": "own-a-2", "source": \n')
    wrong = {"train": "test", "dev": "test", "test": "train"}[check.hash_split("own-a")]
    tsv = folder / "sources-t.tsv"
    tsv.write_text(tsv.read_text().replace(f"own-a\town\tdesc\t{check.hash_split('own-a')}", f"own-a\town\tdesc\t{wrong}"))
    problems = check.load(folder).problems
    assert any("not JSON" in p for p in problems)
    assert any("hash rule says" in p for p in problems)


def test_a_derived_source_must_keep_its_parents_split(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    wrong = {"train": "test", "dev": "test", "test": "train"}[check.hash_split("own-a")]
    tsv = folder / "sources-t.tsv"
    tsv.write_text(tsv.read_text().replace(f"own-a spoken\t{check.hash_split('own-a')}", f"own-a spoken\t{wrong}"))
    assert any("own-a-spoken" in p and "hash rule says" in p for p in check.load(folder).problems)


def test_the_real_folder_copied_then_broken_fails(tmp_path: Path) -> None:
    folder = tmp_path / "labelled"
    shutil.copytree(LABELLED, folder)
    first = sorted(folder.glob("*.jsonl"))[0]
    lines = first.read_text().splitlines()
    close = json.loads(lines[0])
    close["sentences"][0]["labels"] = ["next_step"]
    first.write_text("\n".join([json.dumps(close)] + lines[1:]) + "\n")
    assert any("unknown element 'next_step'" in p for p in check.load(folder).problems)


def test_the_data_meets_the_contract_of_issue_11() -> None:
    """COACH_DATA_SPEC.md: at least a third hard negatives; every element learnable and testable."""
    data = check.load(LABELLED)
    c = check.counts(data)
    sentences = sum(c["sentences"].values())
    assert sum(c["any_hard"].values()) >= sentences / 3
    for e in check.ELEMENTS:
        assert sum(c["pos"][(e, s)] for s in check.SPLITS) >= 60, e
        assert sum(c["hard"][(e, s)] for s in check.SPLITS) >= 10, e
        # the blind test split must hold every element, or its F1 is noise
        assert c["pos"][(e, "test")] >= 10, e
