"""What the caller told us (``Situation``) and what we tell them back (``RouteCheck``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Literal, Tuple, get_args

from bot.redress.dates import format_long

# The Literal types are the web API's schema too (bot/redress/web.py); the tuples are for checks.
Role = Literal["parent", "young_person", "professional"]
ROLES: Tuple[str, ...] = get_args(Role)

# Decisions the council can make that can be appealed to the First-tier Tribunal
# (SEND) under CFA 2014 s.51.
AppealableDecision = Literal[
    "refusal_to_assess",
    "refusal_to_reassess",
    "refusal_to_issue_plan",
    "plan_content",  # sections B (needs) and F (provision), when issued or amended
    "plan_placement_only",  # section I only: school or college named, or none named
    "refusal_to_amend",
    "cease_to_maintain",
]
APPEALABLE_DECISIONS: Tuple[str, ...] = get_args(AppealableDecision)
# Disagreements with no tribunal appeal of their own.
OtherDisagreement = Literal[
    "plan_health_social_care_only",  # sections C, D, G, H1, H2 and nothing else
    "school_sen_provision",
    "duties_not_carried_out",
    "health_social_care_during_assessment",
    "disability_discrimination",
    "no_decision_yet",  # the council has not decided yet, or is late (brief section 6)
    "school_exclusion",  # a suspension or permanent exclusion (brief section 7)
]
OTHER_DISAGREEMENTS: Tuple[str, ...] = get_args(OtherDisagreement)
About = Literal[AppealableDecision, OtherDisagreement]
ABOUT_VALUES = APPEALABLE_DECISIONS + OTHER_DISAGREEMENTS

# Every RouteCheck lists all of these, in this order, available or not.
RouteId = Literal[
    "mediation",
    "disagreement_resolution",
    "tribunal_appeal",
    "tribunal_recommendations",
    "complaint",
    "ombudsman",
    "disability_discrimination_claim",
    "exclusion_review",  # governing board, then the independent review panel (brief section 7)
]
ROUTE_IDS: Tuple[str, ...] = get_args(RouteId)
Nation = Literal["wales", "scotland", "northern_ireland"]
NATION_VALUES: Tuple[str, ...] = get_args(Nation)
# Why a check is out of scope (RouteCheck.out_of_scope_reason).
OutOfScopeReason = Literal["outside_england", "age_25_or_over"]
OUT_OF_SCOPE_REASONS: Tuple[str, ...] = get_args(OutOfScopeReason)


class InvalidSituation(ValueError):
    """The situation cannot be checked as given. The message says what to correct."""


@dataclass(frozen=True, kw_only=True)
class Situation:
    """One caller's circumstances. Build it with keywords; it validates itself.

    ``decision_date``: the date on the council's decision letter. For
    ``disability_discrimination`` it is the date of the discrimination (or of the last
    act, if it went on over time).
    ``certificate_date``: the date on the mediation certificate, if there is one.
    ``in_england``: None means not asked; we assume England.
    ``nation``: where outside England ('wales', 'scotland', 'northern_ireland'), if known;
    giving one implies ``in_england=False``.
    ``over_school_age``: the young person is over compulsory school age (True, False, or
    None when not known; ``age`` 17 or more implies it).
    ``lacks_capacity``: the young person lacks capacity for the decision, so the parent acts.
    ``today``: injectable so that tests do not depend on the clock.
    """

    role: str
    about: str
    age: int | None = None
    local_authority: str | None = None
    decision_date: date | None = None
    certificate_date: date | None = None
    in_england: bool | None = None
    nation: str | None = None
    over_school_age: bool | None = None
    lacks_capacity: bool = False
    today: date = field(default_factory=date.today)

    def __post_init__(self) -> None:
        if self.role not in ROLES:
            raise InvalidSituation(
                f"Unknown role {self.role!r}. Say whether you are a parent or carer "
                f"('parent'), the young person ('young_person') or a professional "
                f"('professional')."
            )
        if self.about not in ABOUT_VALUES:
            raise InvalidSituation(f"Unknown disagreement {self.about!r}. Choose one of: {', '.join(ABOUT_VALUES)}.")
        if self.nation is not None and self.nation not in NATION_VALUES:
            raise InvalidSituation(f"Unknown nation {self.nation!r}. Choose one of: {', '.join(NATION_VALUES)}.")
        if self.nation is not None and self.in_england is True:
            raise InvalidSituation(f"in_england is true but nation is {self.nation!r}: give one or the other.")
        if self.age is not None and (isinstance(self.age, bool) or not isinstance(self.age, int)):
            raise InvalidSituation(f"Age must be a whole number of years, not {self.age!r}.")
        if self.age is not None and self.age < 0:
            raise InvalidSituation(
                f"Age cannot be negative (got {self.age}). Give the child's or young person's age in years."
            )
        if self.decision_date is not None and self.decision_date > self.today:
            raise InvalidSituation(
                f"The decision date, {format_long(self.decision_date)}, is after today "
                f"({format_long(self.today)}). Check the date on the letter."
            )
        if self.certificate_date is not None and self.certificate_date > self.today:
            raise InvalidSituation(
                f"The mediation certificate date, {format_long(self.certificate_date)}, "
                f"is after today ({format_long(self.today)}). Check the date on the certificate."
            )
        # A certificate is issued after the family contacts the adviser about a decision
        # (Regs 33-34), so one dated earlier is for another decision or a typing slip.
        # Refusing it is safer than guessing which date is wrong.
        if (
            self.certificate_date is not None
            and self.decision_date is not None
            and self.certificate_date < self.decision_date
        ):
            raise InvalidSituation(
                f"The mediation certificate ({format_long(self.certificate_date)}) is dated "
                f"before the decision letter ({format_long(self.decision_date)}). A "
                f"certificate comes after the decision it is about: check both dates."
            )


@dataclass(frozen=True)
class Route:
    """One way to resolve the disagreement, and whether it is open to this caller."""

    id: str
    available: bool
    reason: str
    source: str


@dataclass(frozen=True)
class Deadlines:
    """Last days to act. None when the deadline does not apply or a date is missing.

    ``passed``: for each date given, whether it has gone by (today is after it).
    ``late_certificate``: the certificate came after the 2 months to contact the adviser,
    so ``appeal_by`` is the limit counted from the letter (passed), never a date worked out
    from the late certificate (brief section 9).
    """

    contact_mediation_adviser_by: date | None = None
    appeal_by: date | None = None
    discrimination_claim_by: date | None = None
    review_panel_by: date | None = None  # school exclusions: 15 school days (brief section 7)
    passed: dict = field(default_factory=dict)
    late_certificate: bool = False

    def has_passed(self, name: str) -> bool | None:
        return self.passed.get(name)


@dataclass(frozen=True)
class RouteCheck:
    """The answer for one ``Situation``. ``messages`` starts with the next step."""

    in_scope: bool
    mediation_advice_required: bool
    routes: list[Route]
    deadlines: Deadlines
    messages: list[str]
    out_of_scope_reason: str | None = None  # one of OUT_OF_SCOPE_REASONS when not in scope
    nation: str | None = None

    def route(self, route_id: str) -> Route:
        """The route with this id (every id in ``ROUTE_IDS`` is always present)."""
        for candidate in self.routes:
            if candidate.id == route_id:
                return candidate
        raise KeyError(route_id)

    @property
    def available_route_ids(self) -> list[str]:
        return [r.id for r in self.routes if r.available]
