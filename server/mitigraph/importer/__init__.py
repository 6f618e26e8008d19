"""Import the text of navigator pages into Mitigraph's graph (`mitigraph import`)."""

from mitigraph.importer.errors import ImportWarning, PageFormatError
from mitigraph.importer.importing import ImportResult, PageImport, import_page, import_pages, reference_terms

__all__ = [
    "ImportResult",
    "ImportWarning",
    "PageFormatError",
    "PageImport",
    "import_page",
    "import_pages",
    "reference_terms",
]
