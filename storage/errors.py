"""The exceptions storage raises at its edge; the CLI prints their message as one line.

SQLAlchemy and driver errors never escape storage/: they are wrapped here, with
database URLs shown without their password.
"""

from __future__ import annotations


class StorageError(Exception):
    """Base of every error storage raises on purpose."""


class DatabaseUnavailable(StorageError):
    """The database server cannot be reached or the database file cannot be opened."""


class UnknownRecord(StorageError, LookupError):
    """An id names no stored row (a finding, a run, a source)."""
