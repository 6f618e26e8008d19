"""`mitigraph import` as a user runs it: output, exit codes, atomic writes, merging, warnings."""

from __future__ import annotations

import shutil
from pathlib import Path

from importer_helpers import select
from rdflib import RDFS
from rdflib.namespace import SKOS
from tests.support.commands import run_mitigraph
from tests.support.paths import PAGE_FIXTURES, REPO_ROOT, seed_pages

from mitigraph.iris import Minter
from mitigraph.loader import load_files, parse_file
from mitigraph.namespaces import MG

GOOD_PAGE = PAGE_FIXTURES / "A2244.txt"
NOT_A_PAGE = PAGE_FIXTURES / "not_a_page.txt"
SENTINEL = "# an earlier result that a failed import must leave alone\n"


def test_without_options_the_result_goes_to_standard_output(tmp_path: Path) -> None:
    result = run_mitigraph("import", GOOD_PAGE)
    assert result.returncode == 0, result.stderr
    written = tmp_path / "stdout.ttl"
    written.write_text(result.stdout, encoding="utf-8")
    graph = parse_file(written)
    record = Minter().page_record("A2244")
    assert select(
        graph, f"SELECT ?id WHERE {{ <{record}> mg:navigatorId ?id ; mg:labelIsDerived true }}"
    ) == [("A2244",)]


def test_output_holds_page_graphs_and_derived_labels(tmp_path: Path) -> None:
    output = tmp_path / "pages.ttl"
    result = run_mitigraph("import", *seed_pages(), GOOD_PAGE, "--output", output)
    assert result.returncode == 0, result.stderr
    graph = load_files([output]).graph
    records = select(
        graph,
        "SELECT ?r WHERE { ?r a mg:Mitigation ; mg:reasoning ?why ; rdfs:label ?l ; mg:labelIsDerived true }",
    )
    pages = len(seed_pages()) + 1
    assert len(records) == pages, "each page's record: its reasoning, and a derived label (no title shown)"
    assert f"imported {pages} page(s)" in result.stderr


def test_a_file_that_is_not_a_page_exits_2_and_leaves_the_output_untouched(tmp_path: Path) -> None:
    output = tmp_path / "pages.ttl"
    output.write_text(SENTINEL, encoding="utf-8")
    result = run_mitigraph("import", NOT_A_PAGE, "--output", output)
    assert result.returncode == 2
    assert f"{NOT_A_PAGE}:1" in result.stderr
    assert "banner line" in result.stderr
    assert output.read_text(encoding="utf-8") == SENTINEL
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pages.ttl"], "no temporary file is left behind"


def test_one_bad_file_in_a_batch_is_reported_and_the_others_import(tmp_path: Path) -> None:
    result = run_mitigraph("import", GOOD_PAGE, NOT_A_PAGE, *seed_pages(), "--merge", "--data-dir", tmp_path)
    assert result.returncode == 1
    assert f"error: {NOT_A_PAGE}:1" in result.stderr
    assert "1 file(s) not imported" in result.stderr
    written = sorted(path.stem for path in (tmp_path / "pages").glob("*.ttl"))
    assert written == sorted([GOOD_PAGE.stem, *(page.stem for page in seed_pages())])
    assert not list(tmp_path.rglob(f"{NOT_A_PAGE.stem}*")), "nothing is written for the bad file"


def test_a_missing_file_exits_2_naming_it(tmp_path: Path) -> None:
    missing = tmp_path / "A1.txt"
    result = run_mitigraph("import", missing)
    assert result.returncode == 2
    assert str(missing) in result.stderr


def test_a_result_that_breaks_the_shapes_exits_1_and_writes_nothing(tmp_path: Path) -> None:
    output = tmp_path / "pages.ttl"
    result = run_mitigraph("import", PAGE_FIXTURES / "source_without_year.txt", "--output", output)
    assert result.returncode == 1
    assert "Violation: mgid:source/data-hygiene-notes" in result.stderr
    assert "source_without_year.txt" in result.stderr, "the report names the page, not a temporary copy"
    assert ".nt" not in result.stderr
    assert "nothing written: the imported data does not conform to the shapes" in result.stderr
    assert "no 'Authors (year)' line" in result.stderr
    assert not output.exists()


