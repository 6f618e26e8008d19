"""`/download/<file>`: the whole graph, as files of the site cache, with a strong ETag, 304 and gzip."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, request, send_file

from mitigraph.site.downloads import Download
from mitigraph.web.loaded_site import current_site
from mitigraph.web.views.responses import not_found

blueprint = Blueprint("downloads", __name__)

GZIP = "gzip"
MAX_AGE_SECONDS = 3600


@blueprint.get("/download/<filename>")
def download(filename: str) -> Response:
    site = current_site()
    found = site.figures.downloads.get(filename)
    if found is None:
        return not_found(
            f"there is no download named {filename!r}; there are {', '.join(sorted(site.figures.downloads))}"
        )
    return send(found, directory=site.downloads_dir)


def send(download: Download, *, directory: Path) -> Response:
    """The file, or its gzip copy when the client accepts it; each encoding has its own strong ETag.

    Flask streams the file from disk and answers If-None-Match (304) and Range requests itself.
    """
    gzipped = request.accept_encodings[GZIP] > 0
    response = send_file(
        directory / (download.gzipped_filename if gzipped else download.filename),
        mimetype=download.media_type,
        as_attachment=True,
        download_name=download.filename,
        etag=download.gzipped_etag if gzipped else download.etag,
        conditional=True,
        max_age=MAX_AGE_SECONDS,
    )
    if gzipped:
        response.content_encoding = GZIP
    response.vary.add("Accept-Encoding")
    return response
