"""Coverage-guided fuzzing (atheris) of the entry points in saywho/testing/targets.py."""
