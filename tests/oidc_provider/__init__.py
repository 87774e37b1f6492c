"""A tiny, separate Django project: a real OpenID Connect provider (django-oauth-toolkit) that the single
sign-on tests start in a second process (tests/core/test_sso.py). Its own settings, URL, templates and SQLite
database in a temporary folder; it imports nothing of Accord."""
