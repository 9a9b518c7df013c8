"""The phone line and SMS via Twilio: signed webhooks on the web app, talking to Rasa internally.

- `signatures`: X-Twilio-Signature checks against the public URL
- `speech`: text -> what a caller hears (dates, numbers, references, links, short turns)
- `sms`: SMS splitting and keywords (STOP/START)
- `voice`: TwiML for each step of a call, keypad menu
- `web`: the FastAPI router with the webhooks
"""
