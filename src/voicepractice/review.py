"""The review page: one self-contained HTML file for a stored session.

Everything is inside the file: the WAVs as base64 ``data:`` URIs, inline CSS and
JavaScript, no fonts, images or scripts from anywhere else; a Content Security
Policy forbids the page from fetching anything. It works from a ``file://`` URL
on a laptop or a phone: one section per turn with the interviewer's line and
the answer's audio, the transcript whose words seek the audio when tapped and
light up as it plays, the findings marked in colour with their coaching lines,
the delivery figures, and the previous attempt of the same scenario beside
this one.
"""

from __future__ import annotations

import base64
from html import escape
from pathlib import Path
from typing import Any

from .errors import StoreError
from .files import write_private
from .labels import at, turn_title
from .records import NOTHING_TO_SCORE, Delivery, Finding, Report, Transcript
from .replay import word_marks, word_style
from .store import Session, Store, instant
from .voice.html import CSS as VOICE_CSS
from .voice.html import JS as VOICE_JS
from .voice.html import contour_svg, figures_html

CSP = (
    "default-src 'none'; media-src data:; img-src data:; "
    "style-src 'unsafe-inline'; script-src 'unsafe-inline'"
)


def previous_attempt(store: Store, session: Session) -> Session | None:
    """The latest earlier real attempt at the same scenario (None if there is none): not one that
    was interrupted, silent or not English, whose 0/4 says nothing to compare with."""
    from .trend import session_status

    this = (instant(session.created_at), session.id)  # the instant: the offsets differ with travel, summer time
    for row in store.list(scenario=session.scenario):
        if session_status(row) != "complete":
            continue
        if (instant(row["created_at"]), row["id"]) >= this:
            continue
        try:
            return store.get(row["id"])
        except StoreError:
            continue
    return None


def write_page(session: Session, out: Path | None = None, previous: Session | None = None) -> Path:
    """Write the page (default: ``review.html`` in the session's folder), readable by the user only."""
    if out is None:
        if session.folder is None:
            raise StoreError(
                f"session {session.id} has no folder to write the page into: pass --out FILE"
            )
        out = session.folder / "review.html"
    out = out.expanduser()
    if out.is_dir():
        out = out / f"review-{session.id}.html"
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        write_private(out, render(session, previous).encode("utf-8"))
    except OSError as exc:
        raise StoreError(
            f"cannot write the review page to {out}: {exc.strerror or exc}; choose another place with --out"
        ) from exc
    return out


# --- pieces ------------------------------------------------------------------------------


def _data_uri(path: Path | None) -> str | None:
    if path is None or not path.is_file():
        return None
    try:
        raw = path.read_bytes()
    except OSError:
        return None
    return "data:audio/wav;base64," + base64.b64encode(raw).decode("ascii")


def _clock(seconds: float | None) -> str:
    if seconds is None:
        return ""
    m, s = divmod(max(0.0, seconds), 60)
    return f"{int(m)}:{s:04.1f}"


def _mark(f: Finding) -> tuple[str, str]:
    """(symbol, css class) for a finding."""
    if f.kind == "pitfall":
        return ("⚠", "pitfall") if f.found else ("·", "ok")
    if f.found and f.weak:
        return "~", "weak"
    return ("✓", "hit") if f.found else ("✗", "missing")


def _transcript_html(tr: Transcript, report: Report | None, turn: int, audio_id: str | None) -> str:
    if not tr.words:
        return '<p class="empty">Nothing was heard in this answer.</p>'
    marks = word_marks(tr, report, turn)
    labels = {f.element: (f.label or f.element) for f in report.findings} if report else {}
    spans: list[str] = []
    for i, (w, m) in enumerate(zip(tr.words, marks, strict=True)):
        cls = ["w"]
        style = word_style(m, report) or ""
        if style:
            cls.append(style)
        attrs = [f'class="{" ".join(cls)}"', f'data-i="{i}"']
        if w.start is not None:
            attrs.append(
                f'data-start="{w.start:.3f}" data-end="{(w.end if w.end is not None else w.start):.3f}"'
            )
        if m:
            attrs.append(f'title="{escape(", ".join(labels.get(x, "filler") for x in m))}"')
        spans.append(f"<span {' '.join(attrs)}>{escape(w.text)}</span>")
    audio = f' data-audio="{audio_id}"' if audio_id and tr.timed else ""
    return f'<p class="transcript" data-turn="{turn}"{audio}>' + " ".join(spans) + "</p>"


