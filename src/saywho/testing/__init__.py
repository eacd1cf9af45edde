"""Hostile inputs and fault injection for saywho's own reliability checks (docs/reliability.md).

Used by the test suite, the fuzz harness (``tests/fuzz``) and ``scripts/adversarial.py`` /
``scripts/interrupt.py``; needs the test extra (``pip install 'saywho[test]'``: hypothesis).
"""
