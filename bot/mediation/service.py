"""Mediation advice and mediation certificates: plain service functions on a Session.

The order a conversation follows (CFA 2014 s.55; SEND Regulations 2014 regs 32-34):

1. ``mediation_information(...)``: is a certificate needed, the statutory information in
   plain words, and the deadlines. Say it to the person.
2. ``record_mediation_information(...)``: record that it was said, with the time.
3. ``record_mediation_choice(..., pursue=...)``: record their answer, with the time.
4. Not pursuing: ``issue_certificate(..., kind="not_pursuing")``; then
   ``new_download_link(session, certificate)`` (its ``url`` is given to the person
   once: only a hash of its secret is stored) and, for callers, ``send_certificate_sms(...)``.
   Pursuing: ``bot.mediation.requests.request_mediation(...)``.

Nothing here commits: the caller's ``session_scope`` does, and must have done before
the person is told (every write persists before it is acknowledged). Each function
flushes, so the database has checked every constraint by the time it returns.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass, field
from typing import List, Optional

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.mediation.inputs import (
    initials,
    local_today,
    require_channel,
    require_conversation_id,
    require_local_authority,
    require_name,
    require_past_date,
    require_role,
    require_text,
    utcnow,
)
from bot.mediation.models import KINDS, Certificate, CertificateLink, MediationAdvice, MediationRequest
from bot.mediation.references import MistypedReference, new_reference, normalise_reference
from bot.outbox.service import enqueue_email, enqueue_sms, normalise_number
from bot.redress import rules
from bot.redress.checker import APPEAL_SUBJECTS, APPEALS_WITHOUT_CERTIFICATE, SOURCE_MEDIATION_EXCEPTION
from bot.redress.dates import format_long
from bot.redress.deadlines import (
    SOURCE_APPEAL_DEADLINE,
    SOURCE_ARRANGE_MEDIATION,
    SOURCE_CERTIFICATE,
    SOURCE_CONTACT_ADVISER,
    AppealDeadline,
    appeal_deadline,
    contact_mediation_adviser_by,
)
from bot.redress.situation import APPEALABLE_DECISIONS
from bot.settings import Settings, get_settings

MAX_REFERENCE_ATTEMPTS = 10
SOURCE_MEDIATION_INFORMATION = "CFA 2014 ss.52-55; SEND Regulations 2014 regs 32-34; SEND Code of Practice 11.19-11.21"
SOURCE_CERTIFICATE_AFTER_MEDIATION = "CFA 2014 s.55; SEND Regulations 2014 regs 32-42"


class NoCertificateNeeded(ValueError):
    """No mediation certificate is needed for this appeal; the message says why."""


# --- 1. the information -------------------------------------------------------------


@dataclass(frozen=True)
class MediationInformation:
    """What to tell someone who wants to appeal. ``paragraphs`` are in plain words,
    each ending with its source; ``appeal_by_text`` is ready to say."""

    certificate_needed: bool
    why_not_needed: Optional[str]
    local_authority: str
    decision: str  # the decision in words ("the council's refusal to ...")
    decision_date: dt.date
    contact_adviser_by: Optional[dt.date]
    appeal_by: dt.date  # without a certificate: 2 months from the letter, holiday rules applied
    appeal_by_text: str
    paragraphs: List[str] = field(default_factory=list)


def _decision_words(about: str) -> str:
    if about not in APPEALABLE_DECISIONS:
        raise ValueError(
            "A mediation certificate is only for appeals to the tribunal about EHC needs "
            "assessments and plans. Choose one of: " + ", ".join(APPEALABLE_DECISIONS) + "."
        )
    return APPEAL_SUBJECTS[about]


def appeal_deadline_text(
    deadline: AppealDeadline, certificate_on: Optional[dt.date] = None, today: Optional[dt.date] = None
) -> str:
    """'You can appeal to the tribunal until Tuesday 2 June 2026. ...' (with the rule used).

    A deadline that has passed is never said as open: it says the date has passed, that a
    late appeal needs the tribunal's permission, and to get advice (brief sections 3 and 9)."""
    today = today or local_today()
    if certificate_on is None:
        counted = "That is 2 months from the date on the decision letter."
    else:
        counted = (
            f"That is 1 month from the date of the mediation certificate ({format_long(certificate_on)}) "
            "or 2 months from the date on the decision letter, whichever is later."
        )
    if today > deadline.last_day:
        text = (
            f"The time limit to appeal to the First-tier Tribunal (SEND) ended on {format_long(deadline.last_day)}, "
            f"so it has passed. {counted} The tribunal can accept a late appeal only in exceptional "
            "circumstances, so get advice at once: your local SENDIASS, or IPSEA."
        )
    else:
        text = (
            f"You can appeal to the First-tier Tribunal (SEND) until "
            f"{rules.say_date(deadline.last_day, today)}. {counted}"
        )
    if deadline.moved_because:
        text += " " + deadline.moved_because
    return text + f" ({SOURCE_APPEAL_DEADLINE})"


