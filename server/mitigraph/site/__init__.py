"""The build layer: everything the pages show about the whole graph, computed once from the store and
written beside it (`<store>/mitigraph-site/`), so that web workers only read it.

`write_store` writes the on-disk store and then its site; `write_site` writes the site of an existing store;
`read_site` loads a written site (it never computes one).
"""

from mitigraph.site.build import write_store
from mitigraph.site.layout import SITE_DIR_NAME, SiteMetadata, WrittenSite, site_dir
from mitigraph.site.reading import SiteError, read_site
from mitigraph.site.writing import write_site

__all__ = [
    "SITE_DIR_NAME",
    "SiteError",
    "SiteMetadata",
    "WrittenSite",
    "read_site",
    "site_dir",
    "write_site",
    "write_store",
]
