"""What an empty headline list says, so an empty pane never looks like a broken one.

A reader who opens Starred before starring anything, reads the last unread article
with "unread only" on, or opens a feed that has not been fetched yet saw a blank box
with "0 articles" under it: nothing said why, nor which key would fill it. The note
names the reason and the key, as the user has bound it (``[keys]`` remaps it).
A search that matches nothing says so in the search bar instead (with where it
looked), so the list stays empty then.
"""

from __future__ import annotations

from collections.abc import Mapping

from termnews.app.commands import first_key
from termnews.app.search_views import saved_name
from termnews.app.widgets.section_list import View
from termnews.core.models import VirtualSection
from termnews.core.text import clean_line


def empty_note(view: View, unread_only: bool, keys: Mapping[str, str]) -> str:
    """One line for ``view``'s empty list: why it is empty and what would fill it.

    ``unread_only``: the list hides read articles (``u``); ``keys``: binding id ->
    keys in force (``TermnewsApp.keymap_in_force``).
    """
    unread_key = first_key(keys, "unread-only")
    if view.section == VirtualSection.STARRED and view.feed_id is None:
        star = first_key(keys, "star")
        return (
            f"No starred articles yet. Press {star} on an article to star it:"
            " starred ones are kept for good."
        )
    if view.section == VirtualSection.UNREAD and view.feed_id is None:
        return "All caught up: no unread articles."
    if unread_only:
        return f"No unread articles here. Press {unread_key} to list the read ones too."
    if view.section == VirtualSection.TRENDING:
        return "Nothing is trending: a story trends when several of your feeds tell it."
    saved = saved_name(view.section)
    if saved is not None:
        return f"No article matches the saved search “{clean_line(saved)}” yet."
    refresh = first_key(keys, "refresh")
    if view.section == VirtualSection.ALL:
        return f"No articles yet. Press {first_key(keys, 'refresh-all')} to fetch your feeds."
    if view.feed_id is not None:
        return f"No articles from this feed yet. Press {refresh} to fetch it."
    return f"No articles in this section yet. Press {refresh} to fetch its feeds."
