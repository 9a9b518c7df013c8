"""Write the table of pinned packages with published security advisories into docs/dependencies.md.

    .venv/bin/python scripts/dependency_advisories.py --write
    .venv/bin/python scripts/dependency_advisories.py --write --osv-dir <advisory-database>/vulns \
        --source-note "the PyPA advisory database at commit <sha> of <date>"

Without --write the section is printed instead. It checks every `name==version` in
requirements.lock (runtime), requirements-dev.lock (development) and the build tools the
Makefile and Dockerfile pin (pip, setuptools, wheel). By default it asks PyPI's JSON API
for each release (https://pypi.org/pypi/<name>/<version>/json, field `vulnerabilities`,
withdrawn ones left out: the same service pip-audit's default uses). Where that API does not
answer (it answers HTTP 404 from the machine this project is built on; the project-level
/pypi/<name>/json answers there, but its `vulnerabilities` are those of the newest release
only), `--osv-dir` reads the advisories from a copy of an OSV-format database instead (the
PyPA advisory database's `vulns/` folder: one YAML or JSON file per advisory, with the
affected ranges), and the section says which copy.

For each package with an advisory the table says who pins it (every installed package whose
requirements name it, with the range it allows, read from this environment's metadata) and
whether the first fixed release fits those ranges: that is what decides whether it can move.
A second table lists each advisory: its id and aliases, the versions it affects, the
releases that fix it, and that our pin is among the affected. The tables are written between
the markers `<!-- advisories:start -->` and `<!-- advisories:end -->`; the rest of the file
(whether this product is exposed, and the reasoning) is written by hand, and the script
names any package of the table that the hand-written register (after the end marker) lacks.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import sys
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Tuple

import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

ROOT = Path(__file__).resolve().parent.parent
LOCKS = (ROOT / "requirements.lock", ROOT / "requirements-dev.lock")
LOCK_NAMES = {"requirements.lock": "runtime", "requirements-dev.lock": "development"}
# The build tools `make setup` and the Dockerfile install before the locks (pip freeze leaves them out).
BUILD_TOOLS = ROOT / "Makefile"
DOC = ROOT / "docs" / "dependencies.md"
START, END = "<!-- advisories:start -->", "<!-- advisories:end -->"
PYPI_RELEASE_JSON = "https://pypi.org/pypi/{name}/{version}/json"
EXTRAS_IN_USE = ("", "spacy")  # requirements.in asks for rasa[spacy]


@dataclass
class Advisory:
    id: str
    aliases: List[str]
    fixed_in: List[str]
    affected: str = ""  # the affected versions, as ranges ("" when the source gives none)
    summary: str = ""


@dataclass
class Finding:
    name: str
    version: str
    advisories: List[Advisory] = field(default_factory=list)
    where: str = ""  # runtime, development or build tools
    not_affecting: int = 0  # advisories on file for the package that leave this release out


class SourceUnreachable(RuntimeError):
    """PyPI's JSON API did not answer for a release."""


def pinned(locks: Iterable[Path] = LOCKS) -> List[Tuple[str, str]]:
    """Every (name, version) pinned with == in the lock files, in file order."""
    return [(name, version) for name, version, _ in pins_and_where(locks, build_tools=None)]


def pins_and_where(
    locks: Iterable[Path] = LOCKS, build_tools: Optional[Path] = BUILD_TOOLS
) -> List[Tuple[str, str, str]]:
    """Every (name, version, where) pinned: the lock files' `name==version` lines, then the
    build tools `build_tools` (the Makefile) pins as `"name==version"`; each name once."""
    pins: List[Tuple[str, str, str]] = []
    seen = set()

    def add(name: str, version: str, where: str) -> None:
        if canonicalize_name(name) not in seen:
            seen.add(canonicalize_name(name))
            pins.append((name, version, where))

    for lock in locks:
        if not lock.exists():
            continue
        for line in lock.read_text().splitlines():
            match = re.match(r"^([A-Za-z0-9_.\-]+)==([^\s;#]+)", line.strip())
            if match:
                add(match.group(1), match.group(2), LOCK_NAMES.get(lock.name, lock.name))
    if build_tools is not None and build_tools.exists():
        for match in re.finditer(r'"(pip|setuptools|wheel)==([^"\s]+)"', build_tools.read_text()):
            add(match.group(1), match.group(2), "build tools")
    return pins


