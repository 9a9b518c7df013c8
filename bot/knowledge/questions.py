"""The questions the assistant can answer, one plain wording each, for "Did you mean ...?" choices.

Each FAQ answer key (faq_<topic>/<key>) and each answered intent gets one clear question.
The FAQ wordings are the first training example of their key (data/nlu/*.yml), so the
model reads a chosen question back exactly as the key it was offered for; a button sends
the question itself, as if the person had typed it.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

import yaml

from bot.knowledge.labels import NOT_ASKED

DATA = Path(__file__).resolve().parents[2] / "data" / "nlu"

# Intents that are not FAQ topics but are worth offering, with their question.
INTENT_QUESTIONS = {
    "ask_plan_section": "What is each section of an EHC plan for?",
    "ask_local_help": "Where can I get free independent advice?",
    "unsure_which_route": "Help me choose the right route",
    "check_routes": "Check my routes and deadlines",
    "start_appeal": "I want to appeal",
    "request_mediation": "I'd like mediation",
    "request_drs": "I'd like a disagreement resolution meeting",
    "ask_staffed_hours": "When can I talk to a person?",
}
# Plainer titles where the first training example is not itself a question; the button
# still sends the training example, so the model reads it as the key it was offered for.
TITLES = {
    "faq_certificate/missing": "What if I have no certificate and the deadline is close?",
    "faq_mediation/voluntary": "Do I have to go to mediation?",
    "faq_mediation/la_not_keeping": "What if the council doesn't do what was agreed at mediation?",
    "faq_scope/age": "Is there an age limit?",
    "faq_tribunal/late": "What if I missed the appeal deadline?",
    "faq_ehc/timescale": "How long should an EHC plan take?",
    "faq_scope/outside_england": "Do you cover Wales, Scotland or Northern Ireland?",
    "faq_complaints/exclusion": "What can I do about an exclusion from school?",
    "faq_complaints/council_late": "Can I appeal if the council is late?",
}
# Not offered as a likely question: those never asked about ("did you mean hello?"), and
# these, which the assistant acts on rather than answers.
NOT_OFFERED = NOT_ASKED | {"request_human", "inform_local_authority", "carry_on"}


def _as_question(example: str) -> str:
    text = example.strip().rstrip("?.! ")
    text = " ".join("I" if word == "i" else ("I'm" if word == "i'm" else word) for word in text.split())
    return text[:1].upper() + text[1:] + "?"


@functools.lru_cache(maxsize=1)
def faq_questions() -> Dict[str, str]:
    """{'faq_tribunal/deadline': 'What is the deadline to appeal?', ...}"""
    found: Dict[str, str] = {}
    for path in sorted(DATA.glob("*.yml")):
        for block in (yaml.safe_load(path.read_text()) or {}).get("nlu") or []:
            name = block.get("intent") or ""
            examples = block.get("examples")
            if not name.startswith("faq_") or "/" not in name or name in found or not isinstance(examples, str):
                continue
            first = next((line.strip()[2:] for line in examples.splitlines() if line.strip().startswith("- ")), None)
            if first:
                found[name] = _as_question(first)
    return found


def likely_questions(
    intent_ranking: Sequence[dict], response_ranking: Sequence[dict], limit: int = 3
) -> List[Tuple[str, str]]:
    """Up to ``limit`` (title, payload) questions the person most likely meant, best first.

    ``intent_ranking``: Rasa's [{'name', 'confidence'}]; ``response_ranking``: the response
    selector's [{'intent_response_key', 'confidence'}] over every FAQ answer.
    """
    questions = faq_questions()
    chosen: List[Tuple[str, str]] = []
    for candidate in intent_ranking:
        name = candidate.get("name") or ""
        if name in NOT_OFFERED:
            continue
        question: Optional[Tuple[str, str]] = None
        if name.startswith("faq_"):
            keys = [
                r.get("intent_response_key")
                for r in response_ranking
                if (r.get("intent_response_key") or "").startswith(name + "/")
            ]
            for key in keys:
                if key in questions:
                    question = (TITLES.get(key, questions[key]), questions[key])
                    if question not in chosen:
                        break
        elif name in INTENT_QUESTIONS:
            question = (INTENT_QUESTIONS[name], INTENT_QUESTIONS[name])
        if question and question not in chosen:
            chosen.append(question)
        if len(chosen) >= limit:
            break
    return chosen
