"""Linked Data resource answers on the paper's graph (``python -m bench.resources``)."""
