"""The voice on the review page: pitch and loudness drawn under each answer, aligned with its
words (inline SVG, nothing fetched, within the page's CSP), and the figures with their norms."""

from __future__ import annotations

from html import escape

from ..records import Transcript, Word
from .norms import VOICE_NORMS
from .records import Voice

PX_PER_S = 90.0
MAX_PX_PER_S = 180.0
"""A fast talker's words need more room: the plot is stretched up to this (it scrolls sideways) before a
label that still does not fit is left off (its tick stays, the word in its tooltip)."""
HEIGHT = 172
PITCH_TOP, PITCH_H = 8, 70  # pitch band: +-8 semitones around the speaker's median
LEVEL_TOP, LEVEL_H = 84, 40  # loudness band: -60..0 dBFS
WORDS_Y = 140
LABEL_ROWS = 3
CHAR_PX = 5.6
"""Rough width of a character of the 10 px word labels, to keep labels from overlapping."""
GUIDE_ST = 6.0
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
    words = [w for w in transcript.words if w.start is not None] if transcript is not None else []
    px, rows = PX_PER_S, _label_rows(words, PX_PER_S)
    while None in rows and px < MAX_PX_PER_S:
        px = min(MAX_PX_PER_S, px + 30.0)
        rows = _label_rows(words, px)
    width = max(320, int(dur * px))

    def x(t: float) -> float:
        return round(t * px, 1)

    def py(st: float) -> float:
        return round(PITCH_TOP + PITCH_H * (1 - (max(-8.0, min(8.0, st)) + 8) / 16), 1)

    def ly(db: float) -> float:
        return round(LEVEL_TOP + LEVEL_H * (1 - (max(-60.0, min(0.0, db)) + 60) / 60), 1)

    out = [
        f'<div class="voice-plot"><svg width="{width}" height="{HEIGHT}" '
        f'viewBox="0 0 {width} {HEIGHT}" role="img" aria-label="Your pitch and loudness over the answer"'
        + (f' data-audio="{audio_id}" data-px="{px:g}"' if audio_id else "")
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
    for st in (-GUIDE_ST, GUIDE_ST):  # a scale for the range: 6 semitones is about a lively sentence's swing
        out.append(
            f'<line class="guide" x1="0" x2="{width}" y1="{py(st)}" y2="{py(st)}">'
            f"<title>{st:+.0f} semitones from your median</title></line>"
        )
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
    for w, row in zip(words, rows, strict=True):
        assert w.start is not None
        if row is None:  # no room even stretched: the tick, and the word when hovered
            out.append(f'<line class="tick" x1="{x(w.start)}" x2="{x(w.start)}" y1="{WORDS_Y - 10}" y2="{WORDS_Y}">'
                       f"<title>{escape(w.text)}</title></line>")  # fmt: skip
            continue
        y = WORDS_Y + 11 * row
        out.append(f'<line class="tick" x1="{x(w.start)}" x2="{x(w.start)}" y1="{WORDS_Y - 10}" y2="{y - 9}"/>')
        out.append(f'<text x="{x(w.start)}" y="{y}">{escape(w.text)}</text>')
    out.append(f'<line class="head" x1="0" x2="0" y1="0" y2="{HEIGHT}"/>')
    out.append("</svg></div>")
    out.append('<p class="voice-legend"><span class="lp">━ pitch</span> (dashes: your median, ±6 semitones)'
               ' · <span class="ll">▇ loudness</span>'
               ' · <span class="lf">▇ a sentence that trailed off, rose or stayed flat</span></p>')  # fmt: skip
    return "".join(out)


def _label_rows(words: list[Word], px_per_s: float) -> list[int | None]:
    """The row of each word's label: the first row where it does not touch the label before it (short words
    said quickly would overlap on two alternating rows: "Couldtell", "whatthe"); None where no row has room."""
    row_end = [-1.0] * LABEL_ROWS  # where each row's last label ends, px
    rows: list[int | None] = []
    for w in words:
        at = round((w.start or 0.0) * px_per_s, 1)
        row = next((r for r in range(LABEL_ROWS) if row_end[r] < at), None)
        if row is not None:
            row_end[row] = at + CHAR_PX * len(w.text) + 3
        rows.append(row)
    return rows


_UNITS = {"pitch_range_st": " st", "sentence_pitch_sd_st": " st", "level_dbfs": " dBFS", "loudness_spread_db": " dB",
          "pace_change": "×"}

_SENTENCE_COLUMNS = (  # (field, heading, format, flag it sets)
    ("pitch_variation", "pitch var.", "{:.2f}", "monotone"),
    ("pitch_range_st", "range st", "{:.1f}", None),
    ("level_db", "dBFS", "{:.0f}", None),
    ("end_drop_db", "end drop dB", "{:.1f}", "trailing_off"),
    ("final_rise_st", "final rise st", "{:+.1f}", "upspeak"),
    ("words_per_minute", "wpm", "{:.0f}", None),
)


def _sentences_html(voice: Voice) -> str:
    """Every sentence's own figures, the flagged ones marked, with the sentence norms as the header."""
    if not voice.sentences:
        return ""
    from .norms import SENTENCE_NORMS

    def norm(field: str) -> str:
        n = SENTENCE_NORMS.get(field)
        if not n:
            return ""
        bound = f"≥ {n['low']:g}" if n.get("low") is not None else f"< {n['high']:g}"
        return f'<span class="norm" title="{escape(str(n["source"]))}">{escape(bound)}</span>'

    head = "".join(f"<th>{escape(h)}{norm(f)}</th>" for f, h, _, _ in _SENTENCE_COLUMNS)
    rows = []
    turns = len({s.turn for s in voice.sentences})
    for s in voice.sentences:
        cells = []
        for field, _, fmt, flag in _SENTENCE_COLUMNS:
            v = getattr(s, field)
            text = "—" if v is None else fmt.format(v)
            if field == "final_rise_st" and s.question and v is not None:
                text += " ?"  # a question may rise
            cells.append(f'<td{" class=flagged" if flag and flag in s.flags else ""}>{escape(text)}</td>')
        where = f"turn {s.turn + 1}, " if turns > 1 else ""
        rows.append(f'<tr><td class="said">{escape(s.text)}<span class="norm">{where}{s.start:.1f} s</span></td>{"".join(cells)}</tr>')
    return (
        '<details class="voice-sentences"><summary>Sentence by sentence</summary>'
        f'<div class="scroll"><table><tr><th>sentence</th>{head}</tr>{"".join(rows)}</table></div>'
        '<p class="norm">Pitch figures need 0.6 s of voicing in the sentence; a final rise counts as upspeak on '
        "statements only (? marks a question); norms and sources: see the table above and the README.</p></details>"
    )


def figures_html(voice: Voice | None) -> str:
    """The Voice card: every figure, its verdict, its norm and where the norm comes from."""
    if voice is None:
        return ""
    rows = []
    for name, f in voice.figures.items():
        norm = VOICE_NORMS.get(name, {})
        low, high = norm.get("low"), norm.get("high")
        bound = (f"≥ {low:g}" if low is not None else "") + (f"≤ {high:g}" if high else "none:" if high == 0 else "")
        value = "—" if f.value is None else f"{f.value:.3g}{_UNITS.get(name, '')}"
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
        f'<table class="delivery">{"".join(rows)}</table>{_sentences_html(voice)}'
        f'<p class="norm">{voice.voiced_s:.1f} s of voiced speech · F0 by {escape(voice.tracker)}</p></section>'
    )


