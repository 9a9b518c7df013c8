"""Tests of bot/dialogue (a package, so its test_dates.py does not clash with tests/unit/routes/test_dates.py)."""
