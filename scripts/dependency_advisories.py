"""Write the table of pinned packages with published security advisories into docs/dependencies.md.

    .venv/bin/python scripts/dependency_advisories.py
    .venv/bin/python scripts/dependency_advisories.py --osv-dir <advisory-database>/vulns

For every `name==version` in requirements.lock and requirements-dev.lock it asks PyPI's
JSON API for that release (https://pypi.org/pypi/<name>/<version>/json, field
`vulnerabilities`, withdrawn ones left out). Where that API cannot be reached, `--osv-dir`
reads the same advisories from a copy of an OSV-format database instead (the PyPA
advisory database's `vulns/` folder: one YAML or JSON file per advisory); the section
then says which source and how old it is.

For each package with an advisory the table also says who pins it (every installed
package whose requirements name it, with the range it allows, read from this
environment's metadata) and whether the first fixed release fits those ranges: that is
what decides whether it can move. The table is written between the markers
`<!-- advisories:start -->` and `<!-- advisories:end -->`; the rest of the file (whether
this product is exposed, and the reasoning) is written by hand.
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
DOC = ROOT / "docs" / "dependencies.md"
START, END = "<!-- advisories:start -->", "<!-- advisories:end -->"
PYPI_RELEASE_JSON = "https://pypi.org/pypi/{name}/{version}/json"
EXTRAS_IN_USE = ("", "spacy")  # requirements.in asks for rasa[spacy]


@dataclass
class Advisory:
    id: str
    aliases: List[str]
    fixed_in: List[str]


@dataclass
class Finding:
    name: str
    version: str
    advisories: List[Advisory] = field(default_factory=list)


class SourceUnreachable(RuntimeError):
    """PyPI's JSON API did not answer for a release."""


def pinned(locks: Iterable[Path] = LOCKS) -> List[Tuple[str, str]]:
    """Every (name, version) pinned with == in the lock files, in file order."""
    pins = []
    for lock in locks:
        if not lock.exists():
            continue
        for line in lock.read_text().splitlines():
            match = re.match(r"^([A-Za-z0-9_.\-]+)==([^\s;#]+)", line.strip())
            if match:
                pins.append((match.group(1), match.group(2)))
    return pins


def from_pypi(name: str, version: str, timeout: float = 30.0) -> List[Advisory]:
    url = PYPI_RELEASE_JSON.format(name=name, version=version)
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            data = json.load(response)
    except (urllib.error.URLError, OSError) as error:
        raise SourceUnreachable(f"{url}: {error}") from error
    return [
        Advisory(item["id"], list(item.get("aliases") or []), list(item.get("fixed_in") or []))
        for item in data.get("vulnerabilities") or []
        if not item.get("withdrawn")
    ]


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
    found = []
    parsed = _version(version)
    for entry in database.get(canonicalize_name(name), []):
        for affected in entry["affected"]:
            if canonicalize_name(affected["package"]["name"]) != canonicalize_name(name) or parsed is None:
                continue
            hit, fixed = _affects(affected, parsed)
            if hit:
                found.append(Advisory(entry["id"], list(entry.get("aliases") or []), fixed))
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


def row(finding: Finding) -> str:
    ids = ", ".join(
        sorted(
            advisory.id
            + (
                f" ({', '.join(a for a in advisory.aliases if a.startswith('CVE-'))})"
                if any(a.startswith("CVE-") for a in advisory.aliases)
                else ""
            )
            for advisory in finding.advisories
        )
    )
    fix = first_fix(finding)
    pins = requirers(finding.name)
    pinned_by = "; ".join(f"{dist} `{req.specifier or 'any'}`" for dist, req in pins) or "nothing (ours)"
    if fix is None:
        move = "no fixed release for every advisory"
    else:
        blocking = [dist for dist, req in pins if req.specifier and not req.specifier.contains(fix, prereleases=True)]
        move = f"held at {finding.version} by {', '.join(blocking)}" if blocking else f"can move to {fix}"
    return f"| {finding.name} | {finding.version} | {ids} | {fix or '-'} | {pinned_by} | {move} |"


def render(findings: List[Finding], checked: int, source: str) -> str:
    flagged = [finding for finding in findings if finding.advisories]
    lines = [
        START,
        f"Written by `python scripts/dependency_advisories.py` on {dt.date.today().isoformat()}: "
        f"{checked} pinned packages checked, {len(flagged)} with published advisories. Source: {source}.",
        "",
        "| package | pinned | advisories | first fixed release | required by (range allowed) | can it move |",
        "|---|---|---|---|---|---|",
        *(row(finding) for finding in sorted(flagged, key=lambda f: f.name.lower())),
        END,
    ]
    return "\n".join(lines)


def write(section: str, doc: Path = DOC) -> None:
    text = doc.read_text()
    if START not in text or END not in text:
        raise SystemExit(f"{doc} has no {START} ... {END} markers")
    before, rest = text.split(START, 1)
    after = rest.split(END, 1)[1]
    doc.write_text(before + section + after)


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--osv-dir", type=Path, help="read advisories from this OSV-format folder instead of PyPI's JSON API"
    )
    parser.add_argument(
        "--source-note", default="", help="what the --osv-dir copy is and how old (written into the section)"
    )
    parser.add_argument("--doc", type=Path, default=DOC)
    args = parser.parse_args(argv)

    pins = pinned()
    findings = []
    if args.osv_dir:
        database = load_osv(args.osv_dir)
        source = f"a copy of an OSV advisory database ({args.source_note or args.osv_dir.name}), not PyPI's JSON API"
        findings = [Finding(name, version, from_osv(database, name, version)) for name, version in pins]
    else:
        source = "PyPI's JSON API, `vulnerabilities` of each pinned release"
        for name, version in pins:
            try:
                findings.append(Finding(name, version, from_pypi(name, version)))
            except SourceUnreachable as error:
                print(
                    f"PyPI's JSON API did not answer ({error}); nothing written. "
                    "Where it cannot be reached, use --osv-dir.",
                    file=sys.stderr,
                )
                return 2
    write(render(findings, len(pins), source), args.doc)
    print(f"==> {args.doc}: {sum(1 for f in findings if f.advisories)} of {len(pins)} pinned packages have advisories")
    return 0


if __name__ == "__main__":
    sys.exit(main())