def late_certificate(decision_date: dt.date, issued_on: dt.date, kind: str = "not_pursuing") -> bool:
    """A not-pursuing certificate issued after the 2 months to contact the adviser: the person
    contacted the adviser late (in this service they are given it the day they decide), so it
    brings no new deadline (brief section 9). After-mediation and deemed certificates follow
    a mediation request made in time, so they are never late in this sense."""
    return kind == "not_pursuing" and rules.late_contact(decision_date, issued_on)


def mediation_information(
    *, local_authority: str, about: str, decision_date: dt.date, today: Optional[dt.date] = None
) -> MediationInformation:
    """Is a certificate needed, and what must the person be told (CFA 2014 s.55; Regs 32-34)."""
    today = today or local_today()
    authority = require_local_authority(local_authority)
    decision = _decision_words(about)
    decision_date = require_past_date(decision_date, "the date on the decision letter", today)
    deadline = appeal_deadline(decision_date)
    appeal_text = appeal_deadline_text(deadline, today=today)
    if about in APPEALS_WITHOUT_CERTIFICATE:
        why = (
            "You do not need a mediation certificate: an appeal only about the school or college named in "
            "the plan (section I), the type named, or that none is named, can go straight to the tribunal. "
            f"You can still ask for mediation if you want it ({SOURCE_MEDIATION_EXCEPTION})."
        )
        return MediationInformation(
            False, why, authority, decision, decision_date, None, deadline.last_day, appeal_text, [why, appeal_text]
        )
    contact_by = contact_mediation_adviser_by(decision_date)
    paragraphs = [
        f"Before you can appeal about {decision}, the law says you must talk to a mediation adviser and think "
        f"about mediation. I am giving you that information now ({SOURCE_MEDIATION_INFORMATION}).",
        f"Mediation is a meeting with {authority} council, run by an independent mediator who does not work for "
        "the council. It is free for you. Someone from the council who can make decisions must be there. You can "
        "bring a supporter or advocate. (CFA 2014 ss.52-54; SEND Regulations 2014 regs 32-42)",
        "Going to mediation is your choice. Whatever you choose, you keep your right to appeal "
        f"({SOURCE_MEDIATION_INFORMATION}).",
        "If you do not want mediation, we issue your mediation certificate within 3 working days, and you "
        f"need it to appeal ({SOURCE_CERTIFICATE}).",
        f"If you want mediation, the council must arrange it within 30 days ({SOURCE_ARRANGE_MEDIATION}). If it "
        "cannot, you get a certificate anyway, and after mediation you get a certificate too.",
        f"You must contact the mediation adviser {rules.contact_adviser_by_text(contact_by, today)}, 2 months from "
        f"the decision letter ({SOURCE_CONTACT_ADVISER}). Talking to me now counts.",
        appeal_text + " A certificate can make the deadline later: it is then 1 month from the certificate.",
    ]
    if today > contact_by:
        # Brief section 9: a certificate can still be given, but no date from it is a deadline to rely on.
        paragraphs[-2:] = list(rules.late_certificate_messages(decision_date, deadline.last_day, today))
    return MediationInformation(
        True, None, authority, decision, decision_date, contact_by, deadline.last_day, appeal_text, paragraphs
    )


# --- 2 and 3. recording the information and the choice ----------------------------------