def from_pypi(name: str, version: str, timeout: float = 30.0) -> List[Advisory]:
    url = PYPI_RELEASE_JSON.format(name=name, version=version)
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            data = json.load(response)
    except (urllib.error.URLError, OSError) as error:
        raise SourceUnreachable(f"{url}: {error}") from error
    return [
        Advisory(
            item["id"],
            list(item.get("aliases") or []),
            list(item.get("fixed_in") or []),
            affected=f"this release ({version})",
            summary=_short(item.get("summary") or item.get("details") or ""),
        )
        for item in data.get("vulnerabilities") or []
        if not item.get("withdrawn")
    ]


def _short(text: str, length: int = 140) -> str:
    """The first line of an advisory's text, fit for a table cell (without a first sentence
    that only says what the package is, as many advisories open with)."""
    lines = (part.strip() for part in text.splitlines())
    line = next((part for part in lines if part and not part.startswith("#")), "")  # not a heading
    line = re.sub(r"^[A-Za-z][\w\-. ]{0,40} is an? [^.]{0,120}\.\s+(?=\S)", "", line)
    line = line.replace("|", "/").replace("`", "'")
    return line if len(line) <= length else line[: length - 1].rstrip() + "…"


def _ranges(affected: Dict) -> str:
    """An OSV `affected` entry's ECOSYSTEM ranges as text: ">=3.0, <3.10.11; >=4.0"."""
    spans = []
    for version_range in affected.get("ranges") or []:
        if version_range.get("type") != "ECOSYSTEM":
            continue
        low = ""
        for event in version_range.get("events") or []:
            if "introduced" in event:
                low = "" if event["introduced"] == "0" else f">={event['introduced']}"
                spans.append(low or "all")
            elif "fixed" in event or "last_affected" in event:
                high = f"<{event['fixed']}" if "fixed" in event else f"<={event['last_affected']}"
                if spans:
                    spans[-1] = f"{low}, {high}" if low else high
    if not spans and affected.get("versions"):
        return f"{len(affected['versions'])} listed versions"
    return "; ".join(spans)


def _affects(affected: Dict, version: Version) -> Tuple[bool, List[str]]:
    fixed = []
    hit = str(version) in {str(v) for v in affected.get("versions") or []}
    for version_range in affected.get("ranges") or []:
        if version_range.get("type") != "ECOSYSTEM":
            continue
        introduced: Optional[Version] = None
        for event in version_range.get("events") or []:
            if "introduced" in event:
                introduced = Version("0") if event["introduced"] == "0" else _version(event["introduced"])
            elif "fixed" in event or "last_affected" in event:
                bound = _version(event.get("fixed") or event["last_affected"])
                if "fixed" in event:
                    fixed.append(event["fixed"])
                if (
                    introduced is not None
                    and bound is not None
                    and introduced <= version
                    and (version < bound if "fixed" in event else version <= bound)
                ):
                    hit = True
                introduced = None
        if introduced is not None and introduced <= version:
            hit = True  # introduced and never fixed
    return hit, fixed


def _version(text: str) -> Optional[Version]:
    try:
        return Version(text)
    except InvalidVersion:
        return None


