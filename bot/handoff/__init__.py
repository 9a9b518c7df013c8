"""Handoff to a person, on any channel: staffed hours, escalations, the texts that alert staff.

The web chat's live takeover is the web chat's own (bot.webchat.live).
"""
