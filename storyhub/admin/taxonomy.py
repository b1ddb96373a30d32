"""Admin: topic pages (texts per language, order, keywords) and the diagnosis taxonomy."""

from __future__ import annotations

from typing import Any, NamedTuple

from flask import abort, flash, redirect, render_template, url_for
from flask_wtf import FlaskForm

from storyhub.admin import bp
from storyhub.admin.forms import (
    DiagnosisCreateForm,
    DiagnosisNameForm,
    DiagnosisSettingsForm,
    NewDiagnosisNameForm,
    NewTopicTextForm,
    TopicCreateForm,
    TopicSettingsForm,
    TopicTextForm,
)
from storyhub.admin.messages import say
from storyhub.admin.people import CSRF_EXPIRED
from storyhub.extensions import db
from storyhub.i18n import language_choices, normalise_language_tag
from storyhub.lookups import get_or_404
from storyhub.models import Diagnosis, Topic
from storyhub.services import catalog, taxonomy
from storyhub.services.errors import FieldError
from storyhub.views import no_store


def _language_or_404(tag: str) -> str:
    language = normalise_language_tag(tag)
    if language is None:
        abort(404)
    return language


def _valid(form: FlaskForm) -> bool:
    if form.validate_on_submit():
        return True
    if form.is_submitted() and form.csrf_token.errors:
        form.form_errors.append(CSRF_EXPIRED)
    return False


def _with_languages(form: Any) -> Any:
    form.language.choices = language_choices("en")
    return form


def _field_error(form: FlaskForm, error: FieldError) -> None:
    getattr(form, error.field).errors.append(say(error))


# ----------------------------------------------------------------------------- topics


@bp.route("/topics", methods=["GET", "POST"])
@no_store
def topics() -> Any:
    form = _with_languages(TopicCreateForm(prefix="new"))
    if _valid(form):
        try:
            topic = taxonomy.create_topic(
                form.slug.data,
                form.position.data,
                form.language.data,
                form.title.data,
                form.description.data,
            )
        except FieldError as error:
            db.session.rollback()
            _field_error(form, error)
        else:
            flash(f"Topic “{form.title.data}” created.")
            return redirect(url_for("admin.topic", topic_id=topic.id))
    status = 400 if form.is_submitted() else 200
    return render_template("admin/topics.html", topics=taxonomy.ordered_topics(), form=form), status


def _render_topic(
    topic: Topic,
    settings: TopicSettingsForm | None = None,
    failed: tuple[str, TopicTextForm] | None = None,
    new: NewTopicTextForm | None = None,
    status: int = 200,
) -> Any:
    settings = settings or TopicSettingsForm(
        formdata=None,
        prefix="settings",
        data={"position": topic.position, "keywords": "\n".join(taxonomy.topic_keywords(topic))},
    )
    texts = {}
    for text in sorted(topic.texts, key=lambda t: t.language):
        if failed and failed[0] == text.language:
            texts[text.language] = failed[1]
        else:
            texts[text.language] = TopicTextForm(
                formdata=None,
                prefix=f"text-{text.language}",
                data={"title": text.title, "description": text.description_html},
            )
    new = new or _with_languages(NewTopicTextForm(formdata=None, prefix="new"))
    html = render_template("admin/topic.html", topic=topic, settings=settings, texts=texts, new=new)
    return html, status


@bp.route("/topics/<id:topic_id>", methods=["GET", "POST"])
@no_store
def topic(topic_id: int) -> Any:
    topic = get_or_404(Topic, topic_id)
    form = TopicSettingsForm(prefix="settings")
    if not _valid(form):
        if form.is_submitted():
            return _render_topic(topic, settings=form, status=400)
        return _render_topic(topic)
    try:
        taxonomy.update_topic(topic, form.position.data, form.keywords.data)
    except FieldError as error:
        db.session.rollback()
        _field_error(form, error)
        return _render_topic(topic, settings=form, status=400)
    flash("Position and keywords saved.")
    return redirect(url_for("admin.topic", topic_id=topic.id))


@bp.route("/topics/<id:topic_id>/texts", methods=["POST"])
@bp.route("/topics/<id:topic_id>/texts/<language>", methods=["POST"])
@no_store
def topic_text(topic_id: int, language: str | None = None) -> Any:
    topic = get_or_404(Topic, topic_id)
    if language is None:
        form: TopicTextForm = _with_languages(NewTopicTextForm(prefix="new"))
    else:
        language = _language_or_404(language)
        form = TopicTextForm(prefix=f"text-{language}")
    if not _valid(form):
        if language is None:
            return _render_topic(topic, new=form, status=400)  # type: ignore[arg-type]
        return _render_topic(topic, failed=(language, form), status=400)
    try:
        taxonomy.save_topic_text(
            topic, language or form.language.data, form.title.data, form.description.data
        )
    except FieldError as error:
        db.session.rollback()
        _field_error(form, error)
        return _render_topic(topic, new=form, status=400)  # type: ignore[arg-type]
    flash(f"Text in {language or form.language.data} saved.")
    return redirect(url_for("admin.topic", topic_id=topic.id))


# ----------------------------------------------------------------------------- diagnoses


