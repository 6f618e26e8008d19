"""Where the ontology, shapes, data and example queries live: inside the wheel, or in the source tree."""

from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent
_WHEEL_ASSETS = _PACKAGE_DIR / "assets"
_SOURCE_ROOT = _PACKAGE_DIR.parent.parent


def asset_dir(name: str) -> Path:
    """Return the directory `name` ("ontology", "shapes", "data", "queries").

    A wheel carries them under `mitigraph/assets/`; a source checkout (editable install) has them at the
    top of the repository. Raises FileNotFoundError naming both places when neither exists.
    """
    for candidate in (_WHEEL_ASSETS / name, _SOURCE_ROOT / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(
        f"Mitigraph's {name!r} directory is missing: "
        f"looked in {_WHEEL_ASSETS / name} and {_SOURCE_ROOT / name}"
    )


def ontology_dir() -> Path:
    return asset_dir("ontology")


def shapes_dir() -> Path:
    return asset_dir("shapes")


def data_dir() -> Path:
    return asset_dir("data")


def queries_dir() -> Path:
    return asset_dir("queries")
