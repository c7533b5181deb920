"""What the browser tests check on every page they open: no sideways scroll on a phone, no English
rule message on a French page, and axe-core's accessibility rules (serious and critical impact).

axe-core comes from the npm registry and is vendored in fixtures/ (its licence beside it); it is
injected into the page under test only, never served by the app."""

from __future__ import annotations

import re
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent / "fixtures"
PHONE_WIDTHS = (360, 390)

# Words of the English rule and validation messages (core/errors callers): none may show on a
# French page. Each is a phrase no French sentence contains.
ENGLISH_RULES = re.compile(
    r"\b(must not be empty|must be one of|is not possible while|needs a comment|before submitting|"
    r"is already past|not every submission|still need a decision|you may not|reload it and try again|"
    r"is required|characters long|not visible to you|has not passed yet|can no longer be changed|"
    r"are followed up|are decided during|are drafted during|only submitted or endorsed|is not valid)\b"
)


def axe_source() -> str:
    return (FIXTURES / "axe.min.js").read_text(encoding="utf-8")


def no_sideways_scroll(page) -> tuple[int, int]:
    """(scrollWidth, innerWidth) of the page: the first may not exceed the second."""
    page.wait_for_load_state()  # a click that navigates: measure the page it leads to
    return tuple(page.evaluate("[document.scrollingElement.scrollWidth, window.innerWidth]"))


def serious_violations(page, source: str) -> list[str]:
    """axe-core's serious and critical findings on the page as it is now, one line per node."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=source)
    result = page.evaluate(
        """async () => {
            const r = await axe.run(document, {resultTypes: ['violations']});
            return r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
                .map(v => v.nodes.map(n => `${v.id} (${v.impact}): ${n.target.join(' ')} — ${n.failureSummary}`))
                .flat();
        }"""
    )
    return result


def english_rule_messages(page) -> list[str]:
    return ENGLISH_RULES.findall(page.inner_text("body"))
