"""Redact personal details from text shown to staff: names, phone numbers, emails,
postcodes, dates of birth, addresses, NHS and National Insurance numbers and schools.

No downloadable spaCy model exists here, so this is rules, not statistics: maintained
recognisers where they exist (libphonenumber's `phonenumbers` for numbers of any country,
`python-stdnum` for the NHS number's checksum), regular expressions for what has a shape
(emails, UK postcodes, NI numbers, dates after a birth cue, street addresses, a school's
name before "School", "Academy", "College" or "Nursery") and spaCy's Matcher on a blank
English tokenizer for names introduced by a cue ("my name is", "my son", "mum of",
"called", "Mrs", "Dear" ...). A name found once is redacted everywhere else in the same
transcript.

A first name said with no cue ("Alfie has been out of school since May") is found by
its place in the sentence: a capitalised word (with up to two more, "Alfie Smith")
right before what is said of a person ("has", "is", "needs", "can't", "'s" ...), when
the word is not ordinary English. "Ordinary" is zxcvbn's frequency lists of English
(Wikipedia, film and TV subtitles: the password checker's own, already a dependency),
where a name such as "Alfie", "Oliver" or "Isla" is not; councils (data/patterns), days,
months and the service's own words ("Tribunal", "EHCP", "Ofsted") are never names.

    >>> Redactor().redact("My son Jack Smith was born on 3 March 2015.").text
    'My son [name] was born on [date of birth].'

Plain Python (no web or Rasa imports); the console uses it for transcripts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import FrozenSet, Iterable, List, Sequence, Set, Tuple

import yaml

LABELS = {
    "name": "[name]",
    "phone": "[phone number]",
    "email": "[email]",
    "postcode": "[postcode]",
    "date_of_birth": "[date of birth]",
    "address": "[address]",
    "nhs_number": "[NHS number]",
    "ni_number": "[NI number]",
    "school": "[school]",
}

EMAIL = re.compile(r"\b[\w.+'-]+@[\w-]+(?:\.[\w-]+)+\b")
# UK numbers: +44 / 0044 / 0, then 9 or 10 more digits with optional spaces, dashes or brackets.
PHONE = re.compile(r"(?<![\w+])(?:\+44\s?(?:\(0\)\s?)?|0044\s?|\(?0)\d(?:[\s\-)]{0,2}\d){8,9}(?!\d)")
POSTCODE = re.compile(r"\b(?:GIR ?0AA|[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]? ?\d[ABD-HJLNP-UW-Z]{2})\b", re.IGNORECASE)
MONTHS = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?"
    r"|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
DATE = (
    rf"(?:\d{{1,2}}[/.\-]\d{{1,2}}[/.\-]\d{{2,4}}|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{MONTHS}\.?(?:,?\s+\d{{2,4}})?"
    rf"|{MONTHS}\.?\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{2,4}})?|\d{{4}}-\d{{2}}-\d{{2}})"
)
DATE_OF_BIRTH = re.compile(
    rf"\b(?:born|date of birth|d\.?o\.?b\.?|birthday|birth date)\b"
    rf"\s*(?:is|was|on|:|-|=)?\s*(?:on\s+)?(?:the\s+)?({DATE})",
    re.IGNORECASE,
)
STREET_WORDS = (
    r"road|rd|street|st|avenue|ave|lane|ln|close|drive|way|crescent|cres|court|ct|place|gardens|gdns"
    r"|grove|terrace|hill|park|square|sq|mews|walk|row|rise|view|green|parade|meadows?|vale|boulevard"
)
ADDRESS = re.compile(
    rf"\b(?:(?:flat|apartment|unit)\s+\d+[a-z]?,?\s+)?\d{{1,4}}[a-z]?,?\s+(?:[a-z][\w'’-]*\s+){{1,3}}(?:{STREET_WORDS})\b\.?",
    re.IGNORECASE,
)
# "I live at ..." / "my address is ...": the rest of the sentence.
ADDRESS_CUE = re.compile(
    r"\b(?:i|we)\s+live\s+at\s+([^.!?\n]{3,80})|\b(?:my|our|the)\s+address\s+is\s*:?\s*([^.!?\n]{3,80})", re.IGNORECASE
)

# Ten digits, grouped 3-3-4 or not; a finding only when the NHS checksum (modulus 11) holds,
# checked by python-stdnum's stdnum.gb.nhs.
NHS_NUMBER = re.compile(r"(?<![\d+])\d{3}[ -]?\d{3}[ -]?\d{4}(?!\d)")
# National Insurance numbers (two letters, six digits, a suffix A-D), spaced or not. Wider
# than HMRC's allowed prefixes on purpose: people copy the "QQ 12 34 56 C" example too,
# and nothing else written here has this shape.
NI_NUMBER = re.compile(r"\b[A-Z]{2}\s?\d{2}\s?\d{2}\s?\d{2}\s?[A-D]\b", re.IGNORECASE)
# A school, college or nursery by name: capitalised words before the kind of setting
# ("St Mary's C of E Primary School", "Oakwood Academy", "Little Acorns Nursery").
SETTING_WORDS = (
    r"(?:Primary|Secondary|Junior|Infant|Infants|Grammar|High|Community|Special|Free|Church|C of E|CE"
    r"|RC|Catholic|Foundation|Prep|Preparatory)\s+"
)
SCHOOL = re.compile(
    rf"\b(?:(?:St\.?|Saint)\s+)?(?:[A-Z][\w'’-]+\s+){{1,4}}(?:{SETTING_WORDS})*"
    r"(?:School|Academy|College|Nursery|Pre-?school|Infants|Juniors)\b"
)
# "Cherry Tree" in "Cherry Tree School" is the name; "The", "My" and the like are not.
SCHOOL_NOT_NAMES = {
    "The",
    "My",
    "Our",
    "His",
    "Her",
    "Their",
    "A",
    "New",
    "Old",
    "Current",
    "Local",
    "Mainstream",
    "Special",
    "Secondary",
    "Primary",
    "Sixth",
    "Form",
    "Independent",
    "Residential",
    "Free",
}

TITLES = ["mr", "mrs", "ms", "miss", "mx", "dr", "prof", "sir", "dame"]
TITLES += [title + "." for title in TITLES]  # spaCy keeps "Mr." as one token
RELATIONS = [
    "son",
    "daughter",
    "child",
    "kid",
    "boy",
    "girl",
    "husband",
    "wife",
    "partner",
    "grandson",
    "granddaughter",
    "stepson",
    "stepdaughter",
    "nephew",
    "niece",
    "brother",
    "sister",
    "baby",
    "twins",
    "ex",
    "senco",
    "teacher",
    "caseworker",
    "social worker",
]
# Words that follow a cue ("my son ...") but are not names.
NOT_NAMES = set(
    """
