"""One exception tree. Every message says what went wrong and what to do."""

from __future__ import annotations


class EventwireError(Exception):
    """Base of every error eventwire raises on purpose."""


class ConfigError(EventwireError):
    """A setting or bundled data file is wrong."""


class DataFileError(ConfigError):
    """A bundled or user table failed validation; names the file and line."""

    def __init__(self, path: str, line: int | None, problem: str) -> None:
        where = f"{path}:{line}" if line is not None else path
        super().__init__(f"{where}: {problem}")
        self.path, self.line, self.problem = path, line, problem


class ModelNotFoundError(ConfigError):
    """The spaCy model is not installed."""


class InputError(EventwireError):
    """An input file or record cannot be read."""


class StoreError(EventwireError):
    """The database cannot be opened, read or written."""


class DatabaseLockedError(StoreError):
    """Another process holds the database for writing."""


class EvaluationError(EventwireError):
    """A gold file cannot be read or scored."""