def _finding_html(f: Finding, audio_ids: dict[int, str], turns: int = 1) -> str:
    sym, cls = _mark(f)
    if f.kind == "extra" and not f.found:
        sym, cls = "○", "todo"  # nice to have: a suggestion, not a failure
    body = [
        f'<span class="sym">{sym}</span><span class="label">{escape(f.label or f.element)}</span>'
    ]
    if f.found and f.evidence:
        for ev in f.evidence[:2]:
            q = f"“{escape(ev.quote)}”"
            aid = audio_ids.get(ev.turn)
            if ev.start is not None and aid:
                body.append(
                    f'<button class="quote" type="button" data-audio="{aid}" data-start="{ev.start:.3f}">'
                    f'{q} <span class="at">▶ {at(ev.turn, ev.start, turns)}</span></button>'
                )
            else:
                body.append(f'<span class="quote">{q}</span>')
    coach = (not f.found and f.kind != "pitfall") or f.weak or (f.kind == "pitfall" and f.found)
    if coach and f.coaching:
        body.append(f'<p class="coaching">{escape(f.coaching)}</p>')
        if f.example:
            body.append(f'<p class="example">Try: “{escape(f.example)}”</p>')
    details = f.details or {}
    if details.get("strengths_mentioned"):
        body.append(
            f'<p class="example">Your points made: {escape(", ".join(map(str, details["strengths_mentioned"])))}</p>'
        )
    if details.get("strengths_missed"):
        body.append(
            f'<p class="coaching">Forgot: {escape(", ".join(map(str, details["strengths_missed"])))}</p>'
        )
    return (
        f'<li class="finding {cls}" data-element="{escape(f.element)}">' + "".join(body) + "</li>"
    )


def _norms() -> tuple[dict[str, Any], dict[str, Any]]:
    try:
        from .delivery import DELIVERY_NORMS, compare_to_norms
    except ImportError:  # pragma: no cover - older checker
        return {}, {}
    return dict(DELIVERY_NORMS), {"compare": compare_to_norms}


def _delivery_html(d: Delivery) -> str:
    norms, fns = _norms()
    verdicts: dict[str, Any] = fns["compare"](d) if fns else {}
    rows = [
        ("duration_s", "Length", f"{d.duration_s:.1f} s" if d.duration_s is not None else None),
        ("speaking_s", "Speaking", f"{d.speaking_s:.1f} s" if d.speaking_s is not None else None),
        ("word_count", "Words", str(d.word_count)),
        (
            "words_per_minute",
            "Pace",
            f"{d.words_per_minute:.0f} words/min" if d.words_per_minute is not None else None,
        ),
        (
            "filler_count",
            "Fillers",
            str(d.filler_count)
            + (f" ({', '.join(dict.fromkeys(x.lower() for x in d.fillers))})" if d.fillers else ""),
        ),
        (
            "fillers_per_minute",
            "Fillers per minute",
            f"{d.fillers_per_minute:.1f}" if d.fillers_per_minute is not None else None,
        ),
        (
            "longest_pause_s",
            "Longest pause",
            f"{d.longest_pause_s:.1f} s" if d.longest_pause_s is not None else None,
        ),
    ]
    out = []
    for key, label, value in rows:
        if value is None:
            continue
        n = norms.get(key) or {}
        verdict = verdicts.get(key)
        hint = ""
        if n:
            lo, hi, unit = n.get("low"), n.get("high"), n.get("unit", "")
            rng = (
                f"{lo:g}–{hi:g}"
                if lo is not None and hi is not None
                else (f"≤ {hi:g}" if hi is not None else f"≥ {lo:g}")
            )
            hint = f'<span class="norm">norm {rng} {escape(str(unit))}</span>'
        flag = f' class="{verdict}"' if verdict in ("low", "high") else ""
        out.append(f"<tr{flag}><th>{label}</th><td>{escape(value)}{hint}</td></tr>")
    return '<table class="delivery">' + "".join(out) + "</table>"


