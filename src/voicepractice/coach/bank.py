"""The phrase bank's verdict per clause, as features for the head.

The bank (``rubric.toml`` through ``rules``) is exact on the phrasings it
knows, with its negation scope and question wording; the head learns how far
to trust it beside the embedding. One pass over the close: every element's
cues run on each normalised turn, and each hit is credited to the clause its
first word sits in (1.0 for a hit, 0.5 for a cue the bank marks weak).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..records import Transcript
from . import rules
from .clauses import Clause
from .model import ELEMENTS

__all__ = ["bank_matrix", "context"]


def context(seq: Sequence[Transcript], profile: rules.Profile, options: rules.CheckOptions) -> rules._Ctx:
    """The bank's view of the close: each turn normalised (fillers, restarts, spelling)."""
    rubric = rules._load(options, profile)
    correct = rules._corrector(rubric) if options.fuzzy else None
    ctx = rules._Ctx(rubric, options)
    ctx.turns = [rules.tokenize(t, rubric.aliases, correct, options.fillers, options.repeats, rubric.phrase_aliases)
                 for t in seq]  # fmt: skip
    return ctx


def bank_matrix(ctx: rules._Ctx, clauses: Sequence[Clause]) -> np.ndarray:
    """``(n_clauses, len(ELEMENTS))``: where the phrase bank found each element."""
    out = np.zeros((len(clauses), len(ELEMENTS)), np.float32)
    if not clauses:
        return out
    col = {e: j for j, e in enumerate(ELEMENTS)}
    by_turn = {tt.turn: tt for tt in ctx.turns}
    for element in ctx.rubric.elements:
        j = col.get(element.name)
        if j is None:
            continue
        for hit in rules._element_hits(element, ctx):
            tt = by_turn.get(hit.turn)
            if tt is None or not tt.tokens:
                continue
            word = tt.tokens[min(hit.first, len(tt.tokens) - 1)].word
            for i, c in enumerate(clauses):
                if c.turn == hit.turn and c.first <= word <= c.last:
                    out[i, j] = max(out[i, j], 0.5 if hit.weak else 1.0)
                    break
    return out
