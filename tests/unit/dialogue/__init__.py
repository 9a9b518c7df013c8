"""Tests of bot/dialogue (a package, so its test_dates.py does not clash with tests/unit/redress/test_dates.py)."""
