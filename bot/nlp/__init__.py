"""The project's own spaCy pipeline: built from pattern files in data/patterns/."""