is has was had needs attends goes went who with and aged age year years yr yrs old currently will would can cannot
does did doesn't didn't isn't wasn't hasn't got gets started starts left moved struggles struggling loves likes
hates refuses won't also too really still just now school college diagnosed diagnosis autism autistic adhd asd
dyslexia dyspraxia plan ehcp ehc his her their our my your the a an in at on to for from of about but or so because
been being be are were gets getting keeps kept now then there here this that these those what which when where how
not no yes very quite has'nt cant can't wont is'nt needs' needed need goes going gone uses used wants wanted
sees saw says said told tells feels felt seems seemed lives lived turned turns
""".split()
)
CAPITALISED_NOT_NAMES = {
    "I",
    "The",
    "A",
    "An",
    "And",
    "But",
    "So",
    "He",
    "She",
    "They",
    "We",
    "It",
    "His",
    "Her",
    "Their",
    "My",
    "Our",
    "Your",
    "Is",
    "Has",
    "Was",
    "Who",
    "With",
    "In",
    "At",
    "On",
    "To",
    "EHCP",
    "EHC",
    "SEN",
    "SEND",
    "SENCO",
    "ADHD",
    "ASD",
    "OK",
    "Ok",
    "Yes",
    "No",
    "Hi",
    "Hello",
    "Thanks",
    "Thank",
    "Please",
    "Not",
    "Just",
    "Also",
    "Year",
    "Mum",
    "Dad",
    "Council",
    "School",
    # Days and times of day: "from Tuesday", "Thanks Monday works" name nobody (issue 21).
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
    "Today",
    "Tomorrow",
    "Tonight",
    "Yesterday",
    "Morning",
    "Afternoon",
    "Evening",
    "Weekend",
}
# What is said of a person right after their name, with no cue before it ("Alfie has been
# out of school", "Isla can't cope", "Oliver's EHCP"): spaCy's tokens ("ca" of "can't", "'s").
PERSON_PREDICATES = set(
    """
