"""What synthetic graphs are made of: the real categories and facet values, and the words to draw from."""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import URIRef
from rdflib.namespace import RDF, SKOS

from mitigraph.assets import data_dir
from mitigraph.iris import ACTOR, LIFECYCLE_STAGE, RISK_MANAGEMENT_FUNCTION, Minter
from mitigraph.loader import load_files
from mitigraph.namespaces import MG


class GenerationError(ValueError):
    """`generate` was asked for something it cannot write; the message says what to change."""


@dataclass(frozen=True)
class ReferenceTerms:
    """The real categories and facet values that synthetic mitigations are classified with."""

    categories: tuple[URIRef, ...]
    facet_values: dict[str, tuple[URIRef, ...]]


def load_reference_terms(*, minter: Minter) -> ReferenceTerms:
    """Categories (leaves first choice: any category with a code) and facet values, from `data/`."""
    graph = load_files([data_dir() / "taxonomy.ttl", data_dir() / "facets.ttl"], base=minter.base).graph
    categories = tuple(sorted(s for s in graph.subjects(RDF.type, MG.Category) if isinstance(s, URIRef)))
    facet_values = {
        facet: tuple(
            sorted(
                s for s in graph.subjects(SKOS.inScheme, minter.facet_scheme(facet)) if isinstance(s, URIRef)
            )
        )
        for facet in (LIFECYCLE_STAGE, ACTOR, RISK_MANAGEMENT_FUNCTION)
    }
    empty = [name for name, values in (("categories", categories), *facet_values.items()) if not values]
    if empty:
        raise GenerationError(f"data/taxonomy.ttl or data/facets.ttl holds no {', '.join(empty)}")
    return ReferenceTerms(categories=categories, facet_values=facet_values)


VERBS = ("Develop", "Establish", "Require", "Audit", "Monitor", "Restrict", "Evaluate", "Document", "Train")
ADJECTIVES = (
    "adversarial",
    "scalable",
    "independent",
    "staged",
    "robust",
    "transparent",
    "secure",
    "formal",
)
NOUNS = (
    "data filtering",
    "red teaming",
    "access controls",
    "incident reporting",
    "capability evaluations",
    "safety cases",
    "output classifiers",
    "unlearning",
    "interpretability tools",
    "deployment reviews",
    "watermarking",
    "third-party audits",
)
TOPICS = ("frontier models", "open-weight models", "agents", "biosecurity", "cyber offence", "elections")
FAMILY_NAMES = ("Okafor", "Lindqvist", "Tanaka", "Moreau", "García", "Novak", "O'Brien", "Singh", "Haddad")
GIVEN_NAMES = ("Ada", "Joe", "Mei", "Ravi", "Lena", "Tomás", "Amara", "Jonah", "Sofia", "Kwame")
ORGANISATIONS = ("Frontier Model Forum", "Standards Council", "AI Safety Institute", "Open Research Lab")
LIMITATION_FAMILIES = ("Robustness challenges", "Evaluation gaps", "Governance gaps", "Scalability limits")
LIMITATIONS = ("Jailbreaks", "Benchmark saturation", "Regulatory capture", "Distribution shift", "Cost")
