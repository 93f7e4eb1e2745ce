"""Names used in the README, docs/ and the notebooks exist in the package.

Documentation drifts after a rename (a vignette calling a function that no
longer exists). These tests read every place a reader looks and check:

- ``analysis.<module>.<name>`` and ``<module>.<name>`` in backticks resolve;
- code in notebooks and in fenced Python blocks uses only attributes that
  exist on the ``analysis`` modules it imports;
- ``python -m analysis <command> --option`` and ``make <target>``, in inline
  code or a code block, name a command, options and a target that exist;
- repository paths in backticks (``analysis/lexicons/frames.yml``) exist.
"""

from __future__ import annotations

import argparse
import ast
import importlib
import pkgutil
import re

import nbformat
import pytest

import analysis
from analysis import cli, paths, pipeline

MODULES = sorted(m.name for m in pkgutil.iter_modules(analysis.__path__))
DOCS = sorted(p for p in [paths.ROOT / "README.md", *sorted((paths.ROOT / "docs").glob("*.md"))] if p.exists())
NOTEBOOKS = pipeline.notebooks()
#: Extensions that make ``stance.yml`` a file name rather than an attribute.
FILE_EXTENSIONS = {"yml", "yaml", "json", "csv", "txt", "md", "ipynb", "py", "png", "svg", "html", "cff",
                   "toml", "parquet", "pdf", "tsv", "jsonl"}
#: Top-level folders whose paths, when named in backticks, must exist.
REPO_FOLDERS = ("analysis/", "notebooks/", "tests/", "docs/", "seeds/", "benchmarks/", "requirements/", ".ci/")

_BACKTICKED = re.compile(r"`([^`\n]+)`")
_DOTTED = re.compile(r"^(?:analysis\.)?([a-z_]+)\.([A-Za-z_][A-Za-z0-9_]*)(?:\(.*\))?$")
_FENCE = re.compile(r"```(\w*)\n(.*?)```", re.S)
_COMMAND = re.compile(r"python -m analysis ([a-z]+)([^`\n|;&]*)")
_MAKE = re.compile(r"(?:^|[\s;&(])make (?:-C \S+ )?([a-z][a-z-]*)", re.M)
_OPTION = re.compile(r"(?<!\S)(--[a-z][a-z-]*)")


def module(name: str):
    return importlib.import_module(f"analysis.{name}")


def markdown_texts() -> list[tuple[str, str]]:
    """(where, text) for every document and notebook markdown cell."""
    texts = [(p.name, p.read_text(encoding="utf-8")) for p in DOCS]
    for path in NOTEBOOKS:
        nb = nbformat.read(path, as_version=4)
        texts += [(f"{path.name} cell {i + 1}", c.source) for i, c in enumerate(nb.cells)
                  if c.cell_type == "markdown"]
    return texts


def python_sources() -> list[tuple[str, str]]:
    """(where, code) for every notebook code cell and fenced Python block."""
    sources = []
    for path in NOTEBOOKS:
        nb = nbformat.read(path, as_version=4)
        sources += [(f"{path.name} cell {i + 1}", c.source) for i, c in enumerate(nb.cells) if c.cell_type == "code"]
    for where, text in markdown_texts():
        sources += [(where, code) for lang, code in _FENCE.findall(text) if lang in {"python", "py", "pycon"}]
    return sources


def used_names(code: str) -> list[tuple[str, str]]:
    """(module, attribute) pairs that a piece of code uses from the analysis package."""
    code = "\n".join("" if line.lstrip().startswith(("%", "!", ">>>")) else line for line in code.splitlines())
    tree = ast.parse(code)
    alias, used = {}, []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "analysis":
            for name in node.names:
                if name.name in MODULES:
                    alias[name.asname or name.name] = name.name
                else:
                    used.append(("", name.name))
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("analysis."):
            used += [(node.module.split(".", 1)[1], name.name) for name in node.names]
        elif isinstance(node, ast.Import):
            for name in node.names:
                if name.name.startswith("analysis.") and name.asname:
                    alias[name.asname] = name.name.split(".", 1)[1]
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in alias:
            used.append((alias[node.value.id], node.attr))
    return used


def resolves(mod: str, attr: str) -> bool:
    target = analysis if not mod else module(mod)
    return hasattr(target, attr) or (not mod and attr in MODULES)


def subcommands() -> dict[str, set[str]]:
    parser = cli.build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return {name: {o for a in p._actions for o in a.option_strings} for name, p in sub.choices.items()}


def make_targets() -> set[str]:
    text = (paths.ROOT / "Makefile").read_text()
    return set(re.findall(r"^([a-z][a-z-]*):", text, re.M))


@pytest.mark.parametrize("where, code", python_sources(), ids=lambda v: v if len(v) < 40 else None)
def test_code_uses_only_names_the_package_has(where, code):
    missing = [f"{m}.{a}" if m else a for m, a in used_names(code) if not resolves(m, a)]
    assert not missing, f"{where}: not in the package: {missing}"


