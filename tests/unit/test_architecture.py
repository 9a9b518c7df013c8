"""The shape of the code: every folder one concern, imports only downwards, no circles.

Reads every module under bot/, actions/ and telephony/ with `ast` (nothing is imported)
and fails on:

(a) an import cycle between modules, or between features (a feature is a package under
    bot/, e.g. `bot.mediation`, or a top-level folder: `actions`, `telephony`);
(b) an import from a lower layer to a higher one. The layers, lowest first:
      0 foundation    settings, database, the list of every feature's tables
                      (`bot.models`, names only), limits, redaction, API errors, and
                      `bot.dialogue` (the readers of answers every form uses);
      1 domain        each feature's plain Python under bot/<feature>/ (no web code);
      2 web           the web pages and routers: `bot/<feature>/web.py`, the staff
                      console (`bot.console`), the web chat (`bot.webchat`), `bot.health`;
      3 entry points  what the outside world calls: `actions` (Rasa's action server),
                      `telephony` (Twilio's webhooks), `bot.app`, `bot.supervisor`, `bot.web_server`;
(c) a private name (`_x`) imported from another feature;
(d) an import inside a function without a comment, on its line or the line above,
    saying why it is not at the top of the module;
(e) an action (actions/) that writes what the assistant says inline: the `text` it gives
    `utter_message` comes from the feature's texts or logic in bot/, never a literal.

Exceptions are listed below, each with its reason; keep the list short.
"""
from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path
from typing import Dict, List, NamedTuple, Set, Tuple

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("bot", "actions", "telephony")
SKIPPED = ("bot/migrations",)  # Alembic's scripts: run by Alembic, imported by nothing

FOUNDATION = {"bot.settings", "bot.database", "bot.models", "bot.limits", "bot.redaction", "bot.api_errors",
              "bot.dialogue", "bot.classifiers", "bot.log_privacy", "bot.local_secrets", "bot.security_headers"}
WEB_FEATURES = {"bot.console", "bot.webchat", "bot.health"}
ENTRY_POINTS = {"actions", "telephony", "bot.app", "bot.supervisor", "bot.web_server"}
LAYER_NAMES = ("foundation", "domain", "web", "entry points")

# (importer, imported) features allowed to import each other, with the reason.
FEATURE_CYCLE_EXCEPTIONS: Dict[Tuple[str, str], str] = {}
# Modules whose function-level imports are not checked, with the reason.
FUNCTION_IMPORT_EXCEPTIONS: Dict[str, str] = {}
# Action modules that may still write their words inline, with the reason.
INLINE_TEXT_EXCEPTIONS: Dict[str, str] = {}


class Import(NamedTuple):
    importer: str
    imported: str
    names: Tuple[str, ...]
    line: int
    in_function: bool
    commented: bool


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> Dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if not any(path.relative_to(ROOT).as_posix().startswith(skip) for skip in SKIPPED):
                found[_module_name(path)] = path
    return found


MODULES = _modules()


def _resolve(name: str) -> str:
    """The project module an import names (the longest existing prefix), or ''."""
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name


def _imports(module: str, path: Path) -> List[Import]:
    source = path.read_text()
    lines = source.splitlines()
    tree = ast.parse(source)
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, (ast.Import, ast.ImportFrom)):
            continue
        if isinstance(node, ast.ImportFrom) and node.level:
            raise AssertionError(f"{path}:{node.lineno}: use absolute imports")
        parent, in_function = node, False
        while parent in parents:
            parent = parents[parent]
            in_function = in_function or isinstance(parent, (ast.FunctionDef, ast.AsyncFunctionDef))
        above = lines[node.lineno - 2].strip() if node.lineno > 1 else ""
        commented = "#" in lines[node.lineno - 1] or above.startswith("#")
        targets: List[Tuple[str, Tuple[str, ...]]] = []
        if isinstance(node, ast.Import):
            targets = [(alias.name, ()) for alias in node.names]
        else:
            for alias in node.names:
                submodule = f"{node.module}.{alias.name}"
                targets.append((submodule, ()) if submodule in MODULES else (node.module, (alias.name,)))
        for name, names in targets:
            imported = _resolve(name)
            if name.split(".")[0] in PACKAGES and imported and imported != module:
                found.append(Import(module, imported, names, node.lineno, in_function, commented))
            elif name.split(".")[0] not in PACKAGES and in_function:
                found.append(Import(module, name, names, node.lineno, in_function, commented))
    return found