def _fmt(v: float | None, unit: str = "", digits: int = 0) -> str:
    return "–" if v is None else f"{v:.{digits}f}{unit}"


def _compare_html(session: Session, prev: Session) -> str:
    r, p = session.report, prev.report
    assert r is not None and p is not None
    rows = []
    for f in r.core:
        try:
            pf = p.finding(f.element)
            before = "✓" if pf.found else "✗"
        except KeyError:
            before = "–"
        now = "✓" if f.found else "✗"
        cls = (
            "better"
            if (now, before) == ("✓", "✗")
            else "worse"
            if (now, before) == ("✗", "✓")
            else ""
        )
        rows.append(
            f'<tr class="{cls}"><th>{escape(f.label or f.element)}</th><td>{before}</td><td>{now}</td></tr>'
        )
    d, pd = r.delivery, p.delivery
    rows.append(f"<tr><th>Score</th><td>{p.score}/4</td><td>{r.score}/4</td></tr>")
    rows.append(
        f"<tr><th>Pace (words/min)</th><td>{_fmt(pd.words_per_minute)}</td><td>{_fmt(d.words_per_minute)}</td></tr>"
    )
    rows.append(
        f"<tr><th>Fillers per minute</th><td>{_fmt(pd.fillers_per_minute, digits=1)}</td><td>{_fmt(d.fillers_per_minute, digits=1)}</td></tr>"
    )
    rows.append(
        f"<tr><th>Length</th><td>{_fmt(pd.duration_s, ' s')}</td><td>{_fmt(d.duration_s, ' s')}</td></tr>"
    )
    when = escape(prev.created_at[:16].replace("T", " "))
    table = (
        f'<table class="compare"><thead><tr><th></th><th>Previous<br><small>{when}</small></th>'
        f"<th>This one</th></tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )

    def said(s: Session) -> str:
        texts = [t.transcript.text for t in s.turns if t.transcript and t.transcript.text.strip()]
        return (
            "".join(f"<p>{escape(x)}</p>" for x in texts)
            or '<p class="empty">Nothing was heard.</p>'
        )

    cols = (
        '<div class="side"><div><h3>Previous: what you said</h3>'
        f"{said(prev)}</div><div><h3>This time</h3>{said(session)}</div></div>"
    )
    return (
        f'<section class="card" id="compare"><h2>Compared with your previous attempt</h2>'
        f'<p class="meta">Session {escape(prev.id)}, same scenario.</p>{table}{cols}</section>'
    )


# --- the page ----------------------------------------------------------------------------


def render(session: Session, previous: Session | None = None) -> str:
    """The whole page as a string."""
    r = session.report
    names = [t.turn_id for t in session.turns]
    folder = session.folder
    when = session.created_at[:16].replace("T", " ")
    unscored = session.unscored
    score = "not scored" if unscored else f"{r.score}/4 core elements" if r else escape(session.status)
    parts: list[str] = [
        "<header>",
        f"<h1>Your close <small>{escape(when)}</small></h1>",
        f'<p class="meta">{escape(session.scenario)} · session {escape(session.id)} · <strong>{score}</strong></p>',
    ]
    if r is not None and not unscored:  # four red ✗ over an answer with no English read as a verdict
        chips = "".join(
            f'<li class="chip {_mark(f)[1]}">{_mark(f)[0]} {escape(f.label or f.element)}</li>'
            for f in r.core
        )
        parts.append(f'<ul class="chips">{chips}</ul>')
    parts.append("</header>")
    if session.status == "recovered":
        parts.append(
            '<p class="notice">This drill was recovered after a crash: the audio is kept, '
            "but it was never transcribed or checked. Listen to it below.</p>"
        )
    elif session.status == "interrupted":
        parts.append(
            '<p class="notice">This drill was interrupted; what was said before it stopped is below.</p>'
        )

    audio_ids: dict[int, str] = {}
    for n, turn in enumerate(session.turns):
        title = (
            f"Turn {n + 1} · {escape(turn_title(turn.turn_id))}"
            if len(names) > 1
            else escape(turn_title(turn.turn_id))
        )
        sec = [f'<section class="card turn" id="turn-{n + 1}"><h2>{title}</h2>']
        iv = _data_uri(
            folder / turn.interviewer_audio if folder and turn.interviewer_audio else None
        )
        sec.append(
            '<div class="interviewer"><p><span class="who">Interviewer</span> '
            + escape(turn.line)
            + "</p>"
        )
        if iv:
            sec.append(
                f'<audio controls preload="metadata" src="{iv}" aria-label="The interviewer\'s line"></audio>'
            )
        sec.append("</div>")
        ans = _data_uri(folder / turn.answer_audio if folder and turn.answer_audio else None)
        aid = f"answer-{n + 1}"
        if ans:
            audio_ids[n] = aid
            sec.append(
                f'<div class="player"><span class="who">You</span>'
                f'<audio id="{aid}" class="answer" controls preload="auto" src="{ans}" aria-label="Your answer"></audio></div>'
            )
        elif turn.answer_audio:
            sec.append(
                '<p class="notice">The recording of this answer is missing from the session folder.</p>'
            )
        if turn.transcript is not None:
            sec.append(_transcript_html(turn.transcript, r, n, aid if ans else None))
            sec.append(contour_svg(r.voice if r else None, n, turn.transcript, aid if ans else None))
        elif turn.answer_audio:
            sec.append('<p class="empty">Not transcribed.</p>')
        elif turn.ended_by == "skipped":
            sec.append('<p class="empty">Skipped.</p>')
        sec.append("</section>")
        parts.append("".join(sec))

    if r is not None and unscored:
        # As the card: coaching "Say plainly that you want this job" on silence or another language
        # reads as a verdict on what was said. The voice figures stay.
        parts.append(f'<section class="card" id="findings"><h2>Findings</h2><p class="empty">{escape(NOTHING_TO_SCORE)}</p></section>')
        parts.append(figures_html(r.voice))
    elif r is not None:
        items = "".join(_finding_html(f, audio_ids, len(names)) for f in r.core)
        parts.append(
            f'<section class="card" id="findings"><h2>Findings</h2><ul class="findings">{items}</ul>'
        )
        extras = r.extras
        if extras:
            parts.append(
                '<h3>Also worth doing</h3><ul class="findings">'
                + "".join(_finding_html(f, audio_ids, len(names)) for f in extras)
                + "</ul>"
            )
        hit = [f for f in r.pitfalls if f.found]
        if hit:
            parts.append(
                '<h3>Pitfalls</h3><ul class="findings">'
                + "".join(_finding_html(f, audio_ids, len(names)) for f in hit)
                + "</ul>"
            )
        parts.append("</section>")
        parts.append(
            f'<section class="card" id="delivery-figures"><h2>Delivery</h2>{_delivery_html(r.delivery)}</section>'
        )
        parts.append(figures_html(r.voice))
    if unscored:
        pass  # nothing heard to compare
    elif previous is not None and r is not None and previous.report is not None:
        parts.append(_compare_html(session, previous))
    elif r is not None:
        parts.append('<section class="card" id="compare"><h2>Compared with your previous attempt</h2>'
                     '<p class="empty">This is your first attempt at this scenario: next time, it will be compared here.</p></section>')  # fmt: skip
    parts.append(
        '<footer><p class="legend"><span class="w hit">earned an element</span> <span class="w weak">weak</span> '
        '<span class="w pitfall">pitfall</span> <span class="w filler">filler</span> · tap a word to hear it</p>'
        "<p>Made by voicepractice on your own machine; nothing in this page leaves it.</p></footer>"
    )
    title = f"Review {session.id}"
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
        '<meta name="referrer" content="no-referrer">'
        f"<title>{escape(title)}</title><style>{_CSS}{VOICE_CSS}</style></head>\n<body><main>"
        + "\n".join(parts)
        + f"</main>\n<script>{_JS}{VOICE_JS}</script></body></html>\n"
    )


