"""The readers of answers that every form uses: a request to change an answer, and yes or
no to "is this right?". Plain Python, no Rasa; each form keeps the readers only it needs.
"""
import re

# "change my council", "correct the date": which answer to ask again (the form reads `what`).
CHANGE = re.compile(r"^\s*(please\s+)?(change|correct|fix|edit)\s+(the\s+|my\s+)?(?P<what>.+?)\s*\.?$")
# Yes or no to a summary read back before something is issued or sent.
CONFIRM_YES = re.compile(r"^\s*(yes|yeah|yep|yup|y|correct|that'?s (right|correct|fine)|right|ok|okay|sure|go ahead|spot on|"
                         r"all (correct|good|fine)|that is (right|correct)|please do|do it|send it|issue it|confirm)\b")
CONFIRM_NO = re.compile(r"^\s*(no|nope|nah|n|not (quite|right)|wrong|that'?s wrong|incorrect)\b")
