"""The n-gram half of the checker's head."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from voicepractice.coach import lexical, model


def test_grams_keep_wording_and_the_question_mark() -> None:
    g = lexical.grams("What are the NEXT steps?")
    assert "w ?" in g and "b next steps" in g and "c nex" in g
    # A recogniser's copy differs only by the question mark: the same words and characters.
    assert set(lexical.grams("what are the next steps")) == set(g) - {"w ?", "b steps ?"}


def test_predict_scores_the_vectors_training_fits_on() -> None:
    """``predict`` weighs every clause's n-grams in one pass; ``vectorise`` (what ``fit`` learns from) does it clause
    by clause. Both must give each clause the same vector, or checking drifts from training."""
    arrays = model.head().lexical
    assert arrays is not None
    texts = ["Thanks so much for your time today.", "what are the next steps", "I'd love to join the team, thanks thanks",
             "", "zzz", "Thanks to my mentor I learned stock control."]
    index = {str(g): i for i, g in enumerate(arrays["lex_vocab"])}
    z = np.tile(arrays["lex_b"], (len(texts), 1)).astype(np.float64)
    for i, (ids, vals) in enumerate(lexical.vectorise(texts, index, arrays["lex_idf"])):
        z[i] += arrays["lex_w"][:, ids].astype(np.float64) @ vals
    np.testing.assert_allclose(lexical.predict(arrays, texts, index), 1 / (1 + np.exp(-z)), atol=1e-5)


def test_fit_and_predict_separate_the_wording() -> None:
    pytest.importorskip("sklearn")
    texts = ["please consider me for the role", "I hope you will consider me", "I'd ask you to put me forward",
             "thanks for your time", "what are the next steps", "I considered it at my last job"] * 3
    y = np.array([[1.0], [1.0], [1.0], [0.0], [0.0], [0.0]] * 3, np.float32)
    arrays = lexical.fit(texts, y, c=10.0)
    p = lexical.predict(arrays, ["would you consider me for it", "thanks so much for your time", "zzz"])
    assert p[0, 0] > 0.5 > p[1, 0]
    assert 0.0 < p[2, 0] < 1.0  # nothing known: the bias alone


def test_a_head_with_an_ngram_model_blends_it_and_round_trips(tmp_path: Path) -> None:
    pytest.importorskip("sklearn")
    h = model.head()
    k = len(h.elements)
    texts = ["please consider me for the role", "thanks for your time"] * 4
    y = np.zeros((len(texts), k), np.float32)
    y[::2, h.index("ask_for_job")] = 1.0
    lex = lexical.fit(texts, y)
    arrays = {"weights": h.weights, "bias": h.bias, "mean": h.mean, "scale": h.scale, "found": h.found,
              "sure": h.sure, "hidden_w": h.hidden_w, "hidden_b": h.hidden_b, **lex,
              "lex_weight": np.array([0.5], np.float32)}
    path = tmp_path / "head.npz"
    digest = model.save(path, h.elements, arrays, {})
    loaded = model.load(path)
    assert loaded.lex_weight == pytest.approx(0.5) and loaded.meta["weights_sha256"] == digest
    x = np.zeros((1, model.N_FEATURES), np.float32)
    alone = loaded.predict(x)
    blended = loaded.predict(x, ["please consider me for the role"])
    expect = 0.5 * alone + 0.5 * lexical.predict(lex, ["please consider me for the role"])
    assert np.allclose(blended, expect, atol=1e-5)
    # Changing an n-gram changes the stamp.
    lex2 = {**arrays, "lex_vocab": np.array([g + "x" for g in lex["lex_vocab"]])}
    assert model.weights_sha256(lex2) != digest
