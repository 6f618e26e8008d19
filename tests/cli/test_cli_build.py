"""`mitigraph build`: validated exports plus a dataset description, or nothing at all."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Literal
from rdflib.compare import isomorphic
from rdflib.namespace import DCAT, DCTERMS, RDF, VOID

from mitigraph.cli import main
from mitigraph.dataset_description import SPDX
from mitigraph.export import EXPORT_FORMATS, RDF_EXPORT_FORMATS
from mitigraph.iris import Minter
from mitigraph.loader import LoadedGraph, parse_file, project_files
from mitigraph.namespaces import MG

VIOLATING = Path(__file__).resolve().parents[1] / "shapes" / "fixtures" / "mitigation-violating.ttl"
MITIGRAPH = Path(sys.executable).with_name("mitigraph")
EXPECTED_FILES = sorted([fmt.file_name() for fmt in EXPORT_FORMATS.values()] + ["void.ttl"])


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    out = tmp_path_factory.mktemp("build") / "out"
    result = CliRunner().invoke(main, ["build", "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out, result.output


def test_build_writes_every_export_and_the_description(built: tuple[Path, str]) -> None:
    out, _ = built
    assert sorted(path.name for path in out.iterdir()) == EXPECTED_FILES


def test_every_export_holds_the_project_graph(built: tuple[Path, str], project: LoadedGraph) -> None:
    out, _ = built
    for export_format in RDF_EXPORT_FORMATS.values():
        assert isomorphic(parse_file(out / export_format.file_name()), project.graph), (
            export_format.file_name()
        )


def test_the_description_counts_triples_and_records(built: tuple[Path, str], project: LoadedGraph) -> None:
    out, summary = built
    description = parse_file(out / "void.ttl")
    dataset = Minter().dataset()
    assert description.value(dataset, VOID.triples) == Literal(len(project.graph))
    partitions = {
        description.value(p, VOID["class"]): int(str(description.value(p, VOID.entities)))
        for p in description.objects(dataset, VOID.classPartition)
    }
    for cls in (MG.Mitigation, MG.Category, MG.Source, MG.Limitation):
        expected = len(set(project.graph.subjects(RDF.type, cls)))
        assert partitions[cls] == expected
        assert expected > 0
    assert f"{len(project.graph)} triples" in summary
    assert f"{partitions[MG.Mitigation]} mitigations" in summary


def test_the_description_keeps_licence_and_notice_and_lists_each_file(built: tuple[Path, str]) -> None:
    out, _ = built
    description = parse_file(out / "void.ttl")
    dataset = Minter().dataset()
    assert description.value(dataset, DCTERMS.license) is not None
    assert "preliminary" in str(description.value(dataset, MG.dataNotice))
    distributions = list(description.objects(dataset, DCAT.distribution))
    by_name = {str(description.value(d, DCTERMS.identifier)): d for d in distributions}
    assert sorted(by_name) == sorted(fmt.file_name() for fmt in EXPORT_FORMATS.values())
    for name, node in by_name.items():
        content = (out / name).read_bytes()
        assert int(str(description.value(node, DCAT.byteSize))) == len(content)
        checksum = description.value(node, SPDX.checksum)
        assert str(description.value(checksum, SPDX.checksumValue)) == hashlib.sha256(content).hexdigest()


def violating_build(out: Path) -> list[str]:
    return ["build", "--out", str(out), *(f"--graph={path}" for path in [*project_files(), VIOLATING])]


def test_violations_refuse_the_build_and_write_nothing(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(main, violating_build(out))
    assert result.exit_code == 1
    assert "Violation: <https://example.org/fixture/no-category>" in result.output
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []


def test_a_refused_build_leaves_a_previous_build_untouched(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "mitigraph.ttl").write_text("previous build", encoding="utf-8")
    result = CliRunner().invoke(main, violating_build(out))
    assert result.exit_code == 1
    assert [p.name for p in out.iterdir()] == ["mitigraph.ttl"]
    assert (out / "mitigraph.ttl").read_text(encoding="utf-8") == "previous build"


def test_a_build_replaces_its_files_and_keeps_the_users(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    (out / "mitigraph.ttl").write_text("previous build", encoding="utf-8")
    result = CliRunner().invoke(main, ["build", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == sorted([*EXPECTED_FILES, "notes.txt"])
    assert (out / "notes.txt").read_text(encoding="utf-8") == "mine"
    assert (out / "mitigraph.ttl").read_text(encoding="utf-8") != "previous build"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_a_refused_build_exits_1_for_a_shell(tmp_path: Path) -> None:
    out = tmp_path / "out"
    completed = subprocess.run(
        [str(MITIGRAPH), *violating_build(out)], capture_output=True, text=True, timeout=120, check=False
    )
    assert completed.returncode == 1
    assert not out.exists()
