"""The namespaces Mitigraph speaks, in one place, and the prefixes every serialisation binds.

`PREFIXES` are ours and fixed; `mgid:` is the instance namespace and follows the deployment's base, so the
prefix maps that include it (`prefixes`, `converter`, `shorten`) take the base.
"""

from functools import lru_cache

from curies import Converter
from rdflib import Graph, Namespace
from rdflib.namespace import DCAT, DCTERMS, FOAF, OWL, PROV, RDF, RDFS, SH, SKOS, VOID, XSD

MG = Namespace("https://w3id.org/mitigraph/ontology#")
ONTOLOGY_IRI = "https://w3id.org/mitigraph/ontology"
DEFAULT_BASE = "https://w3id.org/mitigraph/id/"
BIBO = Namespace("http://purl.org/ontology/bibo/")
SCHEMA = Namespace("https://schema.org/")
AIRO = Namespace("https://w3id.org/airo#")
VAIR = Namespace("https://w3id.org/vair#")
DPV = Namespace("https://w3id.org/dpv#")
DPV_RISK = Namespace("https://w3id.org/dpv/risk#")
DPV_AI = Namespace("https://w3id.org/dpv/ai#")
DPV_TECH = Namespace("https://w3id.org/dpv/tech#")
NIST_AI_RMF = Namespace("https://w3id.org/lmodel/nist-ai-rmf/")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")

PREFIXES: dict[str, str] = {
    "mg": str(MG),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "owl": str(OWL),
    "xsd": str(XSD),
    "skos": str(SKOS),
    "dcterms": str(DCTERMS),
    "prov": str(PROV),
    "bibo": str(BIBO),
    "foaf": str(FOAF),
    "schema": str(SCHEMA),
    "sh": str(SH),
    "void": str(VOID),
    "dcat": str(DCAT),
    "airo": str(AIRO),
    "vair": str(VAIR),
    "dpv": str(DPV),
    "risk": str(DPV_RISK),
    "ai": str(DPV_AI),
    "tech": str(DPV_TECH),
}


INSTANCE_PREFIX = "mgid"
"""The prefix of the instance namespace (`Settings.base`)."""


def prefixes(base: str = DEFAULT_BASE) -> dict[str, str]:
    """Our prefixes plus `mgid:` for the instance IRIs under `base`."""
    return {**PREFIXES, INSTANCE_PREFIX: base}


@lru_cache(maxsize=8)
def converter(base: str = DEFAULT_BASE) -> Converter:
    """A CURIE converter over `prefixes(base)`; the longest matching namespace wins."""
    return Converter.from_prefix_map(prefixes(base))


def shorten(iri: str, *, base: str = DEFAULT_BASE) -> str:
    """`mgid:mitigation/x` for an IRI under one of our namespaces, `<iri>` otherwise.

    A display form for tables and reports: the local part may hold `/`, which CURIEs allow (Turtle does
    not). A namespace IRI itself is written whole, never as an empty local name (`mg:`).
    """
    curie = converter(base).compress(iri)
    if curie is None or curie.endswith(":"):
        return f"<{iri}>"
    return curie


def bind_prefixes(graph: Graph, *, base: str = DEFAULT_BASE) -> Graph:
    """Bind our prefixes (and `mgid:` for instance IRIs) so every export reads the same way."""
    for prefix, namespace in prefixes(base).items():
        graph.bind(prefix, namespace, override=True, replace=True)
    return graph


def sparql_prologue() -> str:
    """PREFIX lines for queries written by Mitigraph itself."""
    return "".join(f"PREFIX {prefix}: <{namespace}>\n" for prefix, namespace in PREFIXES.items())
