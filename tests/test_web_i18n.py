"""Bilingual pages, light pages with no outside assets, and the French catalog kept complete."""

import io
import re
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from babel.support import Translations

from cpas_workflow.accounts.operations import find_user, update_preferences
from cpas_workflow.extensions import db
from tests.cycle_helpers import cycle_in
from tests.web_helpers import page, signed_in

ROOT = Path(__file__).resolve().parent.parent
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None, "N_": None}


def _ids(catalog) -> set:
    return {m.id if isinstance(m.id, str) else tuple(m.id) for m in catalog if m.id}


def _placeholders(text) -> list:
    """The %(name)s and {name} fields of a message (or of each plural form), which a translation keeps."""
    forms = [text] if isinstance(text, str) else list(text)
    return [sorted(re.findall(r"%\(\w+\)[sd]|\{\w+\}", form)) for form in forms][-1:]


def test_every_string_of_the_template_has_a_french_translation():
    pot = read_po(io.BytesIO((ROOT / "translations/messages.pot").read_bytes()))
    po = read_po(io.BytesIO((ROOT / "translations/fr/LC_MESSAGES/messages.po").read_bytes()), locale="fr")
    translated = {m.id if isinstance(m.id, str) else tuple(m.id): m.string for m in po if m.id}
    missing = [
        i for i in _ids(pot) if not translated.get(i) or (isinstance(translated[i], tuple) and not all(translated[i]))
    ]
    assert missing == []
    assert [m.id for m in po if m.id and m.fuzzy] == []
    assert [m.id for m in po if m.id and _placeholders(m.id) != _placeholders(m.string)] == []
    mo = Translations.load(str(ROOT / "translations"), ["fr"])
    assert mo.gettext("My tasks") == "Mes tâches"


def test_the_template_holds_every_string_marked_in_the_code():
    method_map = [
        ("cpas_workflow/**.py", "python"),
        ("forms/**.py", "python"),
        ("notifications/**.py", "python"),
        ("templates/**.html", "jinja2"),
        ("templates/**.txt", "jinja2"),
        ("workflows/*.yaml", "cpas_workflow.tasks.titles:extract_task_titles"),
    ]
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(str(ROOT), method_map, keywords=KEYWORDS):
        found.add(message)
    pot = _ids(read_po(io.BytesIO((ROOT / "translations/messages.pot").read_bytes())))
    assert found - pot == set(), "run `make translations` and translate the new strings"


def test_a_french_speaking_user_gets_french_pages(app, api):
    cycle = cycle_in(api, "leadership_signoff")
    with app.app_context():
        update_preferences(find_user("lead@demo.example"), language="fr")
        db.session.commit()
    lead = signed_in(app, "lead@demo.example")
    html = page(lead, f"/cycles/{cycle['id']}/sign-off")
    assert '<html lang="fr">' in html and "Évaluation consolidée" in html and "Approuver l&#39;évaluation" in html
    assert "Enregistrer la décision" in html and "Approbation par la direction" in html
    assert "Mes tâches" in page(lead, "/")


def test_pages_are_light_and_load_nothing_from_outside(app, api):
    cycle = cycle_in(api, "followup")
    client = signed_in(app, "spu@demo.example")
    response = client.get("/static/app.css")
    css = response.get_data()
    response.close()
    for url in [
        "/",
        "/missions/DEMO",
        f"/cycles/{cycle['id']}",
        f"/cycles/{cycle['id']}/review",
        f"/cycles/{cycle['id']}/sign-off",
        "/missions/DEMO/follow-up",
        f"/submissions/{cycle['submissions'][0]['id']}",
        "/profile",
    ]:
        html = page(client, url)
        assert len(html.encode()) + len(css) < 100_000, url
        assert not re.search(r'<(script|link|img)[^>]+(src|href)="(https?:)?//', html), url
