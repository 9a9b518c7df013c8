"""Rasa custom actions, one module per feature. Thin: the logic lives in bot/."""
