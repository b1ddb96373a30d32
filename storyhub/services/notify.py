"""What the site tells a submitter, and when. Called inside the caller's transaction, so a
message is queued exactly when the change it reports is committed.

Delivery (the durable outbox, `flask outbox send`) is issue B; until then these are no-ops
that fix the interface the other services call.
"""

from __future__ import annotations

from storyhub.models import ModerationEvent, Story


def story_received(story: Story, manage_token: str) -> None:
    """Queue the receipt with the private manage link (only if the submitter gave an e-mail)."""


def decision_made(story: Story, event: ModerationEvent) -> None:
    """Queue a message about a moderator's decision, quoting their reason or request."""
