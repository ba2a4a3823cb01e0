"""The dependency rule of docs/architecture.md, checked on the imports of every module."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# Which packages each package may import: display -> scoring -> initiatives -> core,
# kiosk -> initiatives -> core; display also reads the exhibition (kiosk); nothing imports display.
MAY_IMPORT = {
    "core": set(),
    "initiatives": {"core"},
    "scoring": {"initiatives", "core"},
    "kiosk": {"initiatives", "core"},
    "display": {"scoring", "kiosk", "initiatives", "core"},
}
# The composition root wires every package together; it is the one place core imports them.
COMPOSITION_ROOT = {"core/app.py", "core/demo.py"}


def imported_packages(path):
    tree = ast.parse(path.read_text(), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        for name in names:
            top = name.split(".")[0]
            if top in MAY_IMPORT:
                yield top, node.lineno


def test_packages_import_only_down_the_dependency_rule():
    broken = []
    for package, allowed in MAY_IMPORT.items():
        for path in sorted((ROOT / package).rglob("*.py")):
            where = path.relative_to(ROOT).as_posix()
            if where in COMPOSITION_ROOT:
                continue
            for imported, line in imported_packages(path):
                if imported != package and imported not in allowed:
                    broken.append(f"{where}:{line} imports {imported}")
    assert broken == []


def test_the_check_sees_the_composition_root_import_every_package():
    seen = {package for package, _ in imported_packages(ROOT / "core/app.py")}
    assert seen == set(MAY_IMPORT)
