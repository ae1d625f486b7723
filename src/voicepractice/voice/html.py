"""The voice on the review page: pitch and loudness drawn under each answer, aligned with its
words (inline SVG, nothing fetched, within the page's CSP), and the figures with their norms."""

from __future__ import annotations

from html import escape

from ..records import Transcript
from .norms import VOICE_NORMS
from .records import Voice

PX_PER_S = 90.0
HEIGHT = 170
PITCH_TOP, PITCH_H = 8, 70  # pitch band: +-8 semitones around the speaker's median
LEVEL_TOP, LEVEL_H = 84, 40  # loudness band: -60..0 dBFS
WORDS_Y = 140
_FLAG_NAMES = {"trailing_off": "trailed off", "upspeak": "rose like a question", "monotone": "flat"}

LABELS = {
    "pitch_variation": "Pitch variation",
    "pitch_range_st": "Pitch range",
    "monotone_stretches": "Flat 10 s stretches",
    "sentence_pitch_sd_st": "Pitch from sentence to sentence",
    "level_dbfs": "Loudness",
    "loudness_spread_db": "Loudness between sentences",
    "trailing_off_share": "Sentences that trail off",
    "upspeak_share": "Statements that rise like questions",
    "pace_change": "Pace, last third vs first",
}


def contour_svg(voice: Voice | None, turn: int, transcript: Transcript | None, audio_id: str | None) -> str:
    """Pitch (line) and loudness (area) of one turn's answer, its words along the bottom."""
    if voice is None:
        return ""
    c = next((c for c in voice.contours if c.turn == turn), None)
    if c is None or not c.level_db:
        return ""
    dur = len(c.level_db) * c.hop_s
    width = max(320, int(dur * PX_PER_S))

    def x(t: float) -> float:
        return round(t * PX_PER_S, 1)

    def py(st: float) -> float:
        return round(PITCH_TOP + PITCH_H * (1 - (max(-8.0, min(8.0, st)) + 8) / 16), 1)

    def ly(db: float) -> float:
        return round(LEVEL_TOP + LEVEL_H * (1 - (max(-60.0, min(0.0, db)) + 60) / 60), 1)

    out = [
        f'<div class="voice-plot"><svg width="{width}" height="{HEIGHT}" '
        f'viewBox="0 0 {width} {HEIGHT}" role="img" aria-label="Your pitch and loudness over the answer"'
        + (f' data-audio="{audio_id}"' if audio_id else "")
        + ">"
    ]
    for s in voice.sentences:
        if s.turn != turn or not s.flags:
            continue
        what = ", ".join(_FLAG_NAMES.get(f, f) for f in s.flags)
        out.append(
            f'<rect class="flag" x="{x(s.start)}" y="0" width="{max(2.0, x(s.end) - x(s.start))}" height="{WORDS_Y - 12}">'
            f"<title>{escape(what)}: {escape(s.text)}</title></rect>"
        )
    out.append(f'<line class="axis" x1="0" x2="{width}" y1="{py(0)}" y2="{py(0)}"><title>your median pitch</title></line>')
    area = [f"0,{ly(-60)}"] + [f"{x(i * c.hop_s)},{ly(v)}" for i, v in enumerate(c.level_db)] + [f"{x(dur)},{ly(-60)}"]
    out.append(f'<polygon class="level" points="{" ".join(area)}"><title>loudness</title></polygon>')
    run: list[str] = []
    for i, v in enumerate([*c.pitch_st, None]):
        if v is None:
            if len(run) > 1:
                out.append(f'<polyline class="pitch" points="{" ".join(run)}"/>')
            run = []
        else:
            run.append(f"{x(i * c.hop_s)},{py(v)}")
    if transcript is not None:
        for i, w in enumerate(transcript.words):
            if w.start is None:
                continue
            y = WORDS_Y + (12 if i % 2 else 0)
            out.append(f'<line class="tick" x1="{x(w.start)}" x2="{x(w.start)}" y1="{WORDS_Y - 10}" y2="{y - 9}"/>')
            out.append(f'<text x="{x(w.start)}" y="{y}">{escape(w.text)}</text>')
    out.append(f'<line class="head" x1="0" x2="0" y1="0" y2="{HEIGHT}"/>')
    out.append("</svg></div>")
    out.append('<p class="voice-legend"><span class="lp">━ pitch</span> · <span class="ll">▇ loudness</span>'
               ' · <span class="lf">▇ a sentence that trailed off, rose or stayed flat</span></p>')  # fmt: skip
    return "".join(out)


def figures_html(voice: Voice | None) -> str:
    """The Voice card: every figure, its verdict, its norm and where the norm comes from."""
    if voice is None:
        return ""
    rows = []
    for name, f in voice.figures.items():
        norm = VOICE_NORMS.get(name, {})
        low, high = norm.get("low"), norm.get("high")
        bound = (f"≥ {low:g}" if low is not None else "") + (f"≤ {high:g}" if high is not None else "")
        value = "—" if f.value is None else f"{f.value:.3g}"
        if name.endswith("_share") and f.value is not None:
            value = f"{f.value:.0%}"
        note = f'<span class="norm">{escape(f.note)}</span>' if f.note else ""
        src = f'{escape(bound)} {escape(str(norm.get("unit", "")))} · {escape(str(norm.get("source", "")))}'
        cls = f' class="{f.verdict}"' if f.verdict in ("low", "high") else ""
        rows.append(
            f"<tr{cls}><th>{escape(LABELS.get(name, name))}</th><td>{escape(value)}{note}"
            f'<span class="norm">{src}</span></td></tr>'
        )
    coaching = f'<p class="coaching">{escape(voice.coaching)}</p>' if voice.coaching else ""
    return (
        f'<section class="card" id="voice-figures"><h2>Voice</h2>{coaching}'
        f'<table class="delivery">{"".join(rows)}</table>'
        f'<p class="norm">{voice.voiced_s:.1f} s of voiced speech · F0 by {escape(voice.tracker)}</p></section>'
    )


CSS = """
.voice-plot{overflow-x:auto;margin:.4rem 0 0;border-top:1px solid var(--line)}
.voice-plot svg{display:block;cursor:pointer}
.voice-plot .pitch{fill:none;stroke:var(--now);stroke-width:2}
.voice-plot .level{fill:var(--line);opacity:.8}
.voice-plot .axis{stroke:var(--dim);stroke-dasharray:3 3;stroke-width:.6}
.voice-plot .flag{fill:var(--weakbg);opacity:.9}
.voice-plot .tick{stroke:var(--line)}
.voice-plot text{font-size:10px;fill:var(--dim)}
.voice-plot .head{stroke:var(--bad);stroke-width:1.5}
.voice-legend{font-size:.8rem;color:var(--dim);margin:.2rem 0 0}.voice-legend .lp{color:var(--now)}
.voice-legend .lf{color:var(--weak)}
"""

# The playhead follows the answer's audio; tapping the plot seeks there.
JS = """
(function(){
  document.querySelectorAll('.voice-plot svg[data-audio]').forEach(function(svg){
    var a=document.getElementById(svg.dataset.audio); if(!a)return;
    var head=svg.querySelector('.head'), px=PX;
    function tick(){var x=a.currentTime*px; head.setAttribute('x1',x); head.setAttribute('x2',x);}
    ['timeupdate','seeked'].forEach(function(e){a.addEventListener(e,tick);});
    svg.addEventListener('click',function(e){var r=svg.getBoundingClientRect();
      a.currentTime=(e.clientX-r.left)/px; var p=a.play(); if(p&&p.catch)p.catch(function(){});});
  });
})();
""".replace("PX", f"{PX_PER_S:g}")
