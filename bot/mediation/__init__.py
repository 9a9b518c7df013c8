"""Mediation: the statutory mediation information (mediation advice), mediation
certificates (records, references, PDF, verification) and mediation requests.

Service functions are in ``bot.mediation.service`` (advice and certificates; see its
docstring for the order a conversation calls them in) and ``bot.mediation.requests``
(mediation requests, and the status change a DR request shares with them; DR requests
themselves are bot.disagreement_resolution, which imports from here, never the reverse).
"""
