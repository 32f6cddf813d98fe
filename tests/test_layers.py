"""The floor plan holds (issue 14): the core imports no AWS SDK, no Powertools and no environment;
adapters sit on the core, not on each other; no import cycle.

Read from the source with `ast`, so a test failure names the file and the import.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "pgdrift"
#: The adapters inside the package: boto3 (aws) and the command line (cli).
ADAPTERS = ("pgdrift.aws", "pgdrift.cli", "pgdrift.__main__")
FORBIDDEN_IN_CORE = ("boto3", "botocore", "aws_lambda_powertools", "mypy_boto3", "slack_sdk")
#: ... except slack_sdk's block models: data classes that render Block Kit JSON, no client (issue 15).
ALLOWED_IN_CORE = ("slack_sdk.models",)
#: Core modules that may touch os.environ, and why: not to read settings.
ENVIRONMENT_USERS = {
    # the replay's child process inherits this process's environment, plus the scratch URL under
    # every name the project may read (issue 13): process plumbing, not configuration
    "pgdrift.migrations.replay",
}


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules(folder: Path) -> dict[str, Path]:
    return {module_name(path): path for path in sorted(folder.rglob("*.py"))}


def imports(path: Path, top_level_only: bool = False) -> Iterator[tuple[int, str]]:
    """(line, imported module) for every import in the file (or only those run at import time)."""
    return _imports_of(path.read_text(), top_level_only)


def _imports_of(source: str, top_level_only: bool = False) -> Iterator[tuple[int, str]]:
    tree = ast.parse(source)
    nodes = tree.body if top_level_only else ast.walk(tree)
    for node in nodes:
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.lineno, node.module
            for alias in node.names:  # `from pgdrift.schema import model` imports a module
                yield node.lineno, f"{node.module}.{alias.name}"
        elif isinstance(node, ast.If) and top_level_only:  # `if TYPE_CHECKING:` imports run no code
            continue


def is_core(name: str) -> bool:
    return name.startswith("pgdrift") and not name.startswith(ADAPTERS)


CORE = {name: path for name, path in modules(PACKAGE).items() if is_core(name)}


@pytest.mark.parametrize("name", sorted(CORE))
def test_the_core_imports_no_aws_sdk_no_powertools_and_no_adapter(name: str) -> None:
    for line, imported in imports(CORE[name]):
        forbidden = imported.startswith(FORBIDDEN_IN_CORE) and not imported.startswith(ALLOWED_IN_CORE)
        assert not forbidden, f"{CORE[name]}:{line} imports {imported}"
        assert not imported.startswith(ADAPTERS), f"{CORE[name]}:{line} (core) imports the adapter {imported}"


@pytest.mark.parametrize("name", sorted(set(CORE) - ENVIRONMENT_USERS))
def test_the_core_reads_no_environment(name: str) -> None:
    tree = ast.parse(CORE[name].read_text())
    for node in ast.walk(tree):
        if (isinstance(node, ast.Attribute) and node.attr in ("environ", "getenv")
                and isinstance(node.value, ast.Name) and node.value.id == "os"):
            pytest.fail(f"{CORE[name]}:{node.lineno} reads the environment: settings come in as arguments")


def test_the_checks_can_fail() -> None:
    # The AST walk finds what it looks for: a core module that imported boto3 and read os.environ
    source = "import os\nfrom boto3 import client\nx = os.environ['A']\n"
    found = [imported for _, imported in _imports_of(source)]
    assert "boto3" in found and "boto3.client" in found
    assert any(isinstance(node, ast.Attribute) and node.attr == "environ" for node in ast.walk(ast.parse(source)))


def _layer_imports(folder: str) -> Iterator[tuple[Path, int, str]]:
    for path in sorted((ROOT / folder).rglob("*.py")):
        for line, imported in imports(path):
            yield path, line, imported


@pytest.mark.parametrize(("folder", "forbidden"), [
    ("lambdas", ("infra", "pgdrift.cli", "demo")),
    ("infra", ("lambdas", "pgdrift.cli", "pgdrift.aws", "demo")),
    ("pgdrift/cli", ("lambdas", "infra", "demo")),
    ("pgdrift/aws", ("lambdas", "infra", "pgdrift.cli", "demo")),
    ("pgdrift", ("lambdas", "infra", "demo", "tests", "bench")),
])
def test_adapters_do_not_import_each_other(folder: str, forbidden: tuple[str, ...]) -> None:
    for path, line, imported in _layer_imports(folder):
        assert not imported.startswith(forbidden), f"{path}:{line} imports {imported}"


def _graph() -> dict[str, set[str]]:
    known = modules(PACKAGE)
    graph: dict[str, set[str]] = {}
    for name, path in known.items():
        graph[name] = {imported for _, imported in imports(path, top_level_only=True)
                       if imported in known and imported != name}
    return graph


def test_no_import_cycle() -> None:
    graph = _graph()
    state: dict[str, int] = {}  # 1 visiting, 2 done

    def visit(name: str, trail: list[str]) -> None:
        state[name] = 1
        for imported in sorted(graph[name]):
            if state.get(imported) == 1:
                cycle = [*trail[trail.index(imported):], imported] if imported in trail else [name, imported]
                pytest.fail("import cycle: " + " -> ".join(cycle))
            if imported not in state:
                visit(imported, [*trail, imported])
        state[name] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name, [name])
