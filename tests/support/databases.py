"""Throwaway databases for the tests: a new PostgreSQL database per test (or module), dropped
after; the test Redis. PostgreSQL comes from GAZETTE_TEST_POSTGRES_URL or the local server."""
from __future__ import annotations

import os
import re
import uuid
from contextlib import contextmanager

import psycopg
import pytest
import redis

POSTGRES_URL = os.environ.get("GAZETTE_TEST_POSTGRES_URL",
                              "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def _libpq(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://")


def check_postgres() -> str | None:
    try:
        with psycopg.connect(_libpq(POSTGRES_URL), connect_timeout=3):
            return None
    except psycopg.Error as error:
        return f"no PostgreSQL at {POSTGRES_URL}: {str(error).strip().splitlines()[0]}"


_problem: list[str | None] = []


def postgres_problem() -> str | None:
    """Why PostgreSQL cannot be used (None when it can), checked once per run."""
    if not _problem:
        _problem.append(check_postgres())
    return _problem[0]


@contextmanager
def postgres_database():
    """A new, empty PostgreSQL database for one test (or module); dropped afterwards."""
    problem = postgres_problem()
    if problem:
        pytest.skip(problem)
    name = f"gazette_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(_libpq(POSTGRES_URL), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield re.sub(r"/[^/]*$", f"/{name}", POSTGRES_URL)
    finally:
        with psycopg.connect(_libpq(POSTGRES_URL), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def redis_url() -> str | None:
    """The test Redis (GAZETTE_TEST_REDIS_URL), None when absent; mandatory in CI."""
    url = os.environ.get("GAZETTE_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
        return url
    except redis.RedisError:
        if os.environ.get("CI") == "true":
            pytest.fail(f"Redis is required in CI at {url}")
        return None
