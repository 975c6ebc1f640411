"""Signals of the outbox, for the apps above that keep their own records of a list."""

from __future__ import annotations

from django.dispatch import Signal

# Sent with ``entry`` (a new ``Suppression``) when an address is put on the list:
# an unsubscribe link, a one-click POST, a bounce refused by the mail server.
suppressed = Signal()