IMPORTS = [item for module, path in MODULES.items() for item in _imports(module, path)]
PROJECT_IMPORTS = [item for item in IMPORTS if item.imported in MODULES]


def feature(module: str) -> str:
    parts = module.split(".")
    return ".".join(parts[:2]) if parts[0] == "bot" and len(parts) > 1 else parts[0]


def layer(module: str) -> int:
    if feature(module) in FOUNDATION:
        return 0
    if feature(module) in ENTRY_POINTS:
        return 3
    if feature(module) in WEB_FEATURES or module.endswith(".web") or module.endswith("_web"):
        return 2
    return 1


def _cycles(graph: Dict[str, Set[str]]) -> List[List[str]]:
    """Strongly connected components of more than one node (Tarjan)."""
    index: Dict[str, int] = {}
    low: Dict[str, int] = {}
    stack: List[str] = []
    on_stack: Set[str] = set()
    found: List[List[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_reader_finds_the_modules_and_their_imports():
    assert {"bot.app", "bot.console.deps", "bot.outbox.worker", "actions.fallback", "telephony.web"} <= set(MODULES)
    assert any(item.importer == "bot.app" and item.imported == "bot.console.web" for item in PROJECT_IMPORTS)
    assert layer("bot.settings") < layer("bot.mediation.service") < layer("bot.mediation.web") < layer("actions.fallback")


def test_no_import_cycle_between_modules():
    graph: Dict[str, Set[str]] = defaultdict(set)
    for item in PROJECT_IMPORTS:
        graph[item.importer].add(item.imported)
    cycles = _cycles(graph)
    assert not cycles, "\n".join(" <-> ".join(cycle) for cycle in cycles)


def test_no_import_cycle_between_features():
    graph: Dict[str, Set[str]] = defaultdict(set)
    for item in PROJECT_IMPORTS:
        importer, imported = feature(item.importer), feature(item.imported)
        if importer != imported and (importer, imported) not in FEATURE_CYCLE_EXCEPTIONS:
            graph[importer].add(imported)
    cycles = _cycles(graph)
    assert not cycles, "\n".join(" <-> ".join(cycle) for cycle in cycles)


def test_every_feature_cycle_exception_is_still_needed():
    pairs = {(feature(item.importer), feature(item.imported)) for item in PROJECT_IMPORTS}
    assert [pair for pair in FEATURE_CYCLE_EXCEPTIONS if pair not in pairs] == []


def test_no_import_from_a_lower_layer_to_a_higher_one():
    upwards = [f"{item.importer}:{item.line} ({LAYER_NAMES[layer(item.importer)]}) imports {item.imported} "
               f"({LAYER_NAMES[layer(item.imported)]})"
               for item in PROJECT_IMPORTS if layer(item.imported) > layer(item.importer)]
    assert not upwards, "\n".join(upwards)


def test_no_private_name_imported_from_another_feature():
    private = [f"{item.importer}:{item.line} imports {name} from {item.imported}"
               for item in PROJECT_IMPORTS for name in item.names
               if name.startswith("_") and feature(item.importer) != feature(item.imported)]
    assert not private, "\n".join(private)


def test_every_import_inside_a_function_says_why():
    silent = sorted({f"{item.importer}:{item.line} imports {item.imported}" for item in IMPORTS
                     if item.in_function and not item.commented
                     and feature(item.importer) not in FUNCTION_IMPORT_EXCEPTIONS})
    assert not silent, "\n".join(silent)


def test_actions_say_texts_from_bot_not_literals_written_in_the_action():
    inline = []
    for module, path in MODULES.items():
        if feature(module) != "actions" or module in INLINE_TEXT_EXCEPTIONS:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "utter_message":
                for keyword in node.keywords:
                    if keyword.arg == "text" and (isinstance(keyword.value, ast.JoinedStr) or (
                            isinstance(keyword.value, ast.Constant) and isinstance(keyword.value.value, str))):
                        inline.append(f"{module}:{node.lineno}")
    assert not inline, "\n".join(inline)
