"""`rasa data validate --fail-on-warnings`, and stricter still: every warning fails, except a response that only a
custom action sends (Rasa cannot see inside actions) and that the action really uses."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
RASA = str(Path(sys.executable).parent / "rasa")


def responses_sent_by_actions() -> set:
    names = set()
    for path in (ROOT / "actions").glob("*.py"):
        source = path.read_text()
        names |= set(re.findall(r'response\s*=\s*["\'](utter_[A-Za-z0-9_/]+)["\']', source))
        # Responses chosen by name at run time, e.g. f"utter_rc_help_{slot}", are listed in the domain
        # under the same prefix; count every response with that prefix as used.
        for prefix in re.findall(r'response\s*=\s*f["\'](utter_[A-Za-z0-9_]*)\{', source):
            names.add(prefix + "*")
    return names


# Responses Rasa's own actions send: the two-stage fallback asks to rephrase and ends in utter_default.
SENT_BY_RASA = {"utter_ask_rephrase", "utter_default"}


def responses_asked_by_forms() -> set:
    """A form asks for slot X with utter_ask_X (or utter_ask_<form>_X); Rasa's validator cannot see that."""
    domain = yaml.safe_load((ROOT / "domain.yml").read_text())
    names = set()
    for form, spec in (domain.get("forms") or {}).items():
        for slot in (spec or {}).get("required_slots", []):
            names |= {f"utter_ask_{slot}", f"utter_ask_{form}_{slot}"}
    return names


def is_sent_by_an_action(response: str, sent: set) -> bool:
    return response in sent or any(name.endswith("*") and response.startswith(name[:-1]) for name in sent)


def test_rasa_data_validates_without_warnings():
    completed = subprocess.run(
        [RASA, "data", "validate", "--fail-on-warnings", "--config", "config.yml", "--domain", "domain.yml", "--data", "data"],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
    )
    output = completed.stdout + completed.stderr
    assert completed.returncode == 0, output[-4000:]
    sent = responses_sent_by_actions() | SENT_BY_RASA | responses_asked_by_forms()
    problems = []
    for line in output.splitlines():
        if "UserWarning" not in line:
            continue
        unused = re.search(r"The utterance '([^']+)' is not used in any story or rule", line)
        if unused and is_sent_by_an_action(unused.group(1), sent):
            continue
        if "duplicated intents have been found across multiple domain files" in line:
            # Retrieval intents whose responses live beside their examples in data/nlu are
            # listed in domain.yml too; Rasa merges the two and warns, harmlessly.
            continue
        problems.append(line.split("UserWarning:", 1)[-1].strip())
    assert not problems, "rasa data validate warned:\n" + "\n".join(problems)


def test_every_response_an_action_sends_exists():
    domain = yaml.safe_load((ROOT / "domain.yml").read_text())
    defined = set(domain.get("responses", {}))
    for path in (ROOT / "data").rglob("*.yml"):
        defined |= set((yaml.safe_load(path.read_text()) or {}).get("responses", {}) or {})
    missing = {name for name in responses_sent_by_actions() if not name.endswith("*") and name not in defined}
    assert not missing, f"actions send responses that are not defined: {sorted(missing)}"