def record_mediation_information(
    session: Session,
    *,
    conversation_id: str,
    channel: str,
    local_authority: str,
    about: str,
    decision_date: dt.date,
    now: Optional[dt.datetime] = None,
) -> MediationAdvice:
    """Record that the statutory mediation information was given, and when.

    Raises NoCertificateNeeded (section I only: its message says why) and ValueError
    for bad input. Giving it again in the same conversation updates the record.
    """
    conversation_id = require_conversation_id(conversation_id)
    channel = require_channel(channel)
    now = now or utcnow()
    info = mediation_information(
        local_authority=local_authority, about=about, decision_date=decision_date, today=local_today(now)
    )
    if not info.certificate_needed:
        raise NoCertificateNeeded(info.why_not_needed)
    advice = _advice(session, conversation_id)
    if advice is None:
        try:
            with session.begin_nested():
                advice = MediationAdvice(
                    conversation_id=conversation_id,
                    channel=channel,
                    local_authority=info.local_authority,
                    about=about,
                    decision_date=info.decision_date,
                    contact_adviser_by=info.contact_adviser_by,
                    appeal_by=info.appeal_by,
                    information_given_at=now,
                )
                session.add(advice)
        except IntegrityError:  # the same conversation recorded it at the same moment
            advice = _advice(session, conversation_id)
    advice.channel = channel
    advice.local_authority = info.local_authority
    advice.about = about
    advice.decision_date = info.decision_date
    advice.information_given_at = now
    advice.contact_adviser_by = info.contact_adviser_by
    advice.appeal_by = info.appeal_by
    session.flush()
    return advice


def record_mediation_choice(
    session: Session, *, conversation_id: str, pursue: bool, now: Optional[dt.datetime] = None
) -> MediationAdvice:
    """Record whether the person wants to pursue mediation, with the time. They may change their mind."""
    if not isinstance(pursue, bool):
        raise ValueError("Say whether they want mediation: pursue must be True or False.")
    advice = _advice(session, require_conversation_id(conversation_id))
    if advice is None:
        raise ValueError("Give the mediation information first: there is no record of it in this conversation.")
    advice.pursue = pursue
    advice.choice_at = now or utcnow()
    session.flush()
    return advice


def _advice(session: Session, conversation_id: str) -> Optional[MediationAdvice]:
    return session.execute(
        sa.select(MediationAdvice).where(MediationAdvice.conversation_id == conversation_id)
    ).scalar_one_or_none()


# --- 4. certificates ----------------------------------------------------------------------


