"""What the assistant says beyond the fixed FAQ answers, as plain Python (no Rasa).

Modules: ``safeguarding`` (risk words and the safety messages), ``input_checks``
(empty, very long, emoji-only, markup, other-language input),
``local_help`` (the SENDIASS of a council, from data/sendiass.yml),
``plan_sections`` (what each EHC plan section holds) and ``labels`` (plain
names for intents, used when the assistant is unsure).
"""
