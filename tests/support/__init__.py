"""Test helpers shared by unit and integration tests (importable as `support`)."""
