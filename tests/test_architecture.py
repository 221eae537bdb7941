"""The house's rules, read from the source (README "Architecture"): which package may import
which, no file named for a sub-domain where a folder is due, and no file too long to read.
Imports inside functions count too."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
APPS = ("core", "accounts", "personnel", "appraisal", "committees", "elearning", "cardreader",
        "devdata")
# what each package may import of the project (besides itself); dlep/urls.py and the settings
# wire the apps together and are checked apart
MAY_IMPORT = {
    "core": set(),
    "accounts": {"core"},
    "personnel": {"core", "accounts"},
    "appraisal": {"core", "accounts", "personnel"},
    "committees": {"core", "accounts", "personnel", "appraisal"},
    "elearning": {"core", "accounts", "personnel"},
    "cardreader": {"core", "accounts", "personnel"},
    "devdata": set(APPS) - {"devdata"},
    "dlep": set(),
}
MAX_LINES = 800


def python_files(package: str):
    for path in sorted((ROOT / package).rglob("*.py")):
        if "migrations" not in path.parts:
            yield path


def project_imports(path: Path) -> set[str]:
    """The top-level project packages that ``path`` imports (absolute imports; relative ones
    stay inside the package)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        found |= {name.split(".")[0] for name in names} & {*APPS, "dlep"}
    return found


@pytest.mark.parametrize("package", sorted(MAY_IMPORT))
def test_imports_flow_one_way(package):
    wiring = {ROOT / "dlep" / "urls.py", ROOT / "dlep" / "settings.py"}
    wrong = {}
    for path in python_files(package):
        if path in wiring:
            continue
        extra = project_imports(path) - MAY_IMPORT[package] - {package}
        if extra:
            wrong[str(path.relative_to(ROOT))] = sorted(extra)
    assert wrong == {}


def test_no_app_imports_devdata():
    users = [str(p.relative_to(ROOT)) for package in APPS if package != "devdata"
             for p in python_files(package) if "devdata" in project_imports(p)]
    users += [str(p.relative_to(ROOT)) for p in python_files("dlep")
              if "devdata" in project_imports(p)]
    assert users == []


def test_appraisal_has_no_file_named_for_a_sub_domain():
    prefixed = [p.name for p in (ROOT / "appraisal").glob("*.py")
                if p.name.startswith(("pa_", "assessor_", "assessment_", "upload_", "draw_",
                                      "expert_", "evidence_", "application_"))]
    assert prefixed == []
    assert {"models", "rules", "services", "views", "forms", "api"} <= {
        p.name for p in (ROOT / "appraisal").iterdir() if (p / "__init__.py").exists()}


def test_no_python_file_is_too_long_to_read():
    long_files = {}
    for path in ROOT.rglob("*.py"):
        relative = path.relative_to(ROOT)
        if relative.parts[0] in (".venv", "var", "node_modules") or "migrations" in relative.parts:
            continue
        lines = path.read_text(encoding="utf-8").count("\n")
        if lines > MAX_LINES:
            long_files[str(relative)] = lines
    assert long_files == {}


def test_the_import_reader_sees_function_level_imports(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("import os\n\ndef f():\n    from appraisal.models import Application\n"
                      "    from . import sibling\n")
    assert project_imports(sample) == {"appraisal"}
