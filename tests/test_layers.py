"""The package's layers: a module imports only from its own layer or from lower ones, and no modules import
each other in a circle. Function-level imports count as much as those at the top of a module."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "toolkit"

# lowest first; the interfaces (cli, desk) are the top and nothing imports them
LAYERS = ["base", "spec", "books", "model", "logic", "checks", "stages", "documents", "demo", "interfaces"]
INTERFACES = {"cli", "desk"}

def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def layer_of(module: str) -> str:
    parts = module.split(".")
    if len(parts) == 1:
        return "base"  # the package's face: its version only
    top = parts[1]
    return "interfaces" if top in INTERFACES else top


def imports_of(path: Path, modules: set[str]) -> set[str]:
    """Modules of the package that ``path`` imports (anywhere in it), as dotted names."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module_name(path) if path.name == "__init__.py" else module_name(path).rpartition(".")[0]
    out: set[str] = set()
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            names = [f"{base}.{a.name}" if f"{base}.{a.name}" in modules else base for a in node.names]
        for name in names:
            while name and name not in modules:
                name = name.rpartition(".")[0]
            if name and name.startswith("toolkit"):
                out.add(name)
    out.discard(module_name(path))
    return out


def graph() -> dict[str, set[str]]:
    paths = {module_name(p): p for p in ROOT.rglob("*.py")}
    modules = set(paths)
    # importing ``toolkit.x.y`` runs ``toolkit.x`` (its __init__) first; that edge is not a dependency to judge
    return {m: {d for d in imports_of(p, modules) if not m.startswith(d + ".")} for m, p in paths.items()}


def test_every_module_is_in_a_known_layer() -> None:
    unknown = sorted(m for m in graph() if layer_of(m) not in LAYERS)
    assert not unknown, f"modules outside the layers {LAYERS}: {unknown}"


def test_no_module_imports_an_upper_layer() -> None:
    upward = {f"{m} -> {d}" for m, deps in graph().items() for d in deps
              if LAYERS.index(layer_of(d)) > LAYERS.index(layer_of(m))}
    assert not upward, "upward imports:\n" + "\n".join(sorted(upward))


def test_no_import_circle() -> None:
    g = graph()
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    circles: list[list[str]] = []

    def visit(v: str) -> None:  # Tarjan's strongly connected components
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in g.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                circles.append(sorted(component))

    for v in sorted(g):
        if v not in index:
            visit(v)
    assert not circles, circles


def test_the_core_never_imports_an_interface_library() -> None:
    """click and rich are for the command line; the core words its errors as data."""
    offenders = []
    for path in ROOT.rglob("*.py"):
        if layer_of(module_name(path)) == "interfaces":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
                if any(n.split(".")[0] in ("click", "rich") for n in names):
                    offenders.append(module_name(path))
    assert not offenders, sorted(set(offenders))


def test_the_checker_sees_an_upward_import_and_a_circle(tmp_path: Path) -> None:
    """The walk itself: a relative import from a lower layer up is found, so is a two-module circle."""
    pkg = tmp_path / "toolkit"
    for sub in ("base", "stages"):
        (pkg / sub).mkdir(parents=True)
        (pkg / sub / "__init__.py").write_text("")
    (pkg / "__init__.py").write_text("")
    (pkg / "base" / "a.py").write_text("def f():\n    from ..stages import b\n")
    (pkg / "stages" / "b.py").write_text("from toolkit.base.a import f\n")
    modules = {module_name_in(p, tmp_path) for p in pkg.rglob("*.py")}
    a = imports_of_in(pkg / "base" / "a.py", modules, tmp_path)
    b = imports_of_in(pkg / "stages" / "b.py", modules, tmp_path)
    assert a == {"toolkit.stages.b"} and b == {"toolkit.base.a"}
    assert LAYERS.index(layer_of("toolkit.stages.b")) > LAYERS.index(layer_of("toolkit.base.a"))


def module_name_in(path: Path, root: Path) -> str:
    parts = path.relative_to(root).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of_in(path: Path, modules: set[str], root: Path) -> set[str]:
    global ROOT
    saved, ROOT = ROOT, root / "toolkit"
    try:
        return imports_of(path, modules)
    finally:
        ROOT = saved
