"""Disagreement resolution (DR) requests: the model (``models``), the rules
(``service``), the request as a conversation (``conversation``) and its words (``texts``).

A DR request is recorded like a mediation request, so it builds on bot.mediation (its
input checks, contact preferences and status change); bot.mediation never imports it.
"""
