"""The role and company as people type them, normalised once for every sentence they are filled into.

People write ``--role`` the way they would say it: "data engineer", "the data
engineer role", "a Data Engineer position". The sentences that use it want
different shapes ("the {role} position" in an email, "about {role}" in the
interviewer's line, "excited about {the_role}" in the coaching), so the raw
text is reduced to its bare title here and every template builds its phrase
from that, which is what keeps "the the data engineer role role" out.
"""

from __future__ import annotations

import re

_LEADING = re.compile(r"^(?:(?:the|a|an|this|that|your|our|my)\s+)+", re.IGNORECASE)
_TRAILING = re.compile(r"(?:\s+(?:role|position|job|opening|post|vacancy))+$", re.IGNORECASE)
_SPACES = re.compile(r"\s+")
_EDGE_PUNCT = " \t\n.,;:!?\"'"


def role_title(raw: str | None) -> str | None:
    """The bare title: "the backend engineer role" → "backend engineer"; None when nothing is left.

    "the role" or "a position" name no role at all, so they come back as None
    and the templates use their own stand-in ("this role", "[role]").
    """
    if raw is None:
        return None
    text = _SPACES.sub(" ", raw).strip(_EDGE_PUNCT)
    text = _TRAILING.sub("", _LEADING.sub("", text)).strip(_EDGE_PUNCT)
    if not text or text.lower() in ("role", "position", "job", "opening", "post", "vacancy"):
        return None
    return text


def role_phrase(raw: str | None, fallback: str = "this role") -> str:
    """The role as a noun phrase for a sentence: "the backend engineer role" (or ``fallback``)."""
    title = role_title(raw)
    return f"the {title} role" if title else fallback


def company_name(raw: str | None) -> str | None:
    """The company with its spacing tidied ("  Acme  Corp. " → "Acme Corp"); None when empty.

    A leading "the" is kept: it belongs to some names ("The New York Times").
    """
    if raw is None:
        return None
    text = _SPACES.sub(" ", raw).strip(_EDGE_PUNCT.replace('"', "").replace("'", ""))
    while len(text) > 1 and text[0] == text[-1] and text[0] in "\"'":  # a pair of quotes round it, not
        text = text[1:-1].strip(_EDGE_PUNCT)  # the one that opens '"Quoted" Ltd'
    return text or None


def and_list(items: tuple[str, ...] | list[str]) -> str:
    """``a``, ``a and b``, ``a, b and c`` ("" for none)."""
    items = [i.strip() for i in items if i.strip()]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def coaching_placeholders(role: str | None, company: str | None, strengths: tuple[str, ...] = ()) -> dict[str, str]:
    """What the rubric's coaching and examples fill in: {the_role}, {role}, {the_company}, {company}, {strengths}."""
    return {
        # The person's own talking points; with none, a template whose brackets show
        # it is a shape to fill, never an invented background.
        "strengths": and_list(strengths) or "[your years] of [skill] and [a result you delivered]",
        "the_role": role_phrase(role),
        "role": role_title(role) or "this role",
        "the_company": company_name(company) or "your company",
        "company": company_name(company) or "your company",
    }
