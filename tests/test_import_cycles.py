"""No import cycles in the application's packages (grimp builds the import graph).

Every import counts: at module level, inside functions and under TYPE_CHECKING, because a
cycle hidden in a function or a type-only import is still two modules that need each
other, and the next edit turns it into an import error.
"""

from __future__ import annotations

import grimp

PACKAGES = ("ta_manager", "importers", "reports")


def cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """One chain per cycle: a module, what it imports, ... back to the module."""
    found: list[list[str]] = []
    seen: set[frozenset[str]] = set()
    for module in sorted(graph.modules):
        for imported in sorted(graph.find_modules_directly_imported_by(module)):
            chain = graph.find_shortest_chain(importer=imported, imported=module)
            if chain and frozenset(chain) not in seen:
                seen.add(frozenset(chain))
                found.append([module, *chain])
    return found


def test_no_module_imports_itself_through_others() -> None:
    graph = grimp.build_graph(*PACKAGES, include_external_packages=False)
    found = cycles(graph)
    assert not found, "import cycles:\n" + "\n".join(" -> ".join(c) for c in found)


def test_the_check_finds_a_cycle() -> None:
    graph = grimp.ImportGraph()
    for name in ("pkg", "pkg.a", "pkg.b", "pkg.c"):
        graph.add_module(name)
    graph.add_import(importer="pkg.a", imported="pkg.b")
    graph.add_import(importer="pkg.b", imported="pkg.c")
    graph.add_import(importer="pkg.c", imported="pkg.a")
    assert cycles(graph) == [["pkg.a", "pkg.b", "pkg.c", "pkg.a"]]
