"""The issue engine: numbering, ordering, contents and PDF composition of gazette issues.

A pure package: it never imports Flask or ``gazette_app``; it takes dataclasses and paths.
"""
