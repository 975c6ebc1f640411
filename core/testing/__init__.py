"""Helpers for the test suite."""

# Apps a transactional test (live server, browser) may flush: everything but the
# reference data, which the session imported once (see the root conftest.py).
TRANSACTIONAL_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "django_tasks",
    "simple_history",
    "core",
    "directory",
    "accounts",
]
