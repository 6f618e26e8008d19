"""The SSSOM TSV export, read back by a strict reader of the SSSOM TSV layout and compared with the graph.

The `sssom` package is not used to read it back: it pulls in LinkML, pandas, Sphinx and rdflib-jsonld
(which re-registers rdflib's JSON-LD plugins), too much to add to the environment the server runs in.
The reader below follows the SSSOM TSV specification and rejects anything else.
"""

from __future__ import annotations

import csv
import io
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from rdflib import Graph, URIRef

from mitigraph.alignments import mappings
from mitigraph.sssom import COLUMNS, MAPPING_JUSTIFICATION, SssomError, compact, to_sssom_tsv, write_sssom
from mitigraph.store import memory_store

REQUIRED_METADATA = ("curie_map", "mapping_set_id", "license", "mapping_set_version")


@dataclass(frozen=True)
class SssomTable:
    metadata: dict[str, object]
    rows: list[dict[str, str]]


def read_sssom_tsv(content: bytes) -> SssomTable:
    """Split the `#`-prefixed YAML block from the TSV; every row must have exactly the header's columns."""
    text = content.decode("utf-8")
    lines = text.splitlines()
    block = [line[1:] for line in lines if line.startswith("#")]
    body = lines[len(block) :]
    assert all(not line.startswith("#") for line in body), "metadata lines must all come first"
    metadata = yaml.safe_load("\n".join(block))
    assert isinstance(metadata, dict)
    reader = csv.reader(io.StringIO("\n".join(body) + "\n"), delimiter="\t", strict=True)
    header = next(reader)
    rows = []
    for number, cells in enumerate(reader, start=2):
        assert len(cells) == len(header), f"row {number} has {len(cells)} cells, the header {len(header)}"
        rows.append(dict(zip(header, cells, strict=True)))
    return SssomTable(metadata=metadata, rows=rows)


def expand(curie: str, curie_map: dict[str, str]) -> URIRef:
    prefix, local = curie.split(":", 1)
    assert prefix in curie_map, f"{curie}: prefix {prefix!r} not in the curie_map"
    return URIRef(curie_map[prefix] + local)


@pytest.fixture(scope="module")
def table(published: Graph) -> SssomTable:
    return read_sssom_tsv(to_sssom_tsv(published))


def test_the_metadata_block_names_the_set_its_version_and_licence(table: SssomTable) -> None:
    for key in REQUIRED_METADATA:
        assert table.metadata.get(key), key
    assert table.metadata["mapping_set_version"] == "0.1.0"
    assert str(table.metadata["license"]).startswith("https://creativecommons.org/licenses/")
    assert str(table.metadata["mapping_set_id"]).startswith("https://w3id.org/mitigraph/")


def test_the_columns_are_the_agreed_ones_in_order(published: Graph) -> None:
    body = [line for line in to_sssom_tsv(published).decode().splitlines() if not line.startswith("#")]
    assert tuple(body[0].split("\t")) == COLUMNS


def test_the_rows_are_the_mappings_of_the_graph(published: Graph, table: SssomTable) -> None:
    curie_map = table.metadata["curie_map"]
    assert isinstance(curie_map, dict)
    read_back = {
        (
            expand(row["subject_id"], curie_map),
            expand(row["predicate_id"], curie_map),
            expand(row["object_id"], curie_map),
            row["comment"],
            row["subject_label"],
            row["object_label"],
        )
        for row in table.rows
    }
    expected = {
        (m.subject, m.predicate, m.object, m.rationale, m.subject_label or "", m.object_label or "")
        for m in mappings(published)
    }
    assert read_back == expected
    assert len(table.rows) == len(expected)


def test_every_row_is_a_manual_curation_with_a_comment(table: SssomTable) -> None:
    assert {row["mapping_justification"] for row in table.rows} == {MAPPING_JUSTIFICATION}
    assert all(row["comment"] for row in table.rows)
    assert "semapv" in table.metadata["curie_map"]  # type: ignore[operator]


def test_an_iri_no_prefix_covers_is_refused_by_name() -> None:
    with pytest.raises(SssomError, match=re.escape("https://example.org/unmapped")):
        compact(URIRef("https://example.org/unmapped"), {"mg": "https://w3id.org/mitigraph/ontology#"})


def test_the_export_command_writes_the_sssom_file(tmp_path: Path) -> None:
    """`mitigraph export --format sssom --output FILE`, run as users run it."""
    output = tmp_path / "mappings.sssom.tsv"
    command = [sys.executable, "-c", "from mitigraph.cli import main; main()", "export", "--format", "sssom"]
    finished = subprocess.run(
        [*command, "--output", str(output)], capture_output=True, timeout=120, check=False
    )
    assert finished.returncode == 0, finished.stderr.decode()
    table = read_sssom_tsv(output.read_bytes())
    assert len(table.rows) >= 50
    assert table.metadata["mapping_set_id"] == "https://w3id.org/mitigraph/mappings.sssom.tsv"


def test_the_store_gives_the_same_file_as_the_whole_graph(published: Graph) -> None:
    """The export reads only the mappings' part of the graph out of the store (never the whole graph in
    rdflib); the file is the same."""
    output = io.BytesIO()
    write_sssom(memory_store(published), output)
    assert output.getvalue() == to_sssom_tsv(published)
