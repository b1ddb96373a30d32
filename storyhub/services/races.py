"""One decorator for services that change one story: a database-level race becomes the
service's own "the story changed meanwhile" error, carrying the story as it is now.

`services/conflicts.py` turns every way the database reports another writer into `Conflict`;
this module, which may import the models, gives each caller the error its page knows how to
answer (the moderator's review page, the author's manage pages).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Concatenate, ParamSpec, TypeVar

from storyhub.extensions import db
from storyhub.models import Story
from storyhub.services.errors import Conflict

P = ParamSpec("P")
R = TypeVar("R")


def refused_if_changed(
    changed: Callable[[Story], Conflict],
) -> Callable[[Callable[Concatenate[Story, P], R]], Callable[Concatenate[Story, P], R]]:
    """Whenever the database reports another writer (on commit, or on an autoflush half-way),
    roll back and raise `changed(story as it is now)`; errors of that kind pass through."""
    changed_type = changed if isinstance(changed, type) else Conflict

    def decorate(change: Callable[Concatenate[Story, P], R]) -> Callable[Concatenate[Story, P], R]:
        @functools.wraps(change)
        def guarded(story: Story, *args: P.args, **kwargs: P.kwargs) -> R:
            try:
                return change(story, *args, **kwargs)
            except Conflict as error:
                if isinstance(error, changed_type):
                    raise
                db.session.rollback()
                current = db.session.get(Story, story.id, populate_existing=True)
                raise changed(current or story) from error

        return guarded

    return decorate
