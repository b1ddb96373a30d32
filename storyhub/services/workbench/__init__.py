"""The moderators' workbench: the queue, the review page, flags, preset reasons, the audit."""
