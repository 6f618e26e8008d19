"""Record texts read as paragraphs and lists: the real texts of the imported pages (those with inline "●"
bullets, escaped `1\\.` numbers and `\\-` bullets), every text of the corpus keeping its words, and texts
made to mislead the reader of lists."""

from __future__ import annotations

import re

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, SKOS

from mitigraph.loader import LoadedGraph
from mitigraph.namespaces import DEFAULT_BASE, MG
from mitigraph.web.text_rendering import Paragraph, TextList, text_blocks

TEXT_PREDICATES = (DCTERMS.description, DCTERMS.abstract, SKOS.definition, MG.reasoning)
ARTEFACT = re.compile(r"[●•]|\\[.\-]")
"""What the source documents left in the navigator's texts: bullet characters and Markdown escapes."""


@pytest.fixture(scope="module")
def graph(project: LoadedGraph) -> Graph:
    return project.graph


def texts(graph: Graph) -> list[tuple[URIRef, str]]:
    return sorted(
        (subject, str(value))
        for predicate in TEXT_PREDICATES
        for subject, value in graph.subject_objects(predicate)
        if isinstance(subject, URIRef) and isinstance(value, Literal)
    )


def description(graph: Graph, record: str) -> str:
    return str(graph.value(URIRef(f"{DEFAULT_BASE}mitigation/{record}"), DCTERMS.description))


def shown_words(blocks: tuple[Paragraph | TextList, ...]) -> list[str]:
    """The words a reader sees, list numbers included, in order."""
    shown: list[str] = []
    for block in blocks:
        if isinstance(block, Paragraph):
            shown += block.text.split()
        else:
            for item in block.items:
                shown += [*([item.marker] if item.marker else []), *item.text.split()]
    return shown


def page_words(text: str) -> list[str]:
    """The words of the page's text without its artefacts: bullets dropped, escape backslashes removed."""
    without_bullets = re.sub(r"(?:[●•]|\\-)(?=\s)", " ", text)
    return re.sub(r"\\([.\-*+])", r"\1", without_bullets).split()


def lists_of(blocks: tuple[Paragraph | TextList, ...]) -> list[TextList]:
    return [block for block in blocks if isinstance(block, TextList)]


def test_the_corpus_has_texts_with_artefacts(graph: Graph) -> None:
    marked = [subject for subject, text in texts(graph) if ARTEFACT.search(text)]
    assert len(marked) >= 4, "the imported pages hold inline bullets and escaped numbers"


def test_every_text_with_artefacts_reads_as_lists_without_them(graph: Graph) -> None:
    for subject, text in texts(graph):
        if not ARTEFACT.search(text):
            continue
        blocks = text_blocks(text)
        assert lists_of(blocks), f"{subject} shows no list"
        shown = " ".join(shown_words(blocks))
        assert "●" not in shown and "•" not in shown, f"{subject} still shows a bullet character"
        assert "\\" not in shown, f"{subject} still shows an escape backslash"


def test_every_text_of_the_corpus_keeps_its_words(graph: Graph) -> None:
    for subject, text in texts(graph):
        assert shown_words(text_blocks(text)) == page_words(text), f"{subject} lost or changed words"


def test_post_training_reads_as_a_bulleted_and_a_numbered_list(graph: Graph) -> None:
    blocks = text_blocks(description(graph, "002_dc1780231b42a921"))
    assert [type(block) for block in blocks] == [Paragraph, TextList, Paragraph, TextList]
    bullets, numbered = lists_of(blocks)
    assert not bullets.ordered
    assert [item.text.split(":")[0] for item in bullets.items] == [
        "Supervised Fine-Tuning (SFT)",
        "Reinforcement Learning from Human Feedback (RLHF)",
        "Reinforcement Learning from AI-assisted Feedback (RLAIF)",
    ]
    assert numbered.ordered
    assert [(item.marker, item.text.split(":")[0]) for item in numbered.items] == [
        ("1.", "Robustness Challenges"),
        ("2.", "Training Signal Learning and/or Design Challenges"),
        ("3.", "Understanding and Measurement Gaps"),
    ]
    assert blocks[0].text.endswith("Common post-training methods include:")  # type: ignore[union-attr]


def test_escaped_dashes_are_bullets(graph: Graph) -> None:
    blocks = text_blocks(description(graph, "A1422"))
    (bullets,) = lists_of(blocks)
    assert len(bullets.items) == 5
    assert bullets.items[0].text.startswith("Audits may be most useful")
    assert blocks[1].text.endswith("Individual experts made various additional points:")  # type: ignore[union-attr]


def test_numbered_clauses_keep_their_numbers(graph: Graph) -> None:
    (clauses,) = lists_of(text_blocks(description(graph, "A0820")))
    assert [item.marker for item in clauses.items] == ["2.", "2.1", "2.2"]
    assert clauses.items[1].text.startswith("Any such legal and regulatory frameworks")


def test_plain_numbered_items_from_one(graph: Graph) -> None:
    (numbered,) = lists_of(text_blocks(description(graph, "A1932")))
    assert [item.marker for item in numbered.items] == ["1.", "2."]


@pytest.mark.parametrize(
    "text",
    [
        "Targets can be grounded risk modelling (1.2) or based on risk thresholds (1.3).",
        "A budget of £1000. The margin (e.g., 4+ in fasteners) - a hacker, or an employee.",
        "It was released in 2. The rest followed later.",
        "Only 1. One item, not escaped, is no list.",
        "4.1 AI systems can perpetuate bias. 4.2 The principle is supported.",
    ],
)
def test_numbers_and_dashes_in_prose_are_not_lists(text: str) -> None:
    assert text_blocks(text) == (Paragraph(text),)


def test_lines_are_paragraphs() -> None:
    blocks = text_blocks("First line.\n\nSecond   line,\nthird line.\n  \n")
    assert blocks == (Paragraph("First line."), Paragraph("Second line,"), Paragraph("third line."))
    assert text_blocks("") == () and text_blocks(" \n ") == ()


def test_markup_stays_text() -> None:
    (lead, bullets) = text_blocks("Watch: ● <script>alert(1)</script> ● <b>bold</b>")
    assert lead == Paragraph("Watch:")
    assert isinstance(bullets, TextList)
    assert [item.text for item in bullets.items] == ["<script>alert(1)</script>", "<b>bold</b>"]


def test_long_texts_are_read_whole() -> None:
    """A text of many thousand markers is read in one pass (a pattern that backtracked would not finish)."""
    bullets = text_blocks("Lead: " + "● Item text. " * 20_000)
    assert len(bullets[1].items) == 20_000  # type: ignore[union-attr]
    numbered = text_blocks(" ".join(f"{n}\\. Item {n}." for n in range(1, 1_000)))
    assert [item.marker for item in numbered[0].items][-1] == "999."  # type: ignore[union-attr]
    assert len(text_blocks("1" * 100_000 + ". " + "\\" * 100_000)) == 1
