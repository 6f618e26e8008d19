"""`/download/<file>`: the whole graph, serialised at start, with a strong ETag, 304 and gzip."""

from __future__ import annotations

from flask import Blueprint, Response, request

from mitigraph.downloads import Download
from mitigraph.web.pages import current_site
from mitigraph.web.views.responses import not_found

blueprint = Blueprint("downloads", __name__)

GZIP = "gzip"
CACHE_CONTROL = "public, max-age=3600"


@blueprint.get("/download/<filename>")
def download(filename: str) -> Response:
    site = current_site()
    found = site.downloads.get(filename)
    if found is None:
        return not_found(
            f"there is no download named {filename!r}; there are {', '.join(sorted(site.downloads))}"
        )
    return send(found)


def send(download: Download) -> Response:
    """The file, gzipped when the client accepts it; each encoding has its own strong ETag."""
    gzipped = request.accept_encodings[GZIP] > 0
    response = Response(download.gzipped if gzipped else download.body, mimetype=download.media_type)
    if gzipped:
        response.content_encoding = GZIP
    response.set_etag(f"{download.etag}-{GZIP}" if gzipped else download.etag)
    response.vary.add("Accept-Encoding")
    response.headers.set("Content-Disposition", "attachment", filename=download.filename)
    response.headers["Cache-Control"] = CACHE_CONTROL
    response.make_conditional(request)
    return response
