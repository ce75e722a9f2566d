"""Errors a user can cause and fix.

Anything raised as :class:`NnexplainError` is the user's to fix (a wrong name,
a missing file, a corrupt run), so the CLI prints its message on one line and
exits with status 2 instead of showing a traceback. Every message names the bad
thing and says what would be accepted.
"""

from __future__ import annotations

__all__ = ["NnexplainError", "DataError", "RunError"]


class NnexplainError(Exception):
    """A problem with the user's input, explained in one line."""


class DataError(NnexplainError):
    """A data set file that cannot be read: bad magic number, truncated, wrong shape."""


class RunError(NnexplainError):
    """A run directory that is missing, corrupt, of another format version, or unsuited to a scene."""
