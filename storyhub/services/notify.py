"""What the site tells a submitter, and when. Called inside the caller's transaction, so a
message is queued exactly when the change it reports is committed (the outbox delivers it).

Only people who gave an e-mail address get messages. Texts are in the story's language when
the interface has it (else the default), whoever triggered them, and never quote the story.
"""

from __future__ import annotations

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _

from storyhub import labels
from storyhub.i18n import base_language
from storyhub.models import ModerationEvent, Story, StoryStatus
from storyhub.proxy import external_url
from storyhub.services import catalog, manage_links, outbox


def _mail_locale(story: Story) -> str:
    """The submitter's language if the interface speaks it: they wrote in it."""
    language = base_language(story.language or "")
    supported = current_app.config["STORYHUB_UI_LOCALES"]
    return language if language in supported else current_app.config["BABEL_DEFAULT_LOCALE"]


def _what(story: Story) -> str:
    """ "story", "translation" or "update", in the mail's language (storyhub/labels.py)."""
    return labels.label(labels.KIND, story.kind, default=labels.label(labels.KIND, "story"))


def story_received(story: Story, manage_token: str) -> None:
    """Queue the receipt with the private manage link (only if the submitter gave an e-mail)."""
    submitter = story.submitter
    if submitter is None or not submitter.email:
        return
    with force_locale(_mail_locale(story)):
        _queue_receipt(story, manage_token)


def _queue_receipt(story: Story, manage_token: str) -> None:
    submitter = story.submitter
    assert submitter is not None and submitter.email
    body = render_template(
        "mail/received.txt",
        story=story,
        what=_what(story),
        manage_link=external_url("submit.manage_story", token=manage_token),
    )
    subject = _("Your %(what)s has arrived: %(title)s", what=_what(story), title=story.title)
    outbox.enqueue("received", submitter.email, subject, body, story=story, submitter=submitter)


def _decision_subject(story: Story, action: str) -> str | None:
    what = _what(story)
    return {
        "approve": _("Your %(what)s is published", what=what),
        "republish": _("Your %(what)s is published again", what=what),
        "reject": _("Your %(what)s was not published", what=what),
        "request_changes": _("A moderator asks for changes to your %(what)s", what=what),
        "unpublish": _("Your %(what)s was taken down", what=what),
        "send_to_author": _("A moderator edited your %(what)s: please check it", what=what),
    }.get(action)


def decision_made(story: Story, event: ModerationEvent) -> None:
    """Queue a message about a moderator's decision, quoting their reason or request."""
    submitter = story.submitter
    if submitter is None or not submitter.email:
        return
    with force_locale(_mail_locale(story)):
        _queue_decision(story, event)


def _queue_decision(story: Story, event: ModerationEvent) -> None:
    submitter = story.submitter
    subject = _decision_subject(story, event.action)
    if submitter is None or not submitter.email or subject is None:
        return
    public_link = ""
    if story.status is StoryStatus.PUBLISHED:
        public_link = external_url(
            "reader.story", story_id=story.id, slug=catalog.story_slug(story)
        )
    body = render_template(
        "mail/decision.txt",
        story=story,
        what=_what(story),
        action=event.action,
        reason=event.reason,
        public_link=public_link,
        # The token itself is stored only hashed: a signed link to the same private page.
        manage_link=external_url("submit.manage_story", token=manage_links.mail_token(submitter)),
    )
    outbox.enqueue(
        f"decision:{event.action}",
        submitter.email,
        f"{subject}: {story.title}",
        body,
        story=story,
        submitter=submitter,
    )


def links_again(email: str, locale: str, links: list[tuple[Story, str]]) -> None:
    """Queue one e-mail listing each story sent with `email` and its new private link."""
    if locale not in current_app.config["STORYHUB_UI_LOCALES"]:
        locale = current_app.config["BABEL_DEFAULT_LOCALE"]
    with force_locale(locale):
        body = render_template(
            "mail/links.txt",
            links=[
                (story, _what(story), external_url("submit.manage_story", token=token))
                for story, token in links
            ],
        )
        subject = _("Your private links")
    outbox.enqueue("links", email, subject, body)


def assisted_entry(story: Story, manage_token: str) -> None:
    """Ask the author of a story entered on their behalf to read it and confirm it."""
    submitter = story.submitter
    if submitter is None or not submitter.email:
        return
    with force_locale(_mail_locale(story)):
        arrived = labels.label(labels.ARRIVAL, story.arrived_by)
        body = render_template(
            "mail/assisted.txt",
            story=story,
            arrived=arrived,
            manage_link=external_url("submit.manage_story", token=manage_token),
        )
        subject = _("Please read and confirm your story: %(title)s", title=story.title)
    outbox.enqueue("assisted", submitter.email, subject, body, story=story, submitter=submitter)