_CSS = """
:root{--bg:#f6f7f9;--card:#fff;--ink:#1d232b;--dim:#5b6673;--hit:#1a7f37;--hitbg:#dafbe1;--weak:#9a6700;
--weakbg:#fff4c2;--bad:#c21f2f;--badbg:#ffe0e3;--fill:#8250df;--fillbg:#f1e8ff;--now:#0969da;--line:#d7dde4}
@media (prefers-color-scheme:dark){:root{--bg:#0f1419;--card:#1a2029;--ink:#e6edf3;--dim:#9aa7b4;--hit:#56d364;
--hitbg:#12361d;--weak:#e3b341;--weakbg:#3a2e0a;--bad:#ff7b84;--badbg:#4a1419;--fill:#d2a8ff;--fillbg:#2d1f4a;--now:#58a6ff;--line:#30363d}}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--ink);font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;
-webkit-text-size-adjust:100%}
main{max-width:52rem;margin:0 auto;padding:1rem}
h1{font-size:1.5rem;margin:.2rem 0}h1 small{font-size:.9rem;color:var(--dim);font-weight:normal;white-space:nowrap}
h2{font-size:1.15rem;margin:0 0 .6rem}h3{font-size:1rem;margin:1rem 0 .4rem}
.meta{color:var(--dim);margin:.2rem 0 .6rem}
.card{background:var(--card);border:1px solid var(--line);border-radius:12px;padding:1rem;margin:1rem 0}
.chips{display:flex;flex-wrap:wrap;gap:.4rem;list-style:none;padding:0;margin:.5rem 0}
.chip{border-radius:999px;padding:.2rem .7rem;font-size:.9rem;font-weight:600}
.chip.hit{background:var(--hitbg);color:var(--hit)}.chip.missing{background:var(--badbg);color:var(--bad)}
.chip.weak{background:var(--weakbg);color:var(--weak)}
.notice{background:var(--weakbg);color:var(--ink);border-radius:8px;padding:.6rem .8rem}
.who{display:inline-block;font-weight:700;font-size:.8rem;text-transform:uppercase;letter-spacing:.04em;color:var(--dim);margin-right:.4rem}
.interviewer p{margin:.2rem 0 .4rem;font-style:italic}
audio{width:100%;display:block;margin:.3rem 0}
.player{position:sticky;top:0;z-index:2;background:var(--card);padding:.3rem 0}
.transcript{font-size:1.15rem;line-height:2;margin:.6rem 0 0;overflow-wrap:anywhere}
.w{border-radius:4px;padding:.1rem .05rem;cursor:pointer}
.transcript .w:hover{outline:1px solid var(--now)}
.w.hit{background:var(--hitbg);color:var(--hit);border-bottom:2px solid var(--hit)}
.w.weak{background:var(--weakbg);color:var(--weak);border-bottom:2px dashed var(--weak)}
.w.pitfall{background:var(--badbg);color:var(--bad);border-bottom:2px solid var(--bad)}
.w.filler{color:var(--fill);background:var(--fillbg);text-decoration:line-through dotted}
.w.now{background:var(--now);color:#fff;border-bottom-color:var(--now)}
.empty{color:var(--dim);font-style:italic}
.findings{list-style:none;padding:0;margin:0}
.finding{padding:.6rem 0;border-top:1px solid var(--line)}.finding:first-child{border-top:0}
.finding .sym{display:inline-block;width:1.4rem;font-weight:700}.finding .label{font-weight:600}
.finding.hit .sym{color:var(--hit)}.finding.missing .sym{color:var(--bad)}.finding.weak .sym{color:var(--weak)}
.finding.pitfall .sym{color:var(--bad)}.finding.ok .sym,.finding.todo .sym{color:var(--dim)}
.quote{display:block;margin:.3rem 0 0 1.4rem;font:inherit;font-style:italic;text-align:left;color:inherit;
background:none;border:0;padding:0;cursor:pointer}
button.quote .at{font-style:normal;color:var(--now);font-size:.85rem;white-space:nowrap}
.coaching{margin:.3rem 0 0 1.4rem;color:var(--ink)}
.finding.missing .coaching,.finding.pitfall .coaching{color:var(--bad)}.finding.weak .coaching{color:var(--weak)}
.example{margin:.2rem 0 0 1.4rem;color:var(--hit)}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.35rem .4rem;border-top:1px solid var(--line);vertical-align:top}
.delivery th{width:45%;font-weight:600}.norm{display:block;color:var(--dim);font-size:.85rem}
tr.high td,tr.low td{color:var(--bad)}
.compare td{text-align:center;width:25%}.compare tr.better td:last-child{color:var(--hit);font-weight:700}
.compare tr.worse td:last-child{color:var(--bad);font-weight:700}
.side{display:grid;grid-template-columns:1fr 1fr;gap:1rem;margin-top:.8rem}
.side p{margin:.3rem 0}
footer{color:var(--dim);font-size:.9rem;padding:1rem 0 2rem}.legend .w{cursor:default}
@media (max-width:640px){main{padding:.6rem}.card{padding:.8rem;border-radius:10px}.side{grid-template-columns:1fr}
h1{font-size:1.3rem}.transcript{font-size:1.1rem}}
"""

