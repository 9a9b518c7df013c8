"""Answers made for the ear: a short spoken version, then the written one by text.

A caller who asks a question hears a spoken version of the assistant's answer (at most
MAX_SPOKEN_SENTENCES sentences, no citations, dates and references said as
telephony.speech says them), then one question: "Shall I text you the details and
sources?". Yes sends the written answer, with its sources, in one text through the
outbox. A caller whose number cannot take a text (withheld, a landline) is offered the
answer read in full, or a person, instead.

Where the spoken versions come from: telephony/spoken_answers.yml, one per response the
assistant sends (keyed by Rasa's response name, ``utter_faq_mediation/what_is``), each
shortened from its written answer, which names its source in the domain brief; an
answer with no entry is spoken from its first paragraph (``derived``).

Plain Python, no web or Rasa imports: messages and trackers are the dicts Rasa's HTTP
API gives.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple

import yaml

from telephony.speech import CITATION_RE, SENTENCE_END_RE, speakable

SPOKEN_ANSWERS_FILE = Path(__file__).with_name("spoken_answers.yml")
MAX_SPOKEN_SENTENCES = 3
# "(LGSCO)", "(ICB)", "(DRS)": an abbreviation in brackets says nothing to a listener.
BRACKETED_ABBREVIATION_RE = re.compile(r"\s*\((?:[A-Z]{2,}s?|[A-Z]{2,} [A-Z]{2,})\)")
SOURCES_RE = re.compile(r"\((?:Sources?)\s*:\s*((?:[^()]|\([^()]*\))*)\)", re.IGNORECASE)


@dataclass(frozen=True)
class Said:
    """One message the assistant sent: its text and the response it came from (or None)."""

    text: str
    response: Optional[str] = None
    buttons: bool = False
    custom: bool = False


@lru_cache(maxsize=1)
def spoken_versions() -> Dict[str, str]:
    """{response name: spoken version} from SPOKEN_ANSWERS_FILE (whitespace made single)."""
    with SPOKEN_ANSWERS_FILE.open(encoding="utf-8") as handle:
        loaded = yaml.safe_load(handle) or {}
    return {str(key): " ".join(str(value).split()) for key, value in loaded.items()}


def said_in_turn(tracker: Dict[str, Any], messages: Sequence[Dict[str, Any]] = ()) -> List[Said]:
    """What the assistant sent after the person's last message, with the response names
    the tracker's bot events carry (``metadata.utter_action``); from `messages` (the REST
    channel's, no names) when the tracker has none."""
    events = tracker.get("events") or []
    last_user = max((index for index, event in enumerate(events) if event.get("event") == "user"), default=-1)
    said: List[Said] = []
    for event in events[last_user + 1 :]:
        if event.get("event") != "bot":
            continue
        data = event.get("data") or {}
        said.append(
            Said(
                text=str(event.get("text") or ""),
                response=(event.get("metadata") or {}).get("utter_action"),
                buttons=bool(data.get("buttons")),
                custom=bool(data.get("custom")),
            )
        )
    if said:
        return said
    return [
        Said(
            text=str(message.get("text") or ""),
            buttons=bool(message.get("buttons")),
            custom=bool(message.get("custom")),
        )
        for message in messages
    ]


def is_answer(said: Sequence[Said]) -> bool:
    """One of the assistant's written answers (a named response, utter_...) with sources
    that asks the caller nothing: the kind that gets a spoken version and the offer of the
    details by text. A turn that asks something (a question, buttons, a form), carries
    something else (a certificate, a handoff) or was worked out for the caller (an
    action's own words: their routes and deadlines, every date of which they must hear)
    is spoken as it is."""
    texts = [item.text for item in said if item.text.strip()]
    if not texts or any(item.buttons or item.custom for item in said):
        return False
    if not all((item.response or "").startswith("utter_") for item in said if item.text.strip()):
        return False
    if not any(CITATION_RE.search(text) for text in texts):
        return False
    return not _without_citations(texts[-1]).rstrip().endswith("?")


def derived(text: str, max_sentences: int = MAX_SPOKEN_SENTENCES) -> str:
    """A written answer's first paragraph made short for the ear: citations and bracketed
    abbreviations dropped, its first `max_sentences` sentences."""
    paragraph = next((part for part in re.split(r"\n\s*\n", text.strip()) if part.strip()), "")
    paragraph = BRACKETED_ABBREVIATION_RE.sub("", _without_citations(paragraph))
    return " ".join(_sentences(" ".join(paragraph.split()))[:max_sentences])


def spoken_answer(said: Sequence[Said], can_text: bool = True, max_sentences: int = MAX_SPOKEN_SENTENCES) -> str:
    """The spoken version of the turn's answer: each message's own version (or one
    derived from it), at most `max_sentences` sentences in all, made speakable (dates,
    numbers and references said well, no links read out)."""
    sentences: List[str] = []
    for item in said:
        if not item.text.strip():
            continue
        version = spoken_versions().get(item.response or "") or derived(item.text, max_sentences)
        sentences.extend(_sentences(version))
    text, _ = speakable(" ".join(sentences[:max_sentences]), can_text=can_text)
    return text


def written_answer(said: Sequence[Said]) -> Tuple[str, List[str]]:
    """The answer as written, without its citations, and the sources it names, in order
    and each once: ("Mediation is ...", ["Children and Families Act 2014 ss.52-55", ...])."""
    sources: List[str] = []
    bodies: List[str] = []
    for item in said:
        if not item.text.strip():
            continue
        for found in SOURCES_RE.findall(item.text):
            for source in (part.strip() for part in found.split(";")):
                if source and source not in sources:
                    sources.append(source)
        bodies.append(_without_citations(item.text).strip())
    return "\n".join(body for body in bodies if body), sources


def _without_citations(text: str) -> str:
    return re.sub(r"[ \t]{2,}", " ", CITATION_RE.sub("", text)).strip()


def _sentences(text: str) -> List[str]:
    return [sentence.strip() for sentence in SENTENCE_END_RE.split(text.strip()) if sentence.strip()]