def test_url_names_one_page_only() -> None:
    result = run_mitigraph("import", GOOD_PAGE, NOT_A_PAGE, "--url", "https://example.org/page")
    assert result.returncode == 2
    assert "--url names one page" in result.stderr


def test_warnings_name_the_page_and_line() -> None:
    page = PAGE_FIXTURES / "unknown_category.txt"
    result = run_mitigraph("import", page)
    assert result.returncode == 0, result.stderr
    assert f"warning: {page}:10: learnt category 3.4 Public Engagement: code (provisional)" in result.stderr


def test_many_warnings_are_summed_up_by_kind(tmp_path: Path) -> None:
    pages = sorted(PAGE_FIXTURES.glob("*.txt"))
    result = run_mitigraph("import", *pages, "--output", tmp_path / "out.ttl")
    listed = [line for line in result.stderr.splitlines() if line.startswith("warning: ")]
    summary = listed[-1]
    assert summary.endswith("--all-warnings lists every one"), result.stderr
    counted = sum(int(line.split()[1]) for line in listed[:-1])
    assert summary == f"warning: {counted} warnings in all; --all-warnings lists every one"
    kinds = [line.split(" x ", 1)[1].split(", e.g. ")[0] for line in listed[:-1]]
    assert len(kinds) == len(set(kinds)), "one line per kind"
    every = run_mitigraph("import", *pages, "--output", tmp_path / "out.ttl", "--all-warnings")
    assert len([line for line in every.stderr.splitlines() if line.startswith("warning: ")]) == counted


def test_no_progress_bar_when_standard_error_is_not_a_terminal() -> None:
    result = run_mitigraph("import", *seed_pages())
    assert result.returncode == 0, result.stderr
    assert "page/s" not in result.stderr and "%|" not in result.stderr


def test_merging_twice_changes_nothing(tmp_path: Path) -> None:
    pages = [*seed_pages(), GOOD_PAGE, PAGE_FIXTURES / "no_record_text.txt"]
    first = run_mitigraph("import", *pages, "--merge", "--data-dir", tmp_path)
    assert first.returncode == 0, first.stderr
    written = {path: path.read_bytes() for path in sorted(tmp_path.rglob("*.ttl"))}
    assert sorted(path.relative_to(tmp_path).as_posix() for path in written) == sorted(
        ["curated/labels.ttl", "taxonomy-learnt.ttl", *(f"pages/{page.stem}.ttl" for page in pages)]
    )
    second = run_mitigraph("import", *pages, "--merge", "--data-dir", tmp_path)
    assert second.returncode == 0, second.stderr
    assert {path: path.read_bytes() for path in sorted(tmp_path.rglob("*.ttl"))} == written
    labels = load_files([tmp_path / "curated" / "labels.ttl"]).graph
    assert len(list(labels.subject_objects(RDFS.label))) == len(pages), "none of these records has a title"


def test_merging_fewer_pages_keeps_what_the_others_taught(tmp_path: Path) -> None:
    joined = sorted((PAGE_FIXTURES / "joined").glob("*.txt"))
    assert run_mitigraph("import", *joined, "--merge", "--data-dir", tmp_path).returncode == 0
    learnt = tmp_path / "taxonomy-learnt.ttl"
    before = load_files([learnt]).graph
    again = run_mitigraph("import", joined[-1], "--merge", "--data-dir", tmp_path)
    assert again.returncode == 0, again.stderr
    after = load_files([learnt]).graph
    category = Minter().category("2.3.9")
    assert after.value(category, SKOS.definition) == before.value(category, SKOS.definition) is not None
    assert set(after.objects(category, MG.evidence)) == set(before.objects(category, MG.evidence))


def test_merging_keeps_curated_labels_and_marks_page_files_as_generated(tmp_path: Path) -> None:
    curated = tmp_path / "curated" / "labels.ttl"
    curated.parent.mkdir()
    shutil.copy(REPO_ROOT / "data" / "curated" / "labels.ttl", curated)
    before = curated.read_bytes()
    result = run_mitigraph("import", *seed_pages(), "--merge", "--data-dir", tmp_path)
    assert result.returncode == 0, result.stderr
    assert curated.read_bytes() == before
    for page in sorted((tmp_path / "pages").glob("*.ttl")):
        assert page.read_text(encoding="utf-8").startswith("# Generated by `mitigraph import --merge`")
