"""Errors a user can cause, as the core's own types.

Each carries enough to print one readable line at the edge (CLI or a UI
notification): what is wrong and where. Nothing else should escape to a user.
"""

from __future__ import annotations

ERROR_PREFIX = "termnews: error: "
"""How the command line's one-line errors start; the reader finds its children's by it."""


class TermnewsError(Exception):
    """Base of every error termnews reports to a user as one line."""


class SourceError(TermnewsError):
    """A feed, file or URL could not be read or parsed."""

    def __init__(self, source: str, reason: str) -> None:
        super().__init__(f"{source}: {reason}")
        self.source = source
        self.reason = reason


class ConfigError(TermnewsError):
    """The config file is unreadable or has a bad key or value."""


class StoreError(TermnewsError):
    """The cache database cannot be opened or written."""


class NotFoundError(TermnewsError):
    """A feed or article named by the user does not exist."""


class QueryError(TermnewsError):
    """A search query could not be understood."""
