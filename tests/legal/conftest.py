"""Fixtures: a migrated database of each kind for the rows that issue a certificate."""
from support.back_office import office, reconfigure, smtp_server, twilio_stub  # noqa: F401
