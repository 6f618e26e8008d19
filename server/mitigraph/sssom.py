"""Our mappings as SSSOM TSV, the table ontology curators review and merge mappings with.

The file is the SSSOM TSV layout: a YAML metadata block (each line prefixed with `#`) giving the CURIE map,
the mapping set's id, version and licence, then one tab-separated row per mapping with the columns in
`COLUMNS`. Every mapping here is a manual curation (semapv:ManualMappingCuration) and its one-line
rationale goes to the `comment` column. Rows are sorted, so the file only changes when the mappings do.
"""

from __future__ import annotations

import csv
import io

import yaml
from pyoxigraph import Store
from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF

from mitigraph.alignments import Mapping, mapping_graph, mappings
from mitigraph.namespaces import DEFAULT_BASE, NIST_AI_RMF, ONTOLOGY_IRI, PREFIXES
from mitigraph.outputs import BinaryOutput

MAPPING_SET_ID = "https://w3id.org/mitigraph/mappings.sssom.tsv"
MAPPING_JUSTIFICATION = "semapv:ManualMappingCuration"
SEMAPV = "https://w3id.org/semapv/vocab/"
COLUMNS = (
    "subject_id",
    "subject_label",
    "predicate_id",
    "object_id",
    "object_label",
    "mapping_justification",
    "comment",
)
EXTRA_PREFIXES = {"nist": str(NIST_AI_RMF), "semapv": SEMAPV}
DEFAULT_LICENSE = "https://creativecommons.org/licenses/by/4.0/"


class SssomError(ValueError):
    """A mapping cannot be written as SSSOM (an IRI no prefix of the CURIE map covers)."""


def curie_map(graph: Graph) -> dict[str, str]:
    """Our prefixes, the instance namespace the graph binds as `mgid:`, and those SSSOM needs."""
    prefixes = {**PREFIXES, **EXTRA_PREFIXES}
    prefixes["mgid"] = str(dict(graph.namespaces()).get("mgid", DEFAULT_BASE))
    return prefixes


def compact(iri: URIRef, prefixes: dict[str, str]) -> str:
    """The CURIE of `iri` under the longest matching namespace; SSSOM ids must be CURIEs."""
    matches = [(len(ns), prefix) for prefix, ns in prefixes.items() if str(iri).startswith(ns)]
    if not matches:
        raise SssomError(f"{iri}: no prefix of the CURIE map covers it; add its namespace to the map")
    length, prefix = max(matches)
    return f"{prefix}:{str(iri)[length:]}"


def _ontology_value(graph: Graph, predicate: URIRef, default: str) -> str:
    ontology = URIRef(ONTOLOGY_IRI)
    if (ontology, RDF.type, OWL.Ontology) not in graph:
        return default
    value = graph.value(ontology, predicate)
    return str(value) if value is not None else default


def metadata(graph: Graph, prefixes: dict[str, str]) -> dict[str, object]:
    """The mapping set's metadata: version and licence are the ontology's, so they move together."""
    return {
        "curie_map": prefixes,
        "mapping_set_id": MAPPING_SET_ID,
        "mapping_set_title": "Mitigraph alignments and mappings to AI-risk vocabularies",
        "mapping_set_version": _ontology_value(graph, OWL.versionInfo, "unversioned"),
        "license": _ontology_value(graph, DCTERMS.license, DEFAULT_LICENSE),
    }


def _row(mapping: Mapping, prefixes: dict[str, str]) -> list[str]:
    return [
        compact(mapping.subject, prefixes),
        mapping.subject_label or "",
        compact(mapping.predicate, prefixes),
        compact(mapping.object, prefixes),
        mapping.object_label or "",
        MAPPING_JUSTIFICATION,
        mapping.rationale,
    ]


def _used_prefixes(rows: list[list[str]], prefixes: dict[str, str]) -> dict[str, str]:
    """Only the prefixes the rows use (plus semapv), so the CURIE map reads as a key to this file."""
    used = {"semapv"}
    for row in rows:
        used.update(cell.split(":", 1)[0] for cell in (row[0], row[2], row[3]))
    return {prefix: ns for prefix, ns in sorted(prefixes.items()) if prefix in used}


def write_sssom(store: Store, output: BinaryOutput, *, base: str = DEFAULT_BASE) -> None:
    """The mappings of the store's graph as SSSOM TSV, read from the store by SPARQL (mapping_graph)."""
    output.write(to_sssom_tsv(mapping_graph(store, base=base)))


def to_sssom_tsv(graph: Graph) -> bytes:
    """Every annotated mapping in `graph` as an SSSOM TSV file (UTF-8)."""
    prefixes = curie_map(graph)
    rows = [_row(mapping, prefixes) for mapping in mappings(graph)]
    header = yaml.safe_dump(
        metadata(graph, _used_prefixes(rows, prefixes)), sort_keys=False, allow_unicode=True
    )
    out = io.StringIO()
    out.writelines(f"#{line}\n" for line in header.splitlines())
    writer = csv.writer(out, delimiter="\t", lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(COLUMNS)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")