has had is was needs needed attends attended goes went ca can cannot could wo will would does did started starts
struggles struggled loves loved refuses refused gets got became becomes feels felt finds wants wanted likes hates
keeps kept lives lived hasn't isn't wasn't doesn't didn't won't can't couldn't cries screams hits runs ran
's ’s
""".split()
)
# Capitalised words of this service, the law and the people around it that are not names
# even where no list of ordinary English has them ("Ofsted has", "Sendiass is").
SERVICE_WORDS = set(
    """
ehcp ehc ehcna send sen senco sendco sendiass iass ipsea ofsted camhs nhs icb ccg cahms sencop covid lgsco phso
tribunal mediation mediator council councils school academy college nursery senior junior infant primary secondary
section appeal appeals plan plans ehcps annual review dr cyp kcc la las gp dfe gov uk england google zoom teams
whatsapp facebook mum mummy dad daddy nan nanny grandma grandad granny auntie uncle sir miss
carer carers physio physios salt ot ots psych psychologist paediatrician paed senco sencos headteacher caseworker
rasa redis sanic uvicorn twilio postgres postgresql sqlite spacy alembic pyotp
texter caller
""".split()
)
MONTH_AND_DAY_WORDS = set(
    """
january february march april may june july august september october november december jan feb mar apr jun jul aug
sep sept oct nov dec monday tuesday wednesday thursday friday saturday sunday christmas easter
""".split()
)
PATTERNS_FILE = Path(__file__).resolve().parent.parent / "data" / "patterns" / "local_authorities.yml"

# A name written with an apostrophe inside ("O'Neil", "D’Souza"), which spaCy keeps as one token.
APOSTROPHE_NAME = re.compile(r"^[A-Z][a-z]*['’][A-Z][a-z]+$")
# What joins the parts of a double-barrelled name ("Garcia-Reyes"): spaCy splits it off as a token.
NAME_JOINERS = {"-", "‐", "'", "’"}


@dataclass(frozen=True)
class Finding:
    label: str
    start: int
    end: int


@dataclass
class Redacted:
    text: str
    findings: List[Finding] = field(default_factory=list)
    names: Set[str] = field(default_factory=set)

    @property
    def labels(self) -> Set[str]:
        return {finding.label for finding in self.findings}


@lru_cache(maxsize=1)
def _nlp_and_matcher():
    # Imported here: spaCy (and what it pulls in) loads only when something is redacted.
    import spacy
    from spacy.matcher import Matcher  # with spaCy, as above

    nlp = spacy.blank("en")
    matcher = Matcher(nlp.vocab)
    lower = lambda *words: [{"LOWER": w} for w in words]  # noqa: E731
    # The name follows the last token of the cue; the scan below decides how far it runs.
    matcher.add(
        "STRONG",
        [
            lower("my", "name", "is"),
            lower("my", "name", "'s"),
            lower("name", "is"),
            lower("name", ":"),
            lower("call", "me"),
            lower("calls", "me"),
            lower("known", "as"),
        ],
    )
    matcher.add(
        "RELATION",
        [
            [
                {"LOWER": {"IN": ["my", "our", "his", "her", "their"]}},
                {"LOWER": {"IN": ["step", "foster", "eldest", "youngest", "little", "older", "younger"]}, "OP": "?"},
                {"LOWER": {"IN": [r for r in RELATIONS if " " not in r]}},
            ],
            lower("my", "social", "worker"),
            lower("the", "senco"),
            lower("senco", "is"),
            # "mum of Tom", "carer for Jade", "parent to Sam"
            [
                {
                    "LOWER": {
                        "IN": [
                            "mum",
                            "mom",
                            "mother",
                            "dad",
                            "father",
                            "parent",
                            "carer",
                            "grandma",
                            "grandad",
                            "nan",
                            "guardian",
                            "stepmum",
                            "stepdad",
                            "foster",
                        ]
                    }
                },
                {"LOWER": {"IN": ["of", "for", "to"]}},
            ],
            lower("caseworker", "is"),
            lower("teacher", "is"),
        ],
    )
    matcher.add("TITLE", [[{"LOWER": {"IN": TITLES}}, {"ORTH": ".", "OP": "?"}]])
    matcher.add(
        "WEAK",
        [
            lower("i", "am"),
            lower("i", "'m"),
            lower("this", "is"),
            lower("it", "'s"),
            lower("called"),
            lower("named"),
            lower("dear"),
            lower("regards"),
            lower("thanks"),
            lower("from"),
            lower("spoke", "to"),
            lower("spoke", "with"),
            lower("speak", "to"),
            lower("speak", "with"),
            # Who to ask for, in a callback's preferred time ("after 3pm, ask for Jane Doe").
            lower("ask", "for"),
            lower("asks", "for"),
        ],
    )
    return nlp, matcher


def _is_capitalised(token) -> bool:
    text = token.text
    return (
        (text[:1].isupper() and text[1:].islower()) or bool(APOSTROPHE_NAME.match(text))
    ) and text not in CAPITALISED_NOT_NAMES


def _is_word(token) -> bool:
    return token.is_alpha or bool(APOSTROPHE_NAME.match(token.text))


def _joined_part(doc, end: int) -> bool:
    """True when doc[end] joins the name so far to a capitalised part with no spaces ("Garcia-Reyes")."""
    return (
        end + 1 < len(doc)
        and doc[end].text in NAME_JOINERS
        and not doc[end - 1].whitespace_
        and not doc[end].whitespace_
        and _is_capitalised(doc[end + 1])
    )


def _name_after(doc, start: int, kind: str) -> Tuple[int, int]:
    """Token span [start, end) of the name that follows a cue ending before `start` (empty if none)."""
    end, words = start, 0
    while end < len(doc) and words < 3:
        token = doc[end]
        if end > start and _joined_part(doc, end):
            end += 2  # the hyphen and the next part: all of a double-barrelled surname is the name
            continue
        if not _is_word(token) or (token.text.isupper() and len(token.text) > 1):
            break
        if end == start:
            # A weak cue ("I am", "called", "Dear") needs a capitalised word: "I am worried" is not a name.
            if kind in ("WEAK", "TITLE") and not _is_capitalised(token):
                break
            if token.lower_ in NOT_NAMES or token.text in CAPITALISED_NOT_NAMES:
                break
        elif not _is_capitalised(token) or token.lower_ in NOT_NAMES:
            # Further words count only when capitalised like a surname.
            break
        end += 1
        words += 1
    return start, end


@lru_cache(maxsize=1)
def _ordinary_words() -> FrozenSet[str]:
    """Lower-case words of ordinary English: zxcvbn's lists from English Wikipedia and from film
    and TV subtitles (about 49,000). zxcvbn keeps each word in one list only, so names it holds
    as names ("harry", "grace") are in its names lists, not here; so are names it never saw."""
    from zxcvbn.frequency_lists import FREQUENCY_LISTS  # zxcvbn, the password checker (a dependency)

    return frozenset(FREQUENCY_LISTS["english_wikipedia"]) | frozenset(FREQUENCY_LISTS["us_tv_and_film"])


@lru_cache(maxsize=1)
def _council_words() -> FrozenSet[str]:
    """Every word of every council's name and variants (data/patterns/local_authorities.yml)."""
    try:
        raw = yaml.safe_load(PATTERNS_FILE.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return frozenset()
    words: Set[str] = set()
    for authority in raw.get("authorities", []):
        for name in (
            [authority.get("name", "")]
            + list(authority.get("variants") or [])
            + list(authority.get("case_sensitive_variants") or [])
        ):
            words.update(re.findall(r"[a-z]+", str(name).lower()))
    return frozenset(words)


def _could_be_a_first_name(token) -> bool:
    lower = token.lower_
    return (
        token.is_alpha
        and len(token.text) > 1
        and _is_capitalised(token)
        and lower not in NOT_NAMES
        and lower not in SERVICE_WORDS
        and lower not in MONTH_AND_DAY_WORDS
        and lower not in _council_words()
        and lower not in _ordinary_words()
    )


def _names_without_cue(doc) -> List[Finding]:
    """A capitalised word that is not ordinary English, with up to two more capitalised words
    (a surname), right before what is said of a person ("Alfie has been out of school")."""
    found = []
    i = 0
    while i < len(doc):
        if not _could_be_a_first_name(doc[i]):
            i += 1
            continue
        end = i + 1
        while (
            end < len(doc)
            and end - i < 3
            and doc[end].is_alpha
            and _is_capitalised(doc[end])
            and doc[end].lower_ not in SERVICE_WORDS
        ):
            end += 1
        if end < len(doc) and doc[end].lower_ in PERSON_PREDICATES:
            found.append(Finding("name", doc[i].idx, doc[end - 1].idx + len(doc[end - 1].text)))
        i = end
    return found


def _nhs_numbers(text: str) -> List[Finding]:
    from stdnum.gb import nhs  # python-stdnum: loaded with the first redaction, like spaCy below

    return [Finding("nhs_number", m.start(), m.end()) for m in NHS_NUMBER.finditer(text) if nhs.is_valid(m.group())]


def _phone_numbers(text: str) -> List[Finding]:
    """Numbers of any country (libphonenumber's matcher, UK as the default region), beside the UK pattern."""
    import phonenumbers  # the maintained libphonenumber port, loaded with the first redaction

    return [
        Finding("phone", match.start, match.end)
        for match in phonenumbers.PhoneNumberMatcher(text, "GB", leniency=phonenumbers.Leniency.VALID)
    ]


def _schools(text: str) -> List[Finding]:
    found = []
    for match in SCHOOL.finditer(text):
        words = match.group().split()
        # Leading words that are not part of a name ("my", "the", "new") are kept.
        skip = 0
        while skip < len(words) - 1 and words[skip] in SCHOOL_NOT_NAMES:
            skip += 1
        if skip == len(words) - 1:
            continue  # only the kind of setting ("the School"): no name
        start = match.start() + len(" ".join(words[:skip])) + (1 if skip else 0)
        found.append(Finding("school", start, match.end()))
    return found


class Redactor:
    """Finds and replaces personal details. Safe to share between threads (spaCy's tokenizer is)."""

    def find(self, text: str, known_names: Iterable[str] = ()) -> List[Finding]:
        findings: List[Finding] = []
        findings += _nhs_numbers(text)
        findings += [Finding("ni_number", m.start(), m.end()) for m in NI_NUMBER.finditer(text)]
        for label, pattern in (("email", EMAIL), ("phone", PHONE), ("postcode", POSTCODE), ("address", ADDRESS)):
            findings += [Finding(label, m.start(), m.end()) for m in pattern.finditer(text)]
        findings += _phone_numbers(text)
        findings += _schools(text)
        findings += [Finding("date_of_birth", m.start(1), m.end(1)) for m in DATE_OF_BIRTH.finditer(text)]
        for match in ADDRESS_CUE.finditer(text):
            group = 1 if match.group(1) else 2
            findings.append(Finding("address", match.start(group), match.end(group)))
        findings += self._names(text)
        for name in known_names:
            findings += [
                Finding("name", m.start(), m.end())
                for m in re.finditer(rf"(?<!\w){re.escape(name)}(?!\w)", text, re.IGNORECASE)
            ]
        return _merge(findings)

    def _names(self, text: str) -> List[Finding]:
        nlp, matcher = _nlp_and_matcher()
        doc = nlp(text)
        found = []
        for match_id, _start, end in matcher(doc):
            kind = nlp.vocab.strings[match_id]
            first, last = _name_after(doc, end, kind)
            if last > first:
                found.append(Finding("name", doc[first].idx, doc[last - 1].idx + len(doc[last - 1].text)))
        return found + _names_without_cue(doc)

    def redact(self, text: str, known_names: Iterable[str] = ()) -> Redacted:
        findings = self.find(text, known_names)
        names = {text[f.start : f.end] for f in findings if f.label == "name"}
        parts, cursor = [], 0
        for finding in findings:
            parts += [text[cursor : finding.start], LABELS[finding.label]]
            cursor = finding.end
        parts.append(text[cursor:])
        return Redacted("".join(parts), findings, names)

    def redact_all(self, texts: Sequence[str]) -> List[Redacted]:
        """Redact the turns of one conversation: a name found in any turn is redacted in all of them."""
        names: Set[str] = set()
        for text in texts:
            names |= self.redact(text).names
        # Each word of a full name ("Jack Smith") on its own, too ("Jack loves trains"), and each
        # part of a double-barrelled one ("Garcia-Reyes": "Reyes").
        names |= {word for name in names for word in re.split(r"[\s\-‐]+", name) if len(word) > 1}
        return [self.redact(text, names) for text in texts]


def _merge(findings: List[Finding]) -> List[Finding]:
    """Sorted, without overlaps: where two overlap, the longer (then the earlier) wins, stretched to cover both."""
    merged: List[Finding] = []
    for finding in sorted(findings, key=lambda f: (f.start, -(f.end - f.start))):
        if merged and finding.start < merged[-1].end:
            last = merged[-1]
            keep = last if (last.end - last.start) >= (finding.end - finding.start) else finding
            merged[-1] = Finding(keep.label, last.start, max(last.end, finding.end))
        else:
            merged.append(finding)
    return merged


@lru_cache(maxsize=1)
def default_redactor() -> Redactor:
    return Redactor()


def redact(text: str) -> str:
    return default_redactor().redact(text).text