CSS = """
.voice-plot{overflow-x:auto;margin:.4rem 0 0;border-top:1px solid var(--line)}
.voice-plot svg{display:block;cursor:pointer}
.voice-plot .pitch{fill:none;stroke:var(--now);stroke-width:2}
.voice-plot .level{fill:var(--line);opacity:.8}
.voice-plot .axis{stroke:var(--dim);stroke-dasharray:3 3;stroke-width:.6}
.voice-plot .guide{stroke:var(--dim);stroke-opacity:.4;stroke-dasharray:2 4;stroke-width:.6}
.voice-plot .flag{fill:var(--weakbg);opacity:.9}
.voice-plot .tick{stroke:var(--line)}
.voice-plot text{font-size:10px;fill:var(--dim)}
.voice-plot .head{stroke:var(--bad);stroke-width:1.5}
.voice-legend{font-size:.8rem;color:var(--dim);margin:.2rem 0 0}.voice-legend .lp{color:var(--now)}
.voice-legend .lf{color:var(--weak)}
.voice-sentences summary{cursor:pointer;margin:.6rem 0 .3rem;font-weight:600}
.voice-sentences .scroll{overflow-x:auto}
.voice-sentences table{border-collapse:collapse;font-size:.85rem;width:100%}
.voice-sentences th,.voice-sentences td{padding:.25rem .4rem;border-top:1px solid var(--line);text-align:right;vertical-align:top}
.voice-sentences th:first-child,.voice-sentences td.said{text-align:left;min-width:12rem}
.voice-sentences td.flagged{background:var(--weakbg);color:var(--weak);font-weight:700}
"""

# The playhead follows the answer's audio; tapping the plot seeks there.
JS = """
(function(){
  document.querySelectorAll('.voice-plot svg[data-audio]').forEach(function(svg){
    var a=document.getElementById(svg.dataset.audio); if(!a)return;
    var head=svg.querySelector('.head'), px=parseFloat(svg.dataset.px)||PX;
    function tick(){var x=a.currentTime*px; head.setAttribute('x1',x); head.setAttribute('x2',x);}
    ['timeupdate','seeked'].forEach(function(e){a.addEventListener(e,tick);});
    svg.addEventListener('click',function(e){var r=svg.getBoundingClientRect();
      a.currentTime=(e.clientX-r.left)/px; var p=a.play(); if(p&&p.catch)p.catch(function(){});});
  });
})();
""".replace("PX", f"{PX_PER_S:g}")
