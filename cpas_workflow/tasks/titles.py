"""Task titles in the reader's language.

A task's title is written once, in English, from its definition's template ("Submit {component}
input for {period}") and stored. To show it in another language, the stored title is matched back
against the templates of the loaded definitions and the translated template is filled with the same
values. A title no template matches (an older definition's wording) is shown as stored.

`extract_task_titles` is the pybabel extractor that puts the templates in the catalog (babel.cfg).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import yaml
from flask import current_app
from flask_babel import get_locale, gettext

# What each placeholder may stand for: periods and mission codes are single words.
_PLACEHOLDER = {"period": r"\S+", "mission": r"\S+"}
_FIELD = re.compile(r"\{(\w+)\}")


def _pattern(template: str) -> re.Pattern:
    parts, last = [], 0
    for match in _FIELD.finditer(template):
        parts.append(re.escape(template[last : match.start()]))
        name = match.group(1)
        parts.append(f"(?P<{name}>{_PLACEHOLDER.get(name, '.+?')})")
        last = match.end()
    parts.append(re.escape(template[last:]))
    return re.compile("".join(parts), re.S)


def _patterns() -> list[tuple[re.Pattern, str]]:
    """(pattern, template) for every task title of the loaded definitions, the most literal first;
    built again when the loaded definitions are replaced."""
    definitions = current_app.extensions["cpas_definitions"]
    cached = current_app.extensions.get("cpas_task_title_patterns")
    if cached is None or cached[0] is not definitions:
        templates = {
            spec.title
            for definition in definitions.values()
            for state in definition.states.values()
            for spec in state.tasks
        }
        ordered = sorted(templates, key=lambda t: len(_FIELD.sub("", t)), reverse=True)
        cached = current_app.extensions["cpas_task_title_patterns"] = (definitions, [(_pattern(t), t) for t in ordered])
        current_app.extensions["cpas_task_title_cache"] = {}
    return cached[1]


def task_title(title: str) -> str:
    """`title` (as stored, in English) in the current language (remembered per language: the same
    titles come back on every page, and matching one runs through every template's pattern)."""
    return title_translator()(title)


def title_translator():
    """`task_title` for the titles of one list: the language and the remembered titles looked up once."""
    _patterns()  # built again, and the remembered titles forgotten, when the definitions were replaced
    cache = current_app.extensions.setdefault("cpas_task_title_cache", {})
    locale = str(get_locale())

    def translate(title: str) -> str:
        key = (locale, title)
        found = cache.get(key)
        if found is None:
            if len(cache) >= 20_000:
                cache.clear()
            found = cache[key] = _translated(title)
        return found

    return translate


def _translated(title: str) -> str:
    for pattern, template in _patterns():
        match = pattern.fullmatch(title)
        if match is not None:
            translated = gettext(template)
            if translated == template:
                return title
            try:
                return translated.format(**match.groupdict())[:300]
            except (KeyError, IndexError, ValueError):  # a translation naming other fields: keep English
                return title
    return title


_CYCLE_TITLE = re.compile(r"(?P<mission>\S+) (?P<period>\S+) (?P<workflow>.+)")


def cycle_title(title: str) -> str:
    """A cycle's title in the current language when the system made it ("DEMO 2026-Q4 quarterly
    performance assessment": mission, period, the workflow's title); one the SPU typed is shown as typed."""
    match = _CYCLE_TITLE.fullmatch(title or "")
    if match is None:
        return title
    workflows = {d.title.lower(): d.title for d in current_app.extensions["cpas_definitions"].values()}
    workflow = workflows.get(match["workflow"])
    if workflow is None:
        return title
    translated = gettext(workflow)
    return f"{match['mission']} {match['period']} {translated[:1].lower()}{translated[1:]}"


def extract_task_titles(fileobj, keywords, comment_tags, options) -> Iterator[tuple[int, str, str, list[str]]]:
    """pybabel extractor: the task titles of a workflow definition file, and the workflow's own title
    (system-made cycle titles end with it)."""
    body = yaml.safe_load(fileobj.read().decode("utf-8")) or {}
    if isinstance(body.get("title"), str):
        yield 0, "_", body["title"], ["the title of a workflow; it ends the titles of the cycles it runs"]
    for state, spec in (body.get("states") or {}).items():
        for task in (spec or {}).get("tasks") or []:
            if isinstance(task, dict) and isinstance(task.get("title"), str):
                yield 0, "_", task["title"], [f"task title in state {state}; keep the {{placeholders}}"]
