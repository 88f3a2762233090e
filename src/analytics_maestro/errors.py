"""Errors a user can act on. The command line turns them into `error:` lines and exit code 2, the web
layer into 4xx JSON, each in one place; anything else is a bug."""

from __future__ import annotations


class MaestroError(Exception):
    """Base of the errors whose message is meant for the user."""

    def lines(self) -> list[str]:
        return [str(self)]


class ConfigError(MaestroError, ValueError):
    """An environment variable holds a value the service cannot use."""


class StoreError(MaestroError, RuntimeError):
    """The store cannot be reached or opened; the message says which and where."""


class IdTaken(MaestroError, ValueError):
    """An owner's id given to a user is a team's, or the reverse: owners share one space of ids."""


class RunnerUnavailable(MaestroError, RuntimeError):
    """A run cannot be queued now (the runner's broker does not answer); nothing was queued."""