def load_osv(directory: Path) -> Dict[str, List[Dict]]:
    """The advisories under ``directory`` (YAML or JSON, OSV format), by canonical package name."""
    by_package: Dict[str, List[Dict]] = {}
    for path in sorted(directory.rglob("*")):
        if path.suffix not in (".yaml", ".yml", ".json") or not path.is_file():
            continue
        text = path.read_text(encoding="utf-8")
        entry = json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
        if not isinstance(entry, dict) or entry.get("withdrawn"):
            continue
        for affected in entry.get("affected") or []:
            package = affected.get("package") or {}
            if package.get("ecosystem") == "PyPI":
                by_package.setdefault(canonicalize_name(package["name"]), []).append(entry)
    return by_package


def from_osv(database: Dict[str, List[Dict]], name: str, version: str) -> List[Advisory]:
    """The advisories of ``database`` that affect release ``version`` of ``name``."""
    found = []
    parsed = _version(version)
    for entry in database.get(canonicalize_name(name), []):
        for affected in entry["affected"]:
            if canonicalize_name(affected["package"]["name"]) != canonicalize_name(name) or parsed is None:
                continue
            hit, fixed = _affects(affected, parsed)
            if hit:
                summary = _short(entry.get("summary") or entry.get("details") or "")
                found.append(Advisory(entry["id"], list(entry.get("aliases") or []), fixed, _ranges(affected), summary))
                break
    return found


def requirers(name: str) -> List[Tuple[str, Requirement]]:
    """Every installed distribution whose requirements (for the extras in use) name ``name``."""
    wanted = canonicalize_name(name)
    found = []
    for dist in metadata.distributions():
        for line in dist.requires or []:
            requirement = Requirement(line)
            if canonicalize_name(requirement.name) != wanted:
                continue
            if requirement.marker and not any(requirement.marker.evaluate({"extra": e}) for e in EXTRAS_IN_USE):
                continue
            found.append((dist.metadata["Name"], requirement))
    return sorted(found, key=lambda pair: pair[0].lower())


def first_fix(finding: Finding) -> Optional[Version]:
    """The lowest release that fixes every advisory, if each has a fix above the pinned version."""
    pinned_version = Version(finding.version)
    needed = []
    for advisory in finding.advisories:
        fixes = sorted(v for v in (_version(f) for f in advisory.fixed_in) if v and v > pinned_version)
        if not fixes:
            return None
        needed.append(fixes[0])
    return max(needed) if needed else None


def _with_cves(advisory: Advisory) -> str:
    cves = [alias for alias in advisory.aliases if alias.startswith("CVE-")]
    return advisory.id + (f" ({', '.join(cves)})" if cves else "")


def row(finding: Finding) -> str:
    """The package's row: its advisories, the first release fixing them all, who holds it."""
    ids = ", ".join(sorted(_with_cves(advisory) for advisory in finding.advisories))
    fix = first_fix(finding)
    pins = requirers(finding.name)
    pinned_by = "; ".join(f"{dist} `{req.specifier or 'any'}`" for dist, req in pins) or "nothing (ours)"
    if fix is None:
        move = "no fixed release for every advisory"
    else:
        blocking = [dist for dist, req in pins if req.specifier and not req.specifier.contains(fix, prereleases=True)]
        move = f"held at {finding.version} by {', '.join(blocking)}" if blocking else f"can move to {fix}"
    return (
        f"| {finding.name} | {finding.version} | {finding.where or '-'} | {ids} | {finding.not_affecting} "
        f"| {fix or '-'} | {pinned_by} | {move} |"
    )


def advisory_rows(finding: Finding) -> List[str]:
    """One row per advisory that affects the pinned release."""
    rows = []
    for advisory in sorted(finding.advisories, key=lambda a: a.id):
        aliases = ", ".join(sorted(advisory.aliases)) or "-"
        fixed = ", ".join(advisory.fixed_in) or "none yet"
        rows.append(
            f"| {finding.name} | {finding.version} | {advisory.id} | {aliases} | {advisory.affected or '-'} "
            f"| {fixed} | yes | {advisory.summary or '-'} |"
        )
    return rows