def issue_certificate(
    session: Session,
    *,
    conversation_id: str,
    channel: str,
    requester_name: str,
    child_name: Optional[str],
    requester_role: str,
    local_authority: str,
    about: str,
    decision_date: dt.date,
    kind: str = "not_pursuing",
    issued_by: Optional[str] = None,
    mediation_request_id: Optional[str] = None,
    now: Optional[dt.datetime] = None,
    over_school_age: Optional[bool] = None,
    lacks_capacity: bool = False,
) -> Certificate:
    """Issue a mediation certificate now, or return the one this conversation already has.

    ``kind``: "not_pursuing" (Regs 34: needs record_mediation_choice(pursue=False) first),
    "after_mediation" or "deemed" (staff, via bot.mediation.requests.issue_mediation_certificate,
    which passes ``mediation_request_id``). ``child_name`` may be None for a young person
    asking for themselves. Raises ValueError with a message for the person.

    ``over_school_age``: the young person is over compulsory school age. Then the
    certificate is theirs and names them as the one who asked (``child_name`` is the young
    person), even when a parent is at the keyboard, unless ``lacks_capacity`` (the parent
    acts for them; the certificate still names the young person) (brief, "Who the service
    is for"; ``bot.redress.rules.who_acts``).
    """
    conversation_id = require_conversation_id(conversation_id)
    if kind not in KINDS:
        raise ValueError(f"Unknown certificate kind {kind!r}: use one of {', '.join(KINDS)}.")
    existing = _standing(session, conversation_id, kind)
    if existing is not None:
        return existing

    now = now or utcnow()
    today = local_today(now)
    channel = require_channel(channel)
    requester_role = require_role(requester_role)
    requester_name = require_name(requester_name, "the name of the parent or young person")
    if requester_role == "young_person" and not (child_name or "").strip():
        child_name = requester_name
    acting = rules.who_acts(requester_role, over_school_age, lacks_capacity)
    if requester_role == "parent" and acting.holder == "young_person":
        # The right is the young person's: the certificate is in their name, not the parent's.
        requester_name = require_name(child_name, "the young person's name (the certificate is in their name)")
        requester_role = "young_person"
    child_name = require_name(child_name, "the child's or young person's name")
    authority = require_local_authority(local_authority)
    _decision_words(about)
    if about in APPEALS_WITHOUT_CERTIFICATE:
        raise NoCertificateNeeded(
            mediation_information(
                local_authority=authority, about=about, decision_date=decision_date, today=today
            ).why_not_needed
        )
    decision_date = require_past_date(decision_date, "the date on the decision letter", today)
    held_on = _check_grounds(session, kind, conversation_id, mediation_request_id)
    if issued_by is not None:
        issued_by = require_text(issued_by, "who is issuing the certificate", 120)

    for _attempt in range(MAX_REFERENCE_ATTEMPTS):
        certificate = Certificate(
            reference=new_reference(),
            kind=kind,
            conversation_id=conversation_id,
            channel=channel,
            requester_name=requester_name,
            requester_role=requester_role,
            child_name=child_name,
            local_authority=authority,
            about=about,
            decision_date=decision_date,
            issued_at=now,
            issued_on=today,
            issued_by=issued_by,
            # A certificate after the 2 months gives no new deadline (brief section 9): keep the letter's.
            appeal_by=(
                appeal_deadline(decision_date).last_day
                if late_certificate(decision_date, today, kind)
                else appeal_deadline(decision_date, today).last_day
            ),
            mediation_request_id=mediation_request_id,
            mediation_held_on=held_on,
            issue_key=f"{conversation_id}:{kind}",
            status="valid",
        )
        try:
            with session.begin_nested():
                session.add(certificate)
        except IntegrityError:
            # Either another request of this conversation issued it first (return that
            # one), or the random reference was taken (try another).
            existing = _standing(session, conversation_id, kind)
            if existing is not None:
                return existing
            continue
        return certificate
    raise RuntimeError(f"could not find a free certificate reference in {MAX_REFERENCE_ATTEMPTS} attempts")


def _check_grounds(session: Session, kind: str, conversation_id: str, request_id: Optional[str]) -> Optional[dt.date]:
    """That the certificate may be issued; the day mediation ended, for after_mediation."""
    if kind == "not_pursuing":
        advice = _advice(session, conversation_id)
        if advice is None or advice.pursue is not False:
            raise ValueError(
                "Before this certificate can be issued, record that the mediation information was given and that "
                "the person decided not to pursue mediation (record_mediation_information, record_mediation_choice)."
            )
        return None
    request = session.get(MediationRequest, request_id) if request_id else None
    if request is None or request.conversation_id != conversation_id:
        raise ValueError(f"A {kind.replace('_', ' ')} certificate needs the mediation request it follows.")
    wanted = "held" if kind == "after_mediation" else "not_arranged_in_time"
    if request.status != wanted:
        raise ValueError(
            f"This mediation request is '{request.status}': mark it '{wanted}' before issuing "
            f"the {kind.replace('_', ' ')} certificate."
        )
    return request.held_on


def current_certificate(session: Session, conversation_id: str) -> Optional[Certificate]:
    """The standing (not revoked) not-pursuing certificate of a conversation, if it has one."""
    return _standing(session, conversation_id, "not_pursuing")


def _standing(session: Session, conversation_id: str, kind: str) -> Optional[Certificate]:
    return session.execute(
        sa.select(Certificate).where(Certificate.issue_key == f"{conversation_id}:{kind}")
    ).scalar_one_or_none()


