"""Whether typed text is English: the coach reads English closes only.

A recording is judged by the recogniser's own confidence (``transcribe.english_verdict``);
typed text has no recogniser, so it is judged by its words. English prose of any length is
about half function words (the, you, for, I'm...) and a close almost always has some, where
text in another language has few or none: the same "top words" signal language identifiers
lean on for short text. Words an interview in any language borrows (team, interview, job,
okay) and English words that are also common words elsewhere (German "was", "will", "also";
Dutch "is"; Finnish "on"; Polish and Czech "to"; Spanish "me", "no"; Portuguese "do") do not
count. Text with neither (a few nouns: "Keen. Timeline?") is English when most of its words are
words of the English tokenizer the checker already loads ("kiitti, moikka" is not).
"""

from __future__ import annotations

import re
from functools import lru_cache

ENGLISH_WORDS = frozenset(
    """
    the and you your yours of for with from about by as or but if so not does did don't
    doesn't didn't are were be been being it it's its that that's this these those there here
    have has had having would could should can can't might must shall i'm i've i'd i'll we
    we're we've we'd our us they they're them their he she his him what what's when where
    which who whom how why all any some more much very really just too well up out than then
    because while after before into over again only own same such both each few most other
    get got getting know think thought look looking forward thank thanks thx ty bye goodbye
    cheers great good today hear back soon enjoyed excited opportunity appreciate appreciated
    let's yes yeah sure please hope want wanted make see something anything everything
    questions question next time talking speaking chance role's company's you've you'd
    you'll isn't aren't wasn't won't wouldn't couldn't shouldn't sorry see ya later cool nice fun
    happy glad pleasure having been every my mine myself one two three four five six year years week
    weekend weekends day days pay call fine last first new keen
    """.split()
)
"""English words that are rarely words of other languages (listed by hand, not learned)."""

OTHER_WORDS = frozenset(
    """
    und ich sie der das nicht ist mit für danke vielen ihre wir auf sehr schön tschüss wiedersehen
    que el la los las muchas gracias por para muy estoy usted su pero adiós interesado
    je vous merci beaucoup pour est les des et une très nous votre revoir suis
    grazie sono il che molto non della arrivederci sua buongiorno
    obrigado obrigada muito você não estou seu tchau
    ik ben een het voor dank wel niet uw jij zijn graag
    jag och det är tack jeg og er takk ikke mange tak
    kiitos olen ja ei minä että
    dziękuję jestem nie się jak bardzo czy
    děkuji jsem není velmi
    teşekkür ederim çok bir ve için
    terima kasih saya dan yang untuk tidak sangat
    salamat po ang ng sa ako mga
    mulțumesc multumesc sunt și foarte pentru
    köszönöm nagyon és hogy
    cảm ơn tôi không và rất
    asante sana na kwa ni
    """.split()
)
"""The commonest words of other languages written in the Latin script (listed by hand), for
short text with no English word in it: "Grazie, arrivederci" is Italian, "Trial shift?" is not."""

SHARE = 0.1
"""English text has at least this share of ``ENGLISH_WORDS`` among its words of two letters or
more. Interview closes hold 0.4-0.6; text in another language holds 0-0.2 (see
``tests/test_english.py``)."""

_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")


def reads_as_english(text: str) -> bool:
    """True when typed ``text`` reads as English (text with no words at all counts as English:
    there is nothing to tell, and the coach finds nothing in it anyway).

    Mostly another language with an English phrase in it ("Muchas gracias por su tiempo. Thank
    you!") is not English: the coach would credit the phrase and coach a close it cannot read."""
    words = [w.replace("’", "'") for w in _WORD.findall(text.lower())]
    letters = "".join(words)
    if not letters:
        return True
    if sum("a" <= ch <= "z" for ch in letters) < len(letters) / 2:
        return False  # another script: Cyrillic, Greek, Arabic, Devanagari, CJK...
    counted = [w for w in words if len(w) > 1]  # "a" and "i" are words in Spanish, Czech, Polish...
    english = sum(w in ENGLISH_WORDS for w in counted)
    other = sum(w in OTHER_WORDS for w in counted)
    if english and english >= SHARE * len(counted):
        return english >= 2 * other  # a name ("Thanks, Ben") is one word; a sentence is several
    if other or any(not "a" <= ch <= "z" and ch != "'" for ch in letters):
        return False  # a word of another language, or its letters (ü, é, ñ, ş...)
    longer = [w for w in counted if len(w) > 2]  # the vocabulary holds every short syllable
    known = _vocabulary()
    return sum(w in known for w in longer) * 2 >= len(longer)


@lru_cache(maxsize=1)
def _vocabulary() -> frozenset[str]:
    """The whole words of the checker's English WordPiece vocabulary (30,522 entries)."""
    import json

    from .coach.encoder import model_files

    vocab = json.loads(model_files()[1].read_text(encoding="utf-8"))["model"]["vocab"]
    return frozenset(w for w in vocab if w.isalpha())
