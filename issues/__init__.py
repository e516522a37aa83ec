"""The issue engine: numbering, ordering, contents and PDF composition of gazette issues, and
reading past issues made by other software back into their documents (`importing`).

A pure package: it never imports Flask or ``gazette_app``; it takes dataclasses and paths.
"""