def render(findings: List[Finding], checked: int, source: str) -> str:
    flagged = sorted((finding for finding in findings if finding.advisories), key=lambda f: f.name.lower())
    by_where: Dict[str, int] = {}
    for finding in findings:
        by_where[finding.where or "pinned"] = by_where.get(finding.where or "pinned", 0) + 1
    counted = ", ".join(f"{count} {where}" for where, count in by_where.items())
    lines = [
        START,
        f"Written by `python scripts/dependency_advisories.py --write` on {dt.date.today().isoformat()}: "
        f"{checked} pinned packages checked ({counted}), {len(flagged)} with published advisories that "
        f"affect the pinned release, {sum(len(f.advisories) for f in flagged)} advisories in all. "
        f"Source: {source}.",
        "",
        "| package | pinned | lock | advisories affecting the pin | others on file, not affecting it "
        "| first release fixing all | required by (range allowed) | can it move |",
        "|---|---|---|---|---|---|---|---|",
        *(row(finding) for finding in flagged),
        "",
        "Each advisory: the versions it affects and the releases that fix it, as the source gives them.",
        "",
        "| package | pinned | advisory | aliases | affected versions | fixed in | our pin affected | summary |",
        "|---|---|---|---|---|---|---|---|",
        *(line for finding in flagged for line in advisory_rows(finding)),
        END,
    ]
    return "\n".join(lines)


def unassessed(findings: List[Finding], doc: Path = DOC) -> List[str]:
    """Packages with advisories that the hand-written register (after the end marker) has no row for."""
    register = doc.read_text().split(END, 1)[-1] if doc.exists() else ""
    named = {canonicalize_name(cell) for cell in re.findall(r"^\| *([A-Za-z0-9_.\-]+) *\|", register, re.MULTILINE)}
    return [f.name for f in findings if f.advisories and canonicalize_name(f.name) not in named]


def write(section: str, doc: Path = DOC) -> None:
    text = doc.read_text()
    if START not in text or END not in text:
        raise SystemExit(f"{doc} has no {START} ... {END} markers")
    before, rest = text.split(START, 1)
    after = rest.split(END, 1)[1]
    doc.write_text(before + section + after)


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--write", action="store_true", help="write the section into --doc (else print it)")
    parser.add_argument(
        "--osv-dir", type=Path, help="read advisories from this OSV-format folder instead of PyPI's JSON API"
    )
    parser.add_argument(
        "--source-note", default="", help="what the --osv-dir copy is and how old (written into the section)"
    )
    parser.add_argument("--doc", type=Path, default=DOC)
    args = parser.parse_args(argv)

    pins = pins_and_where(LOCKS, BUILD_TOOLS)
    findings = []
    if args.osv_dir:
        database = load_osv(args.osv_dir)
        source = f"{args.source_note or args.osv_dir.name} (OSV format, read with --osv-dir), not PyPI's JSON API"
        for name, version, where in pins:
            found = from_osv(database, name, version)
            on_file = len({entry["id"] for entry in database.get(canonicalize_name(name), [])})
            findings.append(Finding(name, version, found, where, on_file - len(found)))
    else:
        source = "PyPI's JSON API, `vulnerabilities` of each pinned release"
        for name, version, where in pins:
            try:
                findings.append(Finding(name, version, from_pypi(name, version), where))
            except SourceUnreachable as error:
                print(
                    f"PyPI's JSON API did not answer for {name} {version} ({error}); nothing written. "
                    "Where it cannot be reached, use --osv-dir with a copy of an OSV advisory database.",
                    file=sys.stderr,
                )
                return 2
    section = render(findings, len(pins), source)
    if not args.write:
        print(section)
        return 0
    write(section, args.doc)
    print(f"==> {args.doc}: {sum(1 for f in findings if f.advisories)} of {len(pins)} pinned packages have advisories")
    missing = unassessed(findings, args.doc)
    if missing:
        print(f"    not yet in the hand-written register (is this product exposed?): {', '.join(missing)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
