"""What every form in the dialogue shares: how people answer (``answers``). Plain Python."""
