"""Loaded by pytest before Django (`-p accord.testenv` in pyproject.toml): test-run settings.

Tests run with production-like settings (DEBUG off) plus what a test run needs: a fixed secret key,
an audit key, plain HTTP, the test client's host name and an in-process cache. Variables already set win, so
`ACCORD_DATABASE_URL=postgres://… make test` runs the same suite on PostgreSQL.
"""

import os
import tempfile

for _name, _value in {
    "ACCORD_DEBUG": "0",
    "ACCORD_SECRET_KEY": "test-only-secret-key-that-is-long-enough-0123456789",
    "ACCORD_AUDIT_KEY": "test:test-only-audit-key-that-is-long-enough-0123",
    "ACCORD_ALLOWED_HOSTS": "testserver,localhost,127.0.0.1",
    "ACCORD_HTTPS": "0",
    "ACCORD_CACHE": "locmem",
    # Tests write rows with factories, outside the services that version an organisation's data: stored read
    # answers are on only in the tests that say so (tests/core/test_answers.py).
    "ACCORD_ANSWER_CACHE": "0",
    # Jobs run inside the test's process when queued; the tests of the worker start real ones.
    "ACCORD_JOBS_IMMEDIATE": "1",
    "ACCORD_STATIC_MANIFEST": "0",
    "DJANGO_SETTINGS_MODULE": "accord.settings",
    # A var/ of its own, so that files a developer's demo left (collected static files, the
    # SQLite file) never change what the tests see.
    "ACCORD_VAR_DIR": tempfile.mkdtemp(prefix="accord-test-var-"),
}.items():
    os.environ.setdefault(_name, _value)
