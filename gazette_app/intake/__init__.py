"""Receiving documents: check files, convert them to PDF, OCR scans, extract text, propose
metadata and relations. Plain functions on bytes and paths; the app's services call them."""


class IntakeError(ValueError):
    """A file that cannot be received; the message is Vietnamese, for the user."""
