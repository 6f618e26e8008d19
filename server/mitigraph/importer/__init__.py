"""Import the text of navigator pages into Mitigraph's graph (`mitigraph import`).

Read the modules in this order, the order in which a page is turned into RDF:

1. `text`: is the file a navigator page? Its lines and id; `PageFormatError`, and the warnings (by kind)
   every later step reports its own decisions with.
2. `layout`: where the page ends (complete, or cut off by the archive), and where its blocks sit: the
   opening, the listed items, the source block, the facets.
3. `records`: what one page states: the listed items and their `<code> <name>` lines, the NIST tags, the
   source block and the facets, each with its line.
4. `merging`: the pages of one source grouped, and one IRI per item across the batch.
5. `taxonomy`: the categories and facet values pages are read against, and what the batch learnt about the
   taxonomy (facts with evidence) as RDF; `taxonomy_learning`: how codes, names, descriptions and parents
   are learnt from the merged batch, by elimination too, inventing nothing.
6. `graph`: one page as RDF (record, items, source, facet values, NIST concepts) and its derived labels.
7. `importing`: the entry point, `import_pages`, which runs the steps above in this order.
8. `writing`: standard output, `--output` or `--merge` into data/, every file complete or untouched.
"""