def certificate_appeal_text(certificate: Certificate, today: Optional[dt.date] = None) -> str:
    """The appeal deadline of a certificate, ready to say or print.

    A certificate issued after the 2 months to contact the adviser comes with no new
    deadline: the limit has passed and the tribunal decides whether to accept a late appeal
    (brief section 9)."""
    today = today or local_today()
    if late_certificate(certificate.decision_date, certificate.issued_on, certificate.kind):
        limit = appeal_deadline(certificate.decision_date).last_day
        return " ".join(rules.late_certificate_messages(certificate.decision_date, limit, today))
    return appeal_deadline_text(
        appeal_deadline(certificate.decision_date, certificate.issued_on), certificate.issued_on, today=today
    )


def appeal_by_words(certificate: Certificate) -> str:
    """What the certificate, its text and its email print as the appeal deadline."""
    if late_certificate(certificate.decision_date, certificate.issued_on, certificate.kind):
        limit = appeal_deadline(certificate.decision_date).last_day
        return (
            f"passed on {format_long(limit)}: a late appeal needs the tribunal's permission "
            f"({rules.SOURCE_LATE_CONTACT})"
        )
    return format_long(certificate.appeal_by)


# --- download links --------------------------------------------------------------------


@dataclass(frozen=True)
class DownloadLink:
    """A link just given to a family: ``url`` holds the secret, which is stored nowhere
    (only its hash), so give it to them now. ``expires_at`` is UTC; ``expires_on`` the UK
    date it is last usable on."""

    url: str
    expires_at: dt.datetime
    expires_on: dt.date

    def lasts(self) -> str:
        """'The link works until Friday 18 December 2026.'"""
        return f"The link works until {format_long(self.expires_on)}."


@dataclass(frozen=True)
class Download:
    """What a download link opens: ``status`` is "ok", "expired", "revoked" or "unknown";
    ``certificate`` is None for "unknown" (no certificate is named to a stranger)."""

    status: str
    certificate: Optional[Certificate] = None


