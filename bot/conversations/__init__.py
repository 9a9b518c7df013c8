"""Conversations: how the app stores and reaches Rasa's conversations."""
