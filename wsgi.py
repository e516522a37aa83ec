"""WSGI entry point: ``flask --app wsgi ...`` and ``gunicorn wsgi:app``."""
import sys

from gazette_app import create_app
from gazette_app.config import SettingsError

try:
    app = create_app()
except SettingsError as error:  # a wrong setting: say which, without a traceback
    print(error, file=sys.stderr)
    raise SystemExit(2) from None
