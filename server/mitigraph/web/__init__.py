"""The web server: the SPARQL endpoint and the Linked Data pages in one ASGI app (see `mitigraph.web.app`).

Nothing is imported here, so that modules such as `mitigraph.web.negotiation` load without the web stack.
"""
