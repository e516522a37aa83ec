"""The demo as `make run` serves it, on gunicorn, once per test session: for the tests that
look at the site and the API from outside (the generated API client, Lighthouse)."""
from __future__ import annotations

import os

import pytest

from tests.support.servers import flask, start_gunicorn, stop


@pytest.fixture(scope="session")
def served_demo(tmp_path_factory):
    """The base URL of a fresh instance with the demo loaded (`make run`'s steps), served by
    gunicorn with one worker; stopped at the end of the session. GAZETTE_DEMO_URL names a
    demo already served instead (`make run`'s, say), to look again without reloading it."""
    if os.environ.get("GAZETTE_DEMO_URL"):
        yield os.environ["GAZETTE_DEMO_URL"].rstrip("/")
        return
    folder = tmp_path_factory.mktemp("served-demo")
    env = {**os.environ, "GAZETTE_INSTANCE": str(folder / "instance"),
           "GAZETTE_LOG_LEVEL": "WARNING", "GAZETTE_SECRET_KEY": "served-demo-key",
           "GAZETTE_API_RATE": "100000 per minute", "GAZETTE_SEARCH_RATE": "100000 per minute",
           "GAZETTE_FEEDBACK_RATE": "1000 per hour", "GAZETTE_JOB_RUNNER": "thread"}
    env.pop("DATABASE_URL", None)
    flask(env, "db", "upgrade")
    flask(env, "demo-certificate")
    flask(env, "demo")
    server, base = start_gunicorn(env, error_log=folder / "gunicorn.log")
    yield base
    stop(server)
