"""What the assistant says after a safeguarding reply (the reply itself, the numbers and
who is available, is bot.safeguarding.replies): the choice to carry on or stop, and what
it says when the person chooses. One place for these words (actions/safeguarding.py
says them). Plain Python.
"""

CARRY_ON_OR_STOP = "When you're ready, you can carry on where we were, or stop here."
CARRY_ON_BUTTON = "Carry on where we were"
STOP_BUTTON = "Stop here"
WHAT_TO_ASK = "OK. What would you like to ask?"
CARRYING_ON = "OK, let's carry on."