def _parent_choices(exclude: Diagnosis | None = None) -> list[tuple[str, str]]:
    return [
        ("", "— none (top level) —"),
        *(
            (slug, label)
            for slug, label in catalog.taxonomy().choices("en")
            if exclude is None or slug != exclude.slug
        ),
    ]


class DiagnosisLine(NamedTuple):
    """One line of the admin's diagnosis list."""

    id: int
    slug: str
    name: str  # in English, else the slug
    depth: int
    languages: list[str]  # of its names


def _diagnosis_list() -> list[DiagnosisLine]:
    """Every diagnosis in the taxonomy's order (the snapshot's one tree)."""
    known = catalog.taxonomy()
    return [
        DiagnosisLine(
            diagnosis_id,
            known.diagnosis_slugs[diagnosis_id],
            known.diagnosis_name(diagnosis_id, "en"),
            depth,
            sorted(known.diagnosis_names.get(diagnosis_id, {})),
        )
        for diagnosis_id, depth in known.walk()
    ]


@bp.route("/diagnoses", methods=["GET", "POST"])
@no_store
def diagnoses() -> Any:
    form = _with_languages(DiagnosisCreateForm(prefix="new"))
    form.parent.choices = _parent_choices()
    if _valid(form):
        try:
            diagnosis = taxonomy.create_diagnosis(
                form.slug.data,
                form.parent.data,
                form.position.data,
                form.language.data,
                form.name.data,
            )
        except FieldError as error:
            db.session.rollback()
            _field_error(form, error)
        else:
            flash(f"Diagnosis “{form.name.data}” created.")
            return redirect(url_for("admin.diagnosis", diagnosis_id=diagnosis.id))
    status = 400 if form.is_submitted() else 200
    return render_template("admin/diagnoses.html", tree=_diagnosis_list(), form=form), status


def _render_diagnosis(
    diagnosis: Diagnosis,
    settings: DiagnosisSettingsForm | None = None,
    failed: tuple[str, DiagnosisNameForm] | None = None,
    new: NewDiagnosisNameForm | None = None,
    status: int = 200,
) -> Any:
    if settings is None:
        settings = DiagnosisSettingsForm(
            formdata=None,
            prefix="settings",
            data={
                "parent": diagnosis.parent.slug if diagnosis.parent else "",
                "position": diagnosis.position,
            },
        )
    settings.parent.choices = _parent_choices(diagnosis)
    names = {}
    for name in sorted(diagnosis.names, key=lambda n: n.language):
        if failed and failed[0] == name.language:
            names[name.language] = failed[1]
        else:
            names[name.language] = DiagnosisNameForm(
                formdata=None,
                prefix=f"name-{name.language}",
                data={"name": name.name, "description": name.description},
            )
    new = new or _with_languages(NewDiagnosisNameForm(formdata=None, prefix="new"))
    html = render_template(
        "admin/diagnosis.html", diagnosis=diagnosis, settings=settings, names=names, new=new
    )
    return html, status


@bp.route("/diagnoses/<id:diagnosis_id>", methods=["GET", "POST"])
@no_store
def diagnosis(diagnosis_id: int) -> Any:
    diagnosis = get_or_404(Diagnosis, diagnosis_id)
    form = DiagnosisSettingsForm(prefix="settings")
    form.parent.choices = _parent_choices(diagnosis)
    if not _valid(form):
        if form.is_submitted():
            return _render_diagnosis(diagnosis, settings=form, status=400)
        return _render_diagnosis(diagnosis)
    try:
        taxonomy.update_diagnosis(diagnosis, form.parent.data, form.position.data)
    except FieldError as error:
        db.session.rollback()
        _field_error(form, error)
        return _render_diagnosis(diagnosis, settings=form, status=400)
    flash("Place in the taxonomy saved.")
    return redirect(url_for("admin.diagnosis", diagnosis_id=diagnosis.id))


@bp.route("/diagnoses/<id:diagnosis_id>/names", methods=["POST"])
@bp.route("/diagnoses/<id:diagnosis_id>/names/<language>", methods=["POST"])
@no_store
def diagnosis_name(diagnosis_id: int, language: str | None = None) -> Any:
    diagnosis = get_or_404(Diagnosis, diagnosis_id)
    if language is None:
        form: DiagnosisNameForm = _with_languages(NewDiagnosisNameForm(prefix="new"))
    else:
        language = _language_or_404(language)
        form = DiagnosisNameForm(prefix=f"name-{language}")
    if not _valid(form):
        if language is None:
            return _render_diagnosis(diagnosis, new=form, status=400)  # type: ignore[arg-type]
        return _render_diagnosis(diagnosis, failed=(language, form), status=400)
    try:
        taxonomy.save_diagnosis_name(
            diagnosis, language or form.language.data, form.name.data, form.description.data
        )
    except FieldError as error:
        db.session.rollback()
        _field_error(form, error)
        return _render_diagnosis(diagnosis, new=form, status=400)  # type: ignore[arg-type]
    flash(f"Name in {language or form.language.data} saved.")
    return redirect(url_for("admin.diagnosis", diagnosis_id=diagnosis.id))
