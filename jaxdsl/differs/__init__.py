"""Differs: arc-dsl programs ``differ_<name>(S, I, C)`` that score how much a candidate grid
``I`` looks like the expected output ``C`` (see ``differs.py``)."""
