"""Search engine for the gazette: Vietnamese analysis, index backends, queries.

A pure package: it never imports Flask or ``gazette_app``; it takes plain data and paths.
"""
