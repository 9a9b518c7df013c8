"""Conversations: how the app stores and reaches Rasa's conversations, and `turns`, the one
way any channel (web chat, phone, SMS) takes a turn from Rasa."""
