"""Interface translations: every string in the code and templates is translated into Italian
and Spanish, and the committed .mo files match their .po files."""

from __future__ import annotations

import io

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from tests.plugins.paths import REPO_ROOT

ROOT = REPO_ROOT
TRANSLATIONS = ROOT / "storyhub" / "translations"
LANGUAGES = ("it", "es")
# The same mapping as babel.cfg and `make translations`.
METHOD_MAP = [
    ("storyhub/**.py", "python"),
    ("templates/**.html", "jinja2"),
    ("templates/mail/**.txt", "jinja2"),
]
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "_l": None}


def _extracted() -> set[str]:
    messages = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(ROOT), METHOD_MAP, keywords=KEYWORDS
    ):
        messages.add(message[0] if isinstance(message, tuple) else message)
    return messages


def _po(language: str):  # type: ignore[no-untyped-def]
    with open(TRANSLATIONS / language / "LC_MESSAGES" / "messages.po", "rb") as handle:
        return read_po(handle, locale=language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_interface_string_is_translated(language):
    catalog = _po(language)
    missing = []
    for message in sorted(_extracted()):
        entry = catalog.get(message)
        strings = entry.string if entry else None
        translated = all(strings) if isinstance(strings, tuple) else bool(strings)
        if not translated or (entry and entry.fuzzy):
            missing.append(message)
    assert not missing, f"untranslated in {language} (run `make translations`): {missing}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_compiled_catalog_matches_its_source(language):
    def pairs(catalog) -> dict[object, object]:  # type: ignore[no-untyped-def]
        # Plural ids and strings come back as lists from .mo and tuples from .po.
        def norm(value: object) -> object:
            return tuple(value) if isinstance(value, list | tuple) else value

        return {norm(m.id): norm(m.string) for m in catalog if m.id}

    source = pairs(_po(language))
    path = TRANSLATIONS / language / "LC_MESSAGES" / "messages.mo"
    compiled = pairs(read_mo(io.BytesIO(path.read_bytes())))
    assert compiled == source, f"run `make translations-compile` for {language}"


def test_pages_read_in_each_language(client, default_diagnosis):
    cases = {
        "it": ("Storie recenti", "Racconta la tua storia", "Vai al contenuto"),
        "es": ("Historias recientes", "Comparta su historia", "Saltar al contenido"),
    }
    for language, phrases in cases.items():
        html = client.get(f"/?lang={language}").get_data(as_text=True)
        for phrase in phrases:
            assert phrase in html, (language, phrase)
    missing = client.get("/nope?lang=it").get_data(as_text=True)
    assert "Non abbiamo trovato questa pagina" in missing
    form = client.get("/submit?lang=es").get_data(as_text=True)
    assert "Nombre que se publicará" in form and 'action="/submit?lang=es"' in form


ITALIAN_TITLE = "Imparare di nuovo a scrivere"
ITALIAN_BODY = (
    "Le mie dita si sono irrigidite prima in inverno. Scrivere al computer è diventato lento "
    "e doloroso, così ho cominciato a dettare i messaggi. Ora uso guanti caldi."
)


def test_submitters_read_their_pages_and_mail_in_their_language(
    app, client, default_diagnosis, submit
):
    from tests.plugins.submission import outbox, post_form, submitted_token

    token = submitted_token(submit, language="it", title=ITALIAN_TITLE, body=ITALIAN_BODY)
    # The e-mail follows the story's language, whatever the page's language was.
    (receipt,) = outbox(app)
    assert receipt.subject == f"La tua storia è arrivata: {ITALIAN_TITLE}"
    assert "Il tuo link privato:" in receipt.body and "Hello" not in receipt.body

    manage = {
        "it": ("In attesa che un moderatore la legga", "Cosa puoi fare", "Cancella tutto"),
        "es": ("Esperando a que una persona moderadora la lea", "Qué puede hacer", "Borrar todo"),
    }
    for language, phrases in manage.items():
        html = client.get(f"/my/{token}?lang={language}").get_data(as_text=True)
        for phrase in phrases:
            assert phrase in html, (language, phrase)

    # Messages that come from the services and from the form's own validators.
    refused = post_form(client, f"/my/{token}/erase?lang=es")
    assert "Marque la casilla para confirmar." in refused.get_data(as_text=True)
    post_form(client, f"/my/{token}/withdraw?lang=it")
    assert "Ritirata da te" in client.get(f"/my/{token}?lang=it").get_data(as_text=True)
    edit = client.get(f"/my/{token}/edit?lang=it", follow_redirects=True)
    assert "La tua storia non si può più modificare qui." in edit.get_data(as_text=True)


def test_form_script_gets_its_texts_in_the_page_language(client, default_diagnosis):
    html = client.get("/submit?lang=it").get_data(as_text=True)
    # forms.js has no words of its own: the counter, draft and filter texts come from here.
    assert "{count} di {max} caratteri" in html and "Cerca una diagnosi per nome" in html
    assert "Recupera la mia bozza" in html and "Hai una bozza non inviata del {time}" in html