def token_hash(secret: str) -> str:
    """The SHA-256 (hex) of a link's secret: the only form in which it is stored."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def new_download_link(
    session: Session,
    certificate: Certificate,
    now: Optional[dt.datetime] = None,
    settings: Optional[Settings] = None,
) -> DownloadLink:
    """A new link to the certificate's PDF (256 random bits; no reference or name in it),
    working for CERTIFICATE_LINK_DAYS. Links given before keep working until they expire
    (one may be in a text, another in an email). Flushes; the caller commits before
    giving the link out."""
    settings = settings or get_settings()
    now = now or utcnow()
    secret = secrets.token_urlsafe(32)
    expires_at = now + dt.timedelta(days=settings.certificate_link_days)
    session.add(
        CertificateLink(
            certificate_id=certificate.id, token_hash=token_hash(secret), created_at=now, expires_at=expires_at
        )
    )
    session.flush()
    return DownloadLink(
        f"{settings.public_base_url}/certificates/download/{secret}", expires_at, local_today(expires_at)
    )


def verify_url(reference: str, settings: Optional[Settings] = None) -> str:
    settings = settings or get_settings()
    return f"{settings.public_base_url}/certificates/verify/{reference}"


def spoken_reference(reference: str) -> str:
    """'SEM-7KQ4-MX2P' -> 'S E M, 7 K Q 4, M X 2 P' for a voice to read out slowly."""
    return ", ".join(" ".join(group) for group in reference.split("-"))


def find_certificate(session: Session, reference: str) -> Optional[Certificate]:
    """The certificate with this reference, or None if there is none.

    Accepts lower case, spaces and missing dashes. Raises MistypedReference (a
    ValueError whose message says so) when the text cannot be a reference at all.
    """
    canonical = normalise_reference(reference)
    return session.execute(sa.select(Certificate).where(Certificate.reference == canonical)).scalar_one_or_none()


def download_links(session: Session, certificate: Certificate) -> List[CertificateLink]:
    """The links given for a certificate, newest first (when given and until when; never the secret)."""
    return list(
        session.execute(
            sa.select(CertificateLink)
            .where(CertificateLink.certificate_id == certificate.id)
            .order_by(CertificateLink.created_at.desc(), CertificateLink.id.desc())
        ).scalars()
    )


def open_download(session: Session, token: str, now: Optional[dt.datetime] = None) -> Download:
    """What the link with this secret opens (see Download). Looked up by the secret's hash:
    the database never holds the secret, and a near miss is no nearer in hash space."""
    if not token or len(token) > 64:
        return Download("unknown")
    link = session.execute(
        sa.select(CertificateLink).where(CertificateLink.token_hash == token_hash(token))
    ).scalar_one_or_none()
    if link is None:
        return Download("unknown")
    certificate = session.get(Certificate, link.certificate_id)
    if certificate is None or certificate.conversation_id == ANONYMISED_CONVERSATION:
        return Download("unknown")
    if certificate.status == "revoked":
        return Download("revoked", certificate)
    if (now or utcnow()) >= link.expires_at:
        return Download("expired", certificate)
    return Download("ok", certificate)


def search_certificates(
    session: Session,
    reference: Optional[str] = None,
    local_authority: Optional[str] = None,
    issued_from: Optional[dt.date] = None,
    issued_to: Optional[dt.date] = None,
    limit: int = 200,
) -> List[Certificate]:
    """Certificates, newest first, for the staff console. ``reference`` may be partial."""
    query = sa.select(Certificate)
    if reference:
        cleaned = "".join(ch for ch in reference.upper() if ch.isalnum())
        try:
            query = query.where(Certificate.reference == normalise_reference(reference))
        except MistypedReference:
            cleaned = cleaned[3:] if cleaned.startswith("SEM") else cleaned
            pattern = "%" + "%".join([cleaned[:4], cleaned[4:]] if len(cleaned) > 4 else [cleaned]) + "%"
            query = query.where(Certificate.reference.like(pattern))
    if local_authority:
        query = query.where(Certificate.local_authority == require_local_authority(local_authority))
    if issued_from:
        query = query.where(Certificate.issued_on >= issued_from)
    if issued_to:
        query = query.where(Certificate.issued_on <= issued_to)
    return list(
        session.execute(query.order_by(Certificate.issued_at.desc(), Certificate.id.desc()).limit(limit)).scalars()
    )


def revoke_certificate(
    session: Session, reference: str, *, reason: str, by: str, now: Optional[dt.datetime] = None
) -> Certificate:
    """Mark a certificate revoked (who, when, why). The verification page says so at once.

    The conversation may then be issued a corrected certificate (with a new reference).
    """
    reason = require_text(reason, "why the certificate is revoked", 2000)
    by = require_text(by, "who is revoking the certificate", 120)
    certificate = find_certificate(session, reference)
    if certificate is None:
        raise ValueError(f"There is no certificate {normalise_reference(reference)}.")
    if certificate.status == "revoked":
        raise ValueError(f"Certificate {certificate.reference} was already revoked.")
    certificate.status = "revoked"
    certificate.revoked_at = now or utcnow()
    certificate.revoked_by = by
    certificate.revoked_reason = reason
    certificate.issue_key = None
    session.flush()
    return certificate


def send_certificate_sms(
    session: Session,
    certificate: Certificate,
    to_number: str,
    settings: Optional[Settings] = None,
    link: Optional[DownloadLink] = None,
):
    """Text the reference and a download link (no names) through the outbox: ``link``, or
    a new one (new_download_link) when none is given.

    The message is in the caller's transaction: it is sent once that commits.
    """
    settings = settings or get_settings()
    if len(normalise_number(to_number or "")) < 8:
        raise ValueError("Please give a mobile number for the text, for example 07700 900123.")
    link = link or new_download_link(session, certificate, settings=settings)
    body = (
        f"{settings.service_name}: your mediation certificate is {certificate.reference}. "
        f"Download it: {link.url} (works until {format_long(link.expires_on)}) "
        + (
            f"Appeal by {format_long(certificate.appeal_by)}."
            if not late_certificate(certificate.decision_date, certificate.issued_on, certificate.kind)
            else "The time limit to appeal has passed: get advice at once (SENDIASS, IPSEA)."
        )
    )
    message = enqueue_sms(session, to_number, body, kind="certificate_link")
    session.flush()
    return message


def send_certificate_email(
    session: Session,
    certificate: Certificate,
    to_address: str,
    settings: Optional[Settings] = None,
    link: Optional[DownloadLink] = None,
):
    """Email the reference, a download link (``link`` or a new one) and the appeal deadline through the outbox."""
    settings = settings or get_settings()
    link = link or new_download_link(session, certificate, settings=settings)
    body = "\n\n".join(
        [
            f"Your mediation certificate from the {settings.service_name} has been issued.",
            f"Reference: {certificate.reference}",
            f"Download it (PDF): {link.url}",
            f"{link.lasts()} After that, ask the line for a new link: the certificate itself stays valid.",
            certificate_appeal_text(certificate),
            f"Anyone can check it is valid at {verify_url(certificate.reference, settings)}",
        ]
    )
    message = enqueue_email(
        session, to_address, f"Your mediation certificate {certificate.reference}", body, kind="certificate_email"
    )
    session.flush()
    return message


# --- public verification -----------------------------------------------------------------


@dataclass(frozen=True)
class Verification:
    """What the public may know about a reference: status, initials and council only."""

    status: str  # valid | revoked | unknown | mistyped
    reference: str
    message: str
    requester_initials: Optional[str] = None
    child_initials: Optional[str] = None
    local_authority: Optional[str] = None
    issued_on: Optional[dt.date] = None
    revoked_on: Optional[dt.date] = None

    def as_json(self) -> dict:
        return {
            "status": self.status,
            "reference": self.reference,
            "message": self.message,
            "requester_initials": self.requester_initials,
            "child_initials": self.child_initials,
            "local_authority": self.local_authority,
            "issued_on": self.issued_on.isoformat() if self.issued_on else None,
            "revoked_on": self.revoked_on.isoformat() if self.revoked_on else None,
        }


def verify_reference(session: Session, reference: str) -> Verification:
    typed = " ".join((reference or "").split())[:40]
    try:
        certificate = find_certificate(session, reference)
    except MistypedReference as error:
        return Verification("mistyped", typed, str(error))
    canonical = normalise_reference(reference)
    if certificate is None:
        return Verification(
            "unknown",
            canonical,
            f"We have no certificate with the reference {canonical}. It was not issued by this service.",
        )
    details = dict(
        requester_initials=initials(certificate.requester_name),
        child_initials=initials(certificate.child_name),
        local_authority=certificate.local_authority,
        issued_on=certificate.issued_on,
    )
    if certificate.status == "revoked":
        revoked_on = local_today(certificate.revoked_at)
        return Verification(
            "revoked",
            canonical,
            f"Certificate {canonical} was revoked on {format_long(revoked_on)}. It is no longer valid.",
            revoked_on=revoked_on,
            **details,
        )
    return Verification(
        "valid",
        canonical,
        f"Certificate {canonical} is valid. It was issued on {format_long(certificate.issued_on)}.",
        **details,
    )


# --- retention ------------------------------------------------------------------------------

ANONYMISED_NAME = ""  # no initials on the verification page once the names are gone
ANONYMISED_CONVERSATION = "anonymised"


def anonymise_certificates_before(session: Session, cutoff: dt.datetime) -> int:
    """Drop the personal details of certificates issued before ``cutoff`` (UTC); returns how many.

    Kept, so the public verification still says valid or revoked and usage figures
    stand: the reference, council, kind, status, dates and who issued or revoked it.
    Dropped: the names, the link to the conversation, the revocation's free-text reason
    (it may name someone) and every download link (old links stop working). Run by the
    retention job (bot.console.retention).
    """
    certificates = (
        session.execute(
            sa.select(Certificate).where(
                Certificate.issued_at < cutoff, Certificate.conversation_id != ANONYMISED_CONVERSATION
            )
        )
        .scalars()
        .all()
    )
    for certificate in certificates:
        certificate.requester_name = certificate.child_name = ANONYMISED_NAME
        certificate.conversation_id = ANONYMISED_CONVERSATION
        certificate.issue_key = None
        session.execute(sa.delete(CertificateLink).where(CertificateLink.certificate_id == certificate.id))
        if certificate.revoked_reason:
            certificate.revoked_reason = "(removed at retention)"
    session.flush()
    return len(certificates)