# Words seek their turn's answer when tapped and light up as it plays.
_JS = """
(function(){
  'use strict';
  var players = Array.prototype.slice.call(document.querySelectorAll('audio'));
  players.forEach(function(a){a.addEventListener('play',function(){
    players.forEach(function(b){if(b!==a&&!b.paused)b.pause();});});});
  function seek(audio,t){
    audio.currentTime=t;
    var p=audio.play(); if(p&&p.catch)p.catch(function(){});
  }
  document.querySelectorAll('.transcript[data-audio]').forEach(function(p){
    var audio=document.getElementById(p.dataset.audio); if(!audio)return;
    var words=Array.prototype.slice.call(p.querySelectorAll('.w[data-start]'));
    var starts=words.map(function(w){return parseFloat(w.dataset.start);});
    var ends=words.map(function(w){return parseFloat(w.dataset.end);});
    var cur=null;
    function tick(){
      var t=audio.currentTime,lo=0,hi=starts.length-1,i=-1;
      while(lo<=hi){var m=(lo+hi)>>1;if(starts[m]<=t+0.005){i=m;lo=m+1;}else{hi=m-1;}}
      var w=(i>=0&&(i+1<starts.length||t<=ends[i]+0.3))?words[i]:null;
      if(w!==cur){
        if(cur)cur.classList.remove('now');
        if(w){w.classList.add('now');
          var r=w.getBoundingClientRect();
          if(!audio.paused&&(r.top<60||r.bottom>window.innerHeight-20))w.scrollIntoView({block:'center',behavior:'smooth'});}
        cur=w;
      }
    }
    p.addEventListener('click',function(e){
      var w=e.target.closest('.w[data-start]'); if(!w)return;
      seek(audio,parseFloat(w.dataset.start)); tick();
    });
    ['timeupdate','seeked','loadedmetadata'].forEach(function(ev){audio.addEventListener(ev,tick);});
    audio.addEventListener('play',function loop(){tick();if(!audio.paused)requestAnimationFrame(loop);});
  });
  document.querySelectorAll('button.quote[data-audio]').forEach(function(b){
    b.addEventListener('click',function(){var a=document.getElementById(b.dataset.audio);
      if(a){a.scrollIntoView({block:'nearest'});seek(a,parseFloat(b.dataset.start));}});
  });
})();
"""
