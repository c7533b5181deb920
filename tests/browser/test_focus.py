"""Keyboard users: the focus ring stands out against white (at least 3:1), and after a save the focus
is on the message that says what happened, with no script involved."""

from __future__ import annotations

import re

import pytest

from tests.browser.test_whole_cycle import Person

pytestmark = pytest.mark.browser


def luminance(rgb: tuple[int, int, int]) -> float:
    def channel(c: int) -> float:
        c = c / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_with_white(css_color: str) -> float:
    rgb = tuple(int(n) for n in re.findall(r"\d+", css_color)[:3])
    return 1.05 / (luminance(rgb) + 0.05)


def test_the_focus_ring_is_visible_and_a_save_moves_the_focus_to_its_message(browser, live_server, screenshots):
    person = Person(browser, live_server, "civ.fp@demo.example", screenshots)
    person.goto("/profile")
    person.page.get_by_label("Name").fill("Cleo Civil")
    person.page.get_by_role("button", name="Save profile").click()
    person.expect_flash("Your profile is saved.")
    focused = person.page.evaluate("document.activeElement.className")
    assert focused == "flash flash-success"
    person.page.keyboard.press("Tab")  # the next stop is the first link after the message
    ring = person.page.evaluate(
        "(() => { const s = getComputedStyle(document.activeElement);"
        " return [s.outlineStyle, s.outlineWidth, s.outlineColor]; })()"
    )
    assert ring[0] == "solid" and float(ring[1].rstrip("px")) >= 3, ring
    assert contrast_with_white(ring[2]) >= 3, ring
    person.shot("focus-after-save")
    assert person.page.evaluate("document.scripts.length") == 0  # the page runs no script: HTML alone did it
