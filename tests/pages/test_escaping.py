"""Labels and texts with markup are shown as text, never run as markup, on every page that shows them."""

from __future__ import annotations

import httpx
import pytest

RAW_MARKUP = ("<script>alert('label')</script>", "<b>moderation</b>", "<img src=x onerror=alert('text')>")
ESCAPED_LABEL = "&lt;script&gt;alert(&#39;label&#39;)&lt;/script&gt;"

PAGES_SHOWING_THE_LABEL = [
    "/id/mitigation/fixture-report-on-safety--markup",
    "/id/category/1.2.1",
    "/id/category/1",
    "/id/source/fixture-report-on-safety-measures",
    "/id/lifecycle-stage/deploy",
    "/search?q=output+filtering",
    "/search?q=%3Cscript%3E",
    "/mitigations",
]


@pytest.mark.parametrize("path", PAGES_SHOWING_THE_LABEL)
def test_markup_in_labels_is_escaped(page_http: httpx.Client, path: str) -> None:
    response = page_http.get(path, headers={"Accept": "text/html"})
    assert response.status_code == 200
    for raw in RAW_MARKUP:
        assert raw not in response.text
    unmarked = response.text.replace("<mark>", "").replace("</mark>", "")  # a search highlights its words
    assert ESCAPED_LABEL in unmarked


def test_search_text_is_escaped_when_echoed(page_http: httpx.Client) -> None:
    response = page_http.get("/search", params={"q": "<i>nothing like this</i>"})
    assert "<i>nothing like this</i>" not in response.text
    assert "&lt;i&gt;nothing like this&lt;/i&gt;" in response.text
