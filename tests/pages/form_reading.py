"""Reading the filterable list's form as a browser submits it (the checked boxes and the chosen options of
the selects, by GET), and the count shown beside each choice."""

from __future__ import annotations

from html.parser import HTMLParser


class FormReader(HTMLParser):
    """The list's form as a browser submits it, and the count shown beside each choice."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.action = self.method = ""
        self.fields: list[tuple[str, str]] = []
        self.submit = False
        self.counts: dict[tuple[str, str], int] = {}
        self._select: str | None = None
        self._choice: tuple[str, str] | None = None
        self._in_count = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {name: value or "" for name, value in attrs}
        if tag == "form" and "list-filters" in found.get("class", ""):
            self.action, self.method = found["action"], found["method"]
        elif tag == "input" and found.get("type") == "checkbox":
            self._choice = (found["name"], found["value"])
            if "checked" in found:
                self.fields.append(self._choice)
        elif tag == "input" and found.get("name"):
            self.fields.append((found["name"], found.get("value", "")))
        elif tag == "select":
            self._select = found["name"]
        elif tag == "option" and self._select and "selected" in found:
            self.fields.append((self._select, found["value"]))
        elif tag == "button" and found.get("type") == "submit":
            self.submit = True
        elif tag == "span" and "count" in found.get("class", "").split() and self._choice:
            self._in_count = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None

    def handle_data(self, data: str) -> None:
        if self._in_count and self._choice:
            self.counts[self._choice] = int(data.replace(",", ""))
            self._in_count, self._choice = False, None
