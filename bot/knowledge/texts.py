"""What the assistant says when it is unsure, when a follow-up is unclear and when it
cannot write in the person's language. One place for these words (actions/fallback.py,
actions/follow_up.py and actions/non_english.py say them). Plain Python.
"""

from typing import Dict

DID_YOU_MEAN = "I'm not sure I understood. Did you mean one of these?"
WHICH_PART = "I'm not sure which part you mean. Could you ask the whole question? Or choose one of these."
# Very simple English: short words, one idea a sentence.
ENGLISH_ONLY = (
    "Sorry, I can only write in English. A person from our team can help you. "
    "They can get an interpreter. Press the button to ask for a person."
)
SOMETHING_ELSE_BUTTON: Dict[str, str] = {"title": "Something else", "payload": "/deny"}
PERSON_BUTTON: Dict[str, str] = {"title": "Talk to a person", "payload": "/request_human"}
