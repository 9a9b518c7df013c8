"""Handoff to a person: staffed hours, escalations, live takeover."""
