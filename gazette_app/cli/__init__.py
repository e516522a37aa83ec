"""Command line: thin commands that parse, call a service and print
(``flask --app wsgi <command>``), one module per room:

- ``users``: create-user, set-password, create-api-key
- ``records``: import-records, demo
- ``receive``: receive, worker
- ``issues``: compose-issue, approve-issue, unapprove-issue, publish-issue, issue-pdf,
  attach-pdf, demo-certificate
- ``volumes``: build-volume, verify
- ``ops``: backup, restore, recover, reindex, search-sync
- ``signing``: retimestamp
- ``intake``: intake-key create / list / revoke (the issuing bodies' keys for the intake API)
- ``importing``: title-add, import-issue, import-issues (a folder, resumable), confirm-entry:
  former provinces' gazettes and their past issues read from the published PDFs
"""
from __future__ import annotations

from flask import Flask

from . import importing, intake, issues, ops, receive, records, signing, users, volumes

COMMANDS = (*users.COMMANDS, *records.COMMANDS, *receive.COMMANDS, *issues.COMMANDS,
            *volumes.COMMANDS, *ops.COMMANDS, *signing.COMMANDS, *intake.COMMANDS,
            *importing.COMMANDS)


def init_app(app: Flask) -> None:
    for command in COMMANDS:
        app.cli.add_command(command)