def missing_names(text: str) -> list[str]:
    """Backticked package names in a text that the package does not have."""
    missing = []
    for ref in _BACKTICKED.findall(text):
        m = _DOTTED.match(ref.strip())
        if m and m.group(1) == "analysis" and m.group(2) not in FILE_EXTENSIONS:
            if m.group(2) not in MODULES and not hasattr(analysis, m.group(2)):
                missing.append(ref)
        elif m and m.group(1) in MODULES and m.group(2) not in FILE_EXTENSIONS:
            if not resolves(m.group(1), m.group(2)):
                missing.append(ref)
    return missing


@pytest.mark.parametrize("where, text", markdown_texts(), ids=lambda v: v if len(v) < 40 else None)
def test_backticked_names_exist(where, text):
    missing = missing_names(text)
    assert not missing, f"{where}: names not in the package: {missing}"


@pytest.mark.parametrize(
    "text, missing",
    [
        ("Use `figures.save(fig, id)` and `analysis.pipeline.run`.", []),
        ("Use `figures.sav(fig)`.", ["figures.sav(fig)"]),
        ("See `analysis.nomodule` and `analysis.figures`.", ["analysis.nomodule"]),
        ("The lexicon `stance.yml` and `doc.body` are not package names.", []),
    ],
)
def test_missing_names_finds_drift(text, missing):
    assert missing_names(text) == missing


def code_spans(text: str) -> list[str]:
    """Inline code and fenced blocks other than Python: where commands are written."""
    fenced = [code for lang, code in _FENCE.findall(text) if lang not in {"python", "py", "pycon", "json"}]
    return fenced + _BACKTICKED.findall(_FENCE.sub("", text))


@pytest.mark.parametrize("where, text", markdown_texts(), ids=lambda v: v if len(v) < 40 else None)
def test_commands_and_make_targets_exist(where, text):
    commands, targets = subcommands(), make_targets()
    text = "\n".join(code_spans(text))
    for name, rest in _COMMAND.findall(text):
        assert name in commands, f"{where}: no command 'python -m analysis {name}'"
        unknown = [o for o in _OPTION.findall(rest) if o not in commands[name]]
        assert not unknown, f"{where}: 'python -m analysis {name}' has no option {unknown}"
    for target in _MAKE.findall(text):
        assert target in targets, f"{where}: no make target {target!r}"


@pytest.mark.parametrize("where, text", markdown_texts(), ids=lambda v: v if len(v) < 40 else None)
def test_repository_paths_exist(where, text):
    missing = []
    for ref in _BACKTICKED.findall(text):
        ref = ref.strip().rstrip("/")
        if ref.startswith(REPO_FOLDERS) and " " not in ref and not re.search(r"[<>*{}]|NN|\.\.\.", ref):
            if not (paths.ROOT / ref).exists():
                missing.append(ref)
    assert not missing, f"{where}: paths that do not exist: {missing}"


@pytest.mark.parametrize(
    "code, expected",
    [
        ("from analysis import figures\nfigures.save(fig, 'x')", [("figures", "save")]),
        ("from analysis import figures as f\nf.nothing", [("figures", "nothing")]),
        ("from analysis.figures import save, style", [("figures", "save"), ("figures", "style")]),
        ("import analysis.paths as p\np.ROOT", [("paths", "ROOT")]),
        ("%matplotlib inline\nfrom analysis import __version__", [("", "__version__")]),
        ("import pandas as pd\npd.DataFrame()", []),
    ],
)
def test_used_names_reads_imports_and_attributes(code, expected):
    assert sorted(used_names(code)) == sorted(expected)


@pytest.mark.parametrize("mod, attr, ok", [("figures", "save", True), ("figures", "sav", False),
                                           ("", "figures", True), ("", "nope", False)])
def test_resolves_catches_a_renamed_function(mod, attr, ok):
    assert resolves(mod, attr) is ok


def test_the_figures_and_study_commands_are_documented_options():
    commands = subcommands()
    assert {"--text", "--out", "--seed", "--only", "--build"} <= commands["figures"]
    assert {"--text", "--out", "--html", "--no-figures"} <= commands["study"]
    assert {"figures", "test", "study", "setup"} <= make_targets()


@pytest.mark.parametrize(
    "text, found",
    [
        ("Run `make figures TEXT=a.txt`.", ["figures"]),
        ("```sh\ncd x && make -C /repo study\n```", ["study"]),
        ("These rules make sense; make clear what counts.", []),
        ("`python -m analysis figures --out d` then prose make nothing", []),
    ],
)
def test_make_targets_are_read_only_from_code(text, found):
    assert _MAKE.findall("\n".join(code_spans(text))) == found
