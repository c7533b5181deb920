"""The shared Markdown renderer: one per thread, reset per text, so nothing of one text reaches another."""

from __future__ import annotations

import threading

from cpas_workflow.core.markdown import _render, render_markdown


def test_a_reference_defined_in_one_text_does_not_link_in_the_next():
    first = render_markdown("See [the plan][p].\n\n[p]: https://plan.example/")
    second = render_markdown("See [the plan][p].")
    assert 'href="https://plan.example/"' in first
    assert "href" not in second and "[the plan][p]" in second


def test_texts_rendered_in_many_threads_at_once_come_out_as_rendered_alone():
    texts = [f"# Title {n}\n\n- item **{n}**\n- [link {n}][r{n}]\n\n[r{n}]: https://e.example/{n}" for n in range(40)]
    alone = {t: render_markdown(t) for t in texts}
    _render.cache_clear()  # each thread renders for itself
    found: dict[str, str] = {}

    def work(chunk):
        for t in chunk:
            found[t] = render_markdown(t)

    threads = [threading.Thread(target=work, args=(texts[i::4],)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert found == alone


def test_scripts_and_javascript_links_are_removed_every_time():
    for _ in range(2):  # the second answer comes from the cache: just as clean
        html = render_markdown('<script>alert(1)</script>[x](javascript:alert(1)) <img src=x onerror="alert(1)">')
        assert "<script" not in html and "javascript:" not in html and "onerror" not in html
