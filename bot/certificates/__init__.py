"""Mediation advice and mediation certificates: records, references, PDF, verification.

Service functions are in ``bot.certificates.service``; see its docstring for the order
a conversation calls them in.
"""
