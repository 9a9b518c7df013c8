"""Fixtures: a migrated database of each kind, SMTP and Twilio stubs (tests/support/back_office.py)."""
from support.back_office import office, reconfigure, smtp_server, twilio_stub  # noqa: F401
