"""argparse value types shared by the commands: one wording for every bad value."""

from __future__ import annotations

import argparse


def _count(text: str, minimum: int, below: str) -> int:
    """An integer of at least ``minimum``; ``below`` is the message for a smaller one."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if value < minimum:
        raise argparse.ArgumentTypeError(below)
    return value


def positive_int(text: str) -> int:
    """A count such as ``--limit``: an integer of at least 1."""
    return _count(text, 1, "must be at least 1")


def non_negative_int(text: str) -> int:
    """A count that may be zero, such as ``--offset``: a negative one is a typo."""
    return _count(text, 0, "must not be negative")


def article_id(text: str) -> int:
    """An article id as printed by ``articles``: a positive integer."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"article ids are numbers, got {text!r}") from None
    if value < 1:
        # The same words as for an id the cache does not hold ("no article with id 999").
        raise argparse.ArgumentTypeError(f"no article with id {value}")
    return value


def hours(text: str) -> float:
    """A time window in hours, more than zero."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of hours: {text!r}") from None
    if not value > 0:
        raise argparse.ArgumentTypeError("must be more than 0 hours")
    return value
