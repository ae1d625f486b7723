"""The verdicts: the learned head where meaning decides, exact rules where they are exact.

For each element the model gives every clause a probability (``model.head``);
the element is found when the best clause reaches the element's threshold,
and quoted whole, with its time and turn. Between that threshold and a
higher "sure" one, the verdict is "found, but not sure": ``weak`` is set, the
``confidence`` is shown, and the coaching line says how to make it land.

Rules stay where they are exact:
- an element that must be *asked* (next steps, a role question) only counts in a clause that asks or requests
  something, read from its wording (``cues.asks``);
- the person's own ``--strength`` talking points are matched as words
  (``rules._strength_hit``), and credit the recap;
- rambling is judged by length (``rules._rambling``);
- a turn that did not sound like English earns nothing (the language guard);
- "I think I'd be a good fit" with nothing concrete is a weak recap (the
  phrase bank's weak cues).
The coaching lines and examples still come from ``rubric.toml``.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence

import numpy as np

from ..delivery import measure
from ..records import CORE_ELEMENTS, Evidence, Finding, Report, Transcript
from . import rules
from .bank import bank_matrix, context
from .clauses import Clause, split_turns
from .cues import CUE_NAMES, cue_vector
from .model import CUE_COLUMNS, Head, features, head

log = logging.getLogger(__name__)

MUST_ASK = frozenset({"next_steps", "role_question"})
"""Elements that only count when the clause asks or requests (the rule is exact, the model is not)."""
IMPLIES = {"ask_for_job": ("interest",)}
"""Asking for the job is also interest (the labelling guide's rule)."""
UNSURE = "I'm not sure this came across: say it plainly."


def exact_rules(p: np.ndarray, texts: Sequence[str], bank: np.ndarray, elements: Sequence[str],
                cues: np.ndarray | None = None) -> np.ndarray:
    """Where the wording settles it, the rule overrides the model (``p`` is changed in place and returned).
    ``cues``: the clauses' ``cue_vector`` rows when the caller has them (``model.CUE_COLUMNS`` of the features).

    - next steps and a role question must be asked (``cues.asks``), not someone else's question reported
      without one of the person's own ("my manager asked me what the next steps were"), and a question about
      pay or perks (its words, or the phrase bank's salary cue) is neither;
    - interest under a negation or a hedge that the phrase bank (with its negation
      scope) does not credit is not interest ("I'm not sure this role is for me");
    - "thank-you note/email/card" and "thanks to my mentor" are not thanks, and interest in a hobby or
      in one's spare time is not interest, unless the bank finds them too;
    - asking to be considered or taken to the next round in so many words ("I'd love it if you'd
      consider me", "please keep me in mind for this role", "I very much hope to be invited to the
      next stage", "I hope you'll choose me", "will you put me forward?") is asking for the job, unless negated,
      hedged, reported or in the past (``_ASKS_JOB``, ``_ASKS_JOB_MORE``, ``_ASKS_TO_BE_PUT``);
    - round 5: a question about what the new hire does or achieves in a span of time ("what is the
      expectation for the first 90 days?", "over the next 12 months") is not next steps unless it names the
      hiring process too (``_SPAN``, ``_PROCESS_WORDS``); a promise to restate one's interest later in a note
      ("I'll send an email to reiterate my interest") is not interest now (``_RESTATE_LATER``); a practical
      question asked under "if you hire me" ("if I get the job, when would I start?") is neither interest
      nor asking for the job (``_IF_HIRED``);
    - round 6: the hiring process named on its own ("Next steps.", "and the timeline.") is asked, whatever the
      punctuation: tiny.en often writes a full stop where the voice rose (``_ELLIPTICAL_PROCESS``); "when do I
      start?" / "when can I start?" with no condition is the presumptive close, asking for the job, not a
      question about the process (LABELLING.md; ``_START_NOW``);
    - round 8: asking the interviewer whether one fits ("do you think I'd be a good fit?", "how do you see me
      fitting the team?", "am I a good fit?") is inviting concerns, never the recap, unless the clause also
      states experience (``_FIT_ASKED``, ``_FIT_ASKED_SELF``, ``_FIT_CLAIMED``).
    """
    col = {e: j for j, e in enumerate(elements)}
    for i, text in enumerate(texts):
        cue = cue_vector(text) if cues is None else cues[i]
        low = text.lower()
        if not cue[_ASKS] and not _unpunctuated_wh(text) and not _wh_last(text):
            named_process = _ELLIPTICAL_PROCESS.match(low) is not None
            for e in MUST_ASK:
                if not (e == "next_steps" and named_process):
                    p[i, col[e]] = 0.0
        if "?" not in text and _THIRD_PARTY.search(low) and not _OWN_QUESTION.search(low):
            for e in MUST_ASK:
                p[i, col[e]] = 0.0
        if (bank[i, col["salary_first"]] > 0 or _PERKS.search(low)) and not _PROCESS.search(low):
            for e in MUST_ASK:
                p[i, col[e]] = 0.0
        if bank[i, col["interest"]] == 0 and _PASTIME.search(low):
            p[i, col["interest"]] = 0.0
        if (cue[_NEGATED] or cue[_HEDGED]) and bank[i, col["interest"]] == 0:
            p[i, col["interest"]] = 0.0
        if bank[i, col["thanks"]] == 0 and (_THANK_NOTE.search(text.lower()) or _THANKS_TO.search(text.lower())):
            p[i, col["thanks"]] = 0.0
        if _SPAN.search(low) and not _PROCESS_WORDS.search(low):
            p[i, col["next_steps"]] = 0.0
        if _RESTATE_LATER.search(low) and _LATER.search(low):
            p[i, col["interest"]] = 0.0
        if_hired = _IF_HIRED.search(low)
        if if_hired and (cue[_ASKS] or "?" in text or _QUESTION_NEXT.match(low, if_hired.end())):
            p[i, col["interest"]] = 0.0
            if "ask_for_job" in col:
                p[i, col["ask_for_job"]] = 0.0
            continue
        if _START_NOW.search(low) and not (cue[_HEDGED] or cue[_REPORTED] or cue[_PAST]):
            p[i, col["next_steps"]] = 0.0
            if "ask_for_job" in col:
                p[i, col["ask_for_job"]] = max(p[i, col["ask_for_job"]], ASK_RULE_P)
            continue
        if cue[_ASKS] and (_FIT_ASKED.search(low) or _FIT_ASKED_SELF.match(low)) and not _FIT_CLAIMED.search(low):
            p[i, col["qualifications"]] = 0.0
        if ("ask_for_job" in col
                and ((_ASKS_JOB.search(low) or _ASKS_JOB_MORE.search(low)) and _WISH.search(low)
                     or _ASKS_TO_BE_PUT.search(low) and cue[_ASKS])
                and not (cue[_NEGATED] or cue[_REPORTED] or cue[_PAST])
                and (not cue[_HEDGED] or _IF_YOU_WOULD.search(low))):
            p[i, col["ask_for_job"]] = max(p[i, col["ask_for_job"]], ASK_RULE_P)
    return p


_ASKS, _NEGATED, _HEDGED, _REPORTED, _PAST = (CUE_NAMES.index(n) for n in ("asks", "negated", "hedged", "reported", "past"))
ASK_RULE_P = 0.95
"""What the ask-for-the-job rule sets the probability to (at least): above every 'sure' threshold."""
_ASKS_JOB = re.compile(
    r"\b(consider(ing)? (me|my (application|candidacy|candidature|cv|resume|profile))"
    r"|(be|being|get) considered"
    r"|keep (me|my (application|name|cv)) in mind"
    r"|(invited|selected|shortlisted|put through|taken forward|moved forward|brought back) (to|for|into) (the|a) "
    r"(next|final|second|last) (stage|round|interview)"
    r"|(go|move|get|come|progress) (through|on|forward)? ?to the (next|final|second) (stage|round|interview))\b")
"""An ask to be considered or taken on, in so many words (with ``_WISH`` in the same clause)."""
_ASKS_JOB_MORE = re.compile(
    r"\b((choose|pick|select|hire|appoint|shortlist) me"
    r"|give me (a|the|one|this) (chance|opportunity|shot)\b(?! (to|for) (ask|explain|clarify|add|say|mention|talk|share|go))"
    r"|give me the job\b(?! (description|spec|title|pack|details|ad))"
    r"|(your|the|my) favou?rable consideration|consider (me|my application) favou?rably"
    r"|(move|moving|go|going|proceed|progress) forward (with this|in the process|to the next)"
    r"|(be|being) (one of )?(the|your) finalists|(on|onto) (your|the) shortlist)\b")
"""More asks for the job in so many words (round 4: 38 sentences of the labelled data, none wrong), also with ``_WISH``:
"I hope you'll choose me", "please give me a chance", "I'd like to move forward in the process"."""
_ASKS_TO_BE_PUT = re.compile(
    r"\b(recommend (me|my name)|(put|take) me (forward|through)|put in a good word for me)\b")
"""Asking to be recommended or put forward: a question or request is enough ("Will you recommend me to your boss?")."""
_WISH = re.compile(r"\b(please|hope|hoping|love|like|glad|happy|keen|grateful|appreciate|request|want|wish|trust)\b|'d (love|like)")
"""The person wishing or requesting it: "I'd love...", "please...", "I hope...", "I humbly request..."."""
_IF_YOU_WOULD = re.compile(r"\bif you('d| would| could| might) (consider|keep|put|take|move)")
"""'I'd love it if you would consider me' is a polite request, not a hedge."""
_LEAD = frozenset({"um", "uh", "er", "erm", "so", "and", "but", "also", "okay", "ok", "oh", "well", "like", "yeah",
                   "then", "first", "second", "just", "actually", "right", "sorry", "anyway"})
_WH_OPEN = frozenset({"what", "what's", "whats", "when", "when's", "where", "where's", "which", "who", "who's",
                      "whom", "how", "how's", "why"})


def _words(body: str) -> list[str]:
    """A clause's words, lower case, with the commas, colons and periods around them gone (for the two rules
    below, which have already looked at the punctuation they need)."""
    return [w for w in (w.strip(",;:.").replace("\u2019", "'") for w in body.lower().split()) if w]


def _unpunctuated_wh(text: str) -> bool:
    """A clause of unpunctuated speech that opens with a question word ("how much latitude would the
    chef have", "which kind of documents i will translate"): a recogniser that drops the "?" and a
    speaker who does not invert still ask. So does such a clause whose only mark is a closing period
    with no comma before it ("When the list will be ready."): Whisper often writes a period where a
    question was spoken. A pseudo-cleft ("What I'd like is to start here.") states, it does not ask.
    Other punctuated text keeps the exact rule."""
    body = text.rstrip()
    period = body.endswith(".") and not body.endswith("..")
    if period:
        body = body[:-1]
    if any(ch in body for ch in ".?!") or (period and "," in body):
        return False
    words = _words(body)
    k = 0
    while k < len(words) - 1 and words[k] in _LEAD:
        k += 1
    if period and _CLEFT.match(" ".join(words[k:])):
        return False
    return k < len(words) and words[k] in _WH_OPEN and len(words) - k >= 3


def _wh_last(text: str) -> bool:
    """A short fragment that ends on "when" or "where" ("Decision when.", "..., and the in-person when"): a curt
    question whose "?" the recogniser dropped. Every such sentence in the labelled data asks. Not when a
    subject, a negation or a verb of knowing or telling makes it a statement ("I'll let you know when.",
    "Not sure where.")."""
    body = text.rstrip()
    if body.endswith(("?", "!", "..", "\u2026")):
        return False
    body = body.rsplit(",", 1)[-1]  # the last part of a clause the splitter left whole ("...on, and the in-person when.")
    words = _words(body)
    return 2 <= len(words) <= 6 and words[-1] in ("when", "where") and not _WH_LAST_STATES.intersection(words)


_WH_LAST_STATES = frozenset(
    "i i'll i'd i'm i've we we'll we'd we're you you'll you'd you're they they'll he she it it's that's "
    "not don't didn't doesn't won't can't never no know knew sure tell told let say said ask asked wonder "
    "remember forget forgot decide decides decided depends knows tells says asks confirm confirms see".split())


_CLEFT = re.compile(r"^what (i|i'd|i'm|i've|you|we|they)\b.*\b(is|was)\b")
"""'What I'd like is to start here.', 'What I meant to say was...': a statement whose subject opens with
'what', not a question (unpunctuated speech keeps its restarts: "what is what is the next step")."""
_THIRD_PARTY = re.compile(
    r"\b(asked me|asked (what|when|how|if|whether|about)|(he|she|they) (asked|said|told)|told (me|us)|used to ask"
    r"|kept asking|always asked|was asked|were asked"
    r"|my (manager|boss|mentor|friend|colleague|recruiter|supervisor)\b.*\b(asked|said|told|says|mentioned))")
"""Someone else's question or words reported ("my manager asked me what the next steps were")."""
_OWN_QUESTION = re.compile(r"\b(is that|is true|please|let me know|can you|could you|would you|do you|did you|will you|"
                           r"are you)\b")
"""The person's own question in the same clause ("she said the next step is a trial day, is that right")."""
_PERKS = re.compile(r"\b(salary|salaries|pay|paid|wage|wages|holiday|holidays|vacation|pto|benefits|bonus|bonuses|"
                    r"compensation|pension|perks|remote days|stock options|equity|overtime rate)\b")
_PROCESS = re.compile(r"\b(next steps?|hear back|here back|decision|decide|timeline|time frame|round|process|"
                      r"interview|stage|offer)\b")
_PASTIME = re.compile(r"\b(as a hobby|a hobby of mine|hobby|in my (spare|free|own) time|for fun)\b")
"""'I'm interested in Rust as a hobby': interest in a pastime, not in the job (unless the bank finds interest)."""
_THANKS_TO = re.compile(r"\bthanks to (my|the|his|her|our|their|a|an|that|this|those|these|him|them)\b")
"""'Thanks to my mentor I learned...': the cause of something, not thanks (unless the bank finds thanks too)."""
_THANK_NOTE = re.compile(r"thank[- ]?you (note|email|e-mail|card|letter|message)s?\b")
_SPAN = re.compile(r"\b(first|next|over the next|in the next)\s+([\d\-, ]+|few|one|two|three|six|twelve)?\s*"
                   r"(and \d+ )?(days|months|weeks|years?|quarter)\b")
"""A span of the new hire's time ("the first 30, 60 and 90 days", "over the next 12 months"): 98 labelled
sentences match, none of them next steps."""
_PROCESS_WORDS = re.compile(r"\b(next steps?|hear|heard|here back|decision|decide|deciding|timeline|round|process|stage|"
                            r"shortlist|offer|interview|let me know|get back|contact|call)\b")
"""The hiring process named in the same clause ("will I hear in the next two weeks?"): then the span rule is off."""
_RESTATE_LATER = re.compile(r"\b(reiterate|restate|re-state|confirm|reaffirm|express|underline|say again)\w*\b"
                            r"[^.?!]*\binterest\b")
_LATER = re.compile(r"\b(i'll|i will|i shall|i'm going to|going to|will write|will send|later|tonight|tomorrow|"
                    r"note|email|e-mail|letter|card)\b")
"""Restating interest in a note to come: 8 labelled sentences, all hard negatives for interest; the present
"let me reiterate my interest" and "I'd like to reiterate my interest" are interest and do not match ``_LATER``."""
_ELLIPTICAL_PROCESS = re.compile(
    r"^\W*((um|uh|er|erm|so|and|okay|ok|right|well|oh|then|yeah)\W+)*((what about|how about|any news on|any word on)\W+)?"
    r"(the\W+)?(next (steps?|stage|round)|timeline|time ?frame|timescales?)"
    r"(\W+(please|then|for (the|a|your) decision|after this( one)?|from here))?\W*$")
"""The hiring process named and nothing else ("Next steps.", "and the timeline.", "so, the next stage, please"): a
question with its question mark lost, the way tiny.en transcribes a rising "Next steps?"."""
_START_NOW = re.compile(r"^\W*((um|uh|er|erm|so|and|okay|ok|right|well|oh|then|yeah|great|brilliant|perfect|lovely)\W+)*"
                        r"((when|how soon) (do|can|shall) i\W+)?(when|how soon) (do|can|shall) i (start|begin)\b"
                        r"(?! (the|a|my|an|on|with|in|by|to)\b)")
"""The presumptive close, "When do I start?": asking for the job (LABELLING.md). A condition ("if it goes well",
a hedge), a report, the past or any word before it but a filler ("she wrote that 'when do I start' is...") leave
it to the model; so do "when can I start the training" and "if you hire me, when..." (``_IF_HIRED``)."""
_FIT = r"(fit|fits|fitting|match|matches|matching|suit|suited|suitable|right (person|candidate|fit)|what you('re| are) (looking for|after))"
_FIT_ASKED = re.compile(r"\b(do|would|did|does|how|where|what)\W+(do\W+|would\W+|did\W+)?you\W+"
                        r"(think|feel|see|reckon|believe|say|consider|rate)\b[^.?!]*\b" + _FIT + r"\b")
"""The interviewer's view of the person's fit asked for ("do you think I'd be a good fit?", "how do you reckon I'd fit
with the coaches?"): inviting concerns (LABELLING.md), a hard negative for the recap in every labelled case."""
_FIT_ASKED_SELF = re.compile(r"^\W*((um|uh|er|erm|so|and|but|okay|ok|right|well|oh|then|yeah|honestly)\W+)*"
                             r"(how well\W+)?(am|do) i\W+(\w+\W+){0,2}" + _FIT + r"\b")
"""The same asked of oneself, opening the clause: "Am I a good fit?", "Do I fit what you need?" (not "why would I be
a good fit? Because...", which the person answers)."""
_FIT_CLAIMED = re.compile(r"\b(\d+|one|two|three|four|five|six|seven|eight|nine|ten|twelve|fifteen|twenty) "
                          r"(years?|months?)\b|\bi('ve| have) (done|been|worked|run|led|managed|spent|handled)\b")
"""Experience stated in the same clause ("do you think my ten years in payroll make me a fit?"): left to the model."""
_IF_HIRED = re.compile(r"^\W*(\w+\W+){0,3}(if|once|should|say) (you|i)('m| am| was| were| get| got| do get| are|'re|"
                       r" did| will)? ?(hire|hired|take me on|took me on|offer me|offered|successful|selected|"
                       r"get the job|got the job|get the role|got the role|get the post|got the post|do hire)\b")
"""A question asked under "if you hire me": practical, not interest (labelled so in every case)."""
_QUESTION_NEXT = re.compile(r"\W*(\w+\W+){0,2}(when|who|what|where|which|how|would|will|do|does|is|are|can|could|"
                            r"should|shall)\b")
"""The words after the condition open a question (an unpunctuated transcript: "so if i get the job who would train me")."""


def probabilities(clauses: Sequence[Clause], h: Head, ctx: rules._Ctx) -> np.ndarray:
    """``(n_clauses, n_elements)``: one batched encoder call for the whole close."""
    from .encoder import encoder

    if not clauses:
        return np.zeros((0, len(h.elements)), np.float32)
    texts = [c.text for c in clauses]
    emb = encoder().encode(texts)
    bank = bank_matrix(ctx, clauses)
    x = features(emb, texts, [c.turn for c in clauses], bank)
    p = exact_rules(h.predict(x, texts), texts, bank, h.elements, cues=x[:, CUE_COLUMNS])
    for src, targets in IMPLIES.items():
        for t in targets:
            p[:, h.index(t)] = np.maximum(p[:, h.index(t)], p[:, h.index(src)] * (p[:, h.index(src)] >= h.found[h.index(src)]))
    return p


def _quote(c: Clause) -> Evidence:
    return Evidence(quote=c.text, start=c.start, end=c.end, turn=c.turn)


def _clause_of(hit: rules._Hit, ctx: rules._Ctx, clauses: Sequence[Clause]) -> Clause | None:
    tt = next((t for t in ctx.turns if t.turn == hit.turn), None)
    if tt is None or not tt.tokens:
        return None
    word = tt.tokens[min(hit.first, len(tt.tokens) - 1)].word
    return next((c for c in clauses if c.turn == hit.turn and c.first <= word <= c.last), None)


def check(
    turns: Transcript | Sequence[Transcript],
    profile: rules.Profile | None = None,
    options: rules.CheckOptions | None = None,
) -> Report:
    """Judge a close (one transcript, or one per turn of a drill) and return its report card."""
    profile = profile or rules.Profile()
    options = options or rules.CheckOptions()
    if options.engine == "rules":
        return rules.check(turns, profile, options)
    seq = [t.as_scored() for t in ([turns] if isinstance(turns, Transcript) else turns)]
    ctx = context(seq, profile, options)
    rubric = ctx.rubric
    delivery = measure(seq)
    clauses = split_turns(seq)
    h = head()
    p = probabilities(clauses, h, ctx)

    findings: list[Finding] = []
    for e in rubric.elements:
        details: dict[str, object] = {}
        evidence: list[Evidence] = []
        confidence: float | None = None
        found = weak = unsure = False
        if e.name == "rambling":
            found, hit, details = rules._rambling(ctx, delivery)
            evidence = list(rules._evidence([hit], ctx)) if hit else []
        elif e.name in h.elements:
            j = h.index(e.name)
            col = p[:, j] if len(clauses) else np.zeros(0)
            best = float(col.max()) if col.size else 0.0
            confidence = round(best, 3)
            found = best >= float(h.found[j])
            unsure = found and best < float(h.sure[j])
            if found:
                ranked = sorted((i for i in range(len(clauses)) if col[i] >= h.found[j]), key=lambda i: -col[i])
                picked = sorted(ranked[: options.max_evidence], key=lambda i: (clauses[i].turn, clauses[i].first))
                evidence = [_quote(clauses[i]) for i in picked]
        if e.name == "qualifications":
            if found and not unsure:
                # "I think I'd be a good fit" and nothing concrete: the bank's weak cues are exact.
                hits = rules._element_hits(e, ctx)
                weak = bool(hits) and all(hit.weak for hit in hits)
            if profile.strengths:
                mentioned, missed = [], []
                for s in profile.strengths:
                    hit = rules._strength_hit(s, ctx)
                    if hit is None:
                        missed.append(s)
                        continue
                    mentioned.append(s)
                    c = _clause_of(hit, ctx, clauses)
                    if c is not None and all(ev.quote != c.text for ev in evidence):
                        evidence.append(_quote(c))
                    if not found or unsure:
                        found, unsure, weak = True, False, False  # the person's own point, said: exact
                details = {"strengths_mentioned": mentioned, "strengths_missed": missed}
        if unsure:
            weak = True
            details = {**details, "unsure": True}
        coaching = example = None
        if e.kind == "pitfall":
            if found:
                coaching, example = e.coaching, e.example
                if unsure:
                    coaching = f"Maybe: {coaching}"
        elif not found:
            coaching, example = e.coaching, e.example
        elif weak:
            coaching, example = e.weak_coaching or e.coaching, e.weak_example or e.example
            if unsure:
                coaching = f"{UNSURE} {e.weak_coaching or e.coaching}"
        coaching, example = rules.with_missed_strengths(coaching, example, details, rubric)
        findings.append(
            Finding(
                element=e.name, kind=e.kind, found=found, label=e.label,
                evidence=tuple(evidence) if found else (),
                coaching=rules._fill(coaching, profile), example=rules._fill(example, profile),
                weak=weak, details=details, confidence=confidence,
            )
        )  # fmt: skip
    order = {"core": 0, "extra": 1, "pitfall": 2}
    core_rank = {name: i for i, name in enumerate(CORE_ELEMENTS)}
    findings.sort(key=lambda f: (order[f.kind], core_rank.get(f.element, len(core_rank))))
    return Report(findings=tuple(findings), delivery=delivery)


def warm_up() -> None:
    """Load the encoder and the head and compile the rubric (the drill calls this while the interviewer speaks)."""
    check(Transcript.from_text("Thank you."))
