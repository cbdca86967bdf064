"""Domain errors: one catalogue, each with a message, a fix hint and an exit code.

The library raises these; the CLI edge turns them into one line on stderr and
the documented exit code (2: usage or input error, 1: a failure while working).
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_USAGE = 2


class AlignError(Exception):
    """Base class of every error the library raises on purpose."""

    exit_code: int = EXIT_FAILURE

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        if self.hint:
            return f"{self.message} ({self.hint})"
        return self.message


class InputError(AlignError):
    """Bad input from the user: missing, unreadable, binary, empty or malformed."""

    exit_code = EXIT_USAGE


class LanguageError(InputError):
    """An unknown or unsupported language code."""


class ModelError(AlignError):
    """A model is missing, corrupt or cannot be installed."""


class NoTranslationPath(ModelError):
    """No engine (or chain of engines) translates between two languages."""


class ArchiveError(ModelError):
    """A package archive is corrupt or unsafe (zip-slip, symlinks, bad metadata)."""

    exit_code = EXIT_USAGE


class OfflineError(AlignError):
    """Something needed the network and the network is not there."""


class EngineError(AlignError):
    """A translation engine failed while running (e.g. an external pipeline)."""


class OutputError(AlignError):
    """An output could not be written while working (a full disk, a vanished directory)."""


class GateFailed(AlignError):
    """A quality gate (threshold or baseline) was not met."""
