"""`mitigraph build`: validated exports plus a dataset description (and a store with its site), or nothing."""

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
from mitigraph.formats import formats_for
from mitigraph.iris import Minter
from mitigraph.jsonld import blank_list_cells
from mitigraph.loader import LoadedGraph, parse_file, project_files
from mitigraph.namespaces import MG
from mitigraph.site import SITE_DIR_NAME
from mitigraph.store import open_read_only

VIOLATING = Path(__file__).resolve().parents[1] / "shapes" / "fixtures" / "mitigation-violating.ttl"
MITIGRAPH = Path(sys.executable).with_name("mitigraph")
EXPORTED = formats_for("export")
EXPECTED_FILES = sorted([fmt.file_name for fmt in EXPORTED] + ["void.ttl"])


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
    for fmt in EXPORTED:
        if fmt.kind == "graph":
            expected = project.graph if fmt.whole_graph else blank_list_cells(project.graph)
            assert isomorphic(parse_file(out / fmt.file_name), expected), fmt.file_name


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
    assert sorted(by_name) == sorted(fmt.file_name for fmt in EXPORTED)
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


def test_the_summary_times_each_stage(built: tuple[Path, str]) -> None:
    _, summary = built
    stages = summary.split("Stages: ", 1)[1]
    for stage in ("load", "validate", *(fmt.name for fmt in EXPORTED), "description"):
        assert f"{stage} " in stages


def test_an_unreadable_file_exits_2_and_writes_nothing(tmp_path: Path) -> None:
    broken = tmp_path / "broken.ttl"
    broken.write_text("<a> <b> .\n", encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", "--out", str(out), f"--graph={broken}"])
    assert result.exit_code == 2
    assert "broken.ttl" in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["broken.ttl"]


def test_store_writes_the_store_and_its_site(tmp_path: Path, project: LoadedGraph) -> None:
    out, store_dir = tmp_path / "out", tmp_path / "store"
    result = CliRunner().invoke(main, ["build", "--out", str(out), "--store", str(store_dir)])
    assert result.exit_code == 0, result.output
    assert (store_dir / SITE_DIR_NAME).is_dir()
    assert len(open_read_only(store_dir)) == project.triples
    assert "mitigraph serve --store" in result.output
