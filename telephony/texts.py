"""What the line says that is not an answer from the assistant: the greeting, the
prompts of each step and their ways out. Spoken texts are written for the ear: one
question per turn, short sentences, keypad and spoken answers named together.

Plain Python, no web or Rasa imports.
"""

from __future__ import annotations

GREETING = (
    "Hello, this is the SEND mediation information line. I'm an automated assistant. "
    "Ask your question in your own words, or press 1 for mediation and certificates, "
    "2 for disagreement resolution, 3 for appeals to the SEND Tribunal, or 4 for complaints. "
    "Press 0 at any time for a person. What would you like to know?"
)
GO_ON = "Shall I go on? Say yes or press 1, or say no."
NOTHING_MORE = "That's all I have on that. What else would you like to know? Or press 0 for a person."
WHAT_ELSE = "What else would you like to know? You can also press 0 for a person."
NOT_HEARD = "Sorry, I didn't hear anything. What would you like to know? You can also press 0 for a person."
STILL_NOT_HEARD = "Sorry, we still can't hear you. You can use your keypad instead."
END_SILENCE = "We haven't heard anything, so we'll end the call now. Please call again at any time. Goodbye."
GOODBYE = "Thank you for calling. Goodbye."
# An answer's spoken version ends with one question (telephony.answers): the details by
# text for a mobile; read in full, or a person, for a number that cannot take a text.
OFFER_TEXT = "Shall I text you the details and sources? Say yes or press 1, or say no."
OFFER_IN_FULL = "Shall I say the details in full? Say yes or press 1. For a person, press 0. Or say no."
DETAILS_SENT = (
    "I've sent you a text with the details and sources. What else would you like to know? "
    "You can also press 0 for a person."
)
DETAILS_NOT_SENT = (
    "Sorry, I couldn't send a text just now. What else would you like to know? You can also press 0 for a person."
)
TROUBLE = "Sorry, something went wrong on our side."
NOT_AN_OPTION = "Sorry, that key isn't one of the options."

# The callback offer (outside staffed hours, or nobody free to answer).
CALLBACK_OWN = (
    "To be called back on the number you're calling from, ending {ending}, say yes or press 1. "
    "To give another number, type it, then press the hash key. If you don't want a call back, "
    "say no or press 2."
)
CALLBACK_TYPE = (
    "Please type the number to call you back on, then press the hash key. "
    "If you don't want a call back, press 2, then the hash key."
)
CALLBACK_NOT_HEARD = "Sorry, I didn't get that."
CALLBACK_BAD_NUMBER = "Sorry, I couldn't use that number."
CALLBACK_DECLINED = "All right, no call back. {when}Please call again at any time. Goodbye."
CALLBACK_GIVE_UP = "Sorry, I couldn't take a number for a call back. {when}Please call again, or text us. Goodbye."
CONFIRM_NUMBER = "I have {number}. If that's right, say yes or press 1. To enter it again, say no or press 2."
PREFERRED_TIME = (
    "When is best to call you? Press 1 for the morning, 2 for the afternoon, or 3 for any time. Or say a day and time."
)
BOOKED = "Thank you. A mediator will call you back {preferred}, once the line is staffed."
BOOKED_NOW = "Thank you. A mediator will call you back {preferred}."
CALLBACK_ASK = "I can ask a mediator to call you back."
BOOKED_TEXTED = "We'll send you a text to confirm."

# Links in answers: never read out; texted when the caller's number can take a text.
LINK_TEXTED = "the link we have sent you in a text"
LINK_NOT_TEXTED = "our website, as I can't send a text to the number you're calling from"

# The queue: callers are answered, or offered a call back.
QUEUE_WAIT = "All our mediators are on other calls. Please stay on the line and the next one will answer."
QUEUE_HOLD = "Thank you for waiting. A mediator will be with you as soon as possible."
QUEUE_TOO_LONG = "Sorry to keep you waiting."
WHISPER_ACCEPT = "Press 1 to take this call. To let it go to the next mediator, hang up."
WHISPER_NOT_ACCEPTED = "The call was not taken. Goodbye."
# A mediator's phone that nobody answers, or whose voicemail answers, does not take the call:
# the next mediator on duty is rung, and after the last the caller is offered a call back.
TRYING_NEXT = "Sorry, that mediator couldn't answer. I'm trying another one now. Please hold."
NOBODY_ANSWERED = "Sorry, none of our mediators could take your call just now."

# SMS
SMS_MAX_PARTS = 3  # an answer goes out in at most 3 texts of one segment each, or with a link to the rest
SMS_FULL_ANSWER = "Full answer: {link}"
SMS_MEDIA_ONLY = (
    "Sorry, we can't open pictures or attachments sent by text. Please text the key details in "
    "words: what the letter is about, its date and your council."
)
SMS_MEDIA_WITH_TEXT = "We can't open pictures or attachments, so please text any details from them in words."
SMS_DETAILS = "{service}: what you asked about on the phone.\n{answer}"
SMS_SOURCES = "Sources: {sources}"
# The assistant's own goodbye (domain.yml utter_goodbye) is the web chat's: each channel says its own.
SMS_GOODBYE = "Goodbye. Text us again at any time."
SMS_HELD_NOTICE = "{service}: new text in the conversation you have. See the console."
