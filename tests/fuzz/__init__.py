"""Coverage-guided fuzzing (atheris) of the entry points in tests/hardening/targets.py."""
