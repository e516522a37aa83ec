"""The house's rules, read from the source: no import circle among the project's modules
(imports inside functions included), and the engines never import Flask or the app."""
from __future__ import annotations

import pytest

from tests.support.import_graph import cycles, graph, imports, modules

ENGINES = ("issues", "search_index", "print_templates")


def test_no_import_circle():
    found = cycles(graph())
    assert found == [], "import circles:\n" + "\n".join(" <-> ".join(c) for c in found)


def test_the_cycle_finder_finds_a_circle():
    """The test above can fail: a made-up circle is found, a chain is not."""
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": {"c"}, "c": set()}) == []


def test_function_level_imports_count(tmp_path):
    source = tmp_path / "m.py"
    source.write_text("def f():\n    from gazette_app import clock\n    import issues.model\n")
    known = modules()
    assert imports("gazette_app.m", source, known) == {"gazette_app.clock", "issues.model"}


@pytest.mark.parametrize("engine", ENGINES)
def test_engines_import_neither_flask_nor_the_app(engine):
    import ast

    from tests.support.import_graph import ROOT
    for path in sorted((ROOT / engine).rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) and not node.level \
                else []
            for name in names:
                assert name.split(".")[0] not in ("flask", "gazette_app", "flask_sqlalchemy"), \
                    f"{path.relative_to(ROOT)} imports {name}"
