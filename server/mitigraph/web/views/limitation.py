"""The page of one limitation: what it limits, what addresses it (with why), its family, and where it is
stated (the navigator page it was curated from)."""

from __future__ import annotations

from flask import render_template
from rdflib.namespace import DCTERMS, PROV

from mitigraph.namespaces import MG
from mitigraph.web.loaded_site import Site
from mitigraph.web.page_queries import Link, Statements, justifications_to, subjects_linking, unique
from mitigraph.web.text_rendering import text_blocks


def render(site: Site, iri: str, statements: Statements) -> str:
    reader = site.reader
    justifications = justifications_to(reader, iri)
    related = {
        "limits": unique(
            statements.iris(str(MG.limits)) + subjects_linking(reader, iri, str(MG.hasLimitation))
        ),
        "addressed_by": unique(
            statements.iris(str(MG.addressedBy))
            + subjects_linking(reader, iri, str(MG.addressesLimitation))
            + list(justifications)
        ),
        "families": statements.iris(str(MG.limitationFamily)),
        "members": subjects_linking(reader, iri, str(MG.limitationFamily)),
        "origins": statements.iris(str(PROV.wasDerivedFrom)),
    }
    links = site.linker.links(i for group in related.values() for i in group)

    def linked(group: list[str]) -> list[Link]:
        return sorted((links[i] for i in group), key=lambda link: link.label.casefold())

    return render_template(
        "limitation.html",
        iri=iri,
        title=statements.label(iri),
        text=text_blocks(statements.text(str(DCTERMS.description))),
        limits=linked(related["limits"]),
        addressed_by=[(link, justifications.get(link.iri, "")) for link in linked(related["addressed_by"])],
        families=linked(related["families"]),
        members=linked(related["members"]),
        origins=linked(related["origins"]),
    )
