"""One family, one case across channels (issue 21): conversations joined into one case.

A case is a conversation and every conversation joined to it (bot.console.models.CaseLink):
the root conversation names the case (its case reference) and each joined one points at it.
Links are flat: joining a case that already has members moves them all to the new root.

Conversations are joined
- by hand, by the member of staff holding the case (or a manager), with a reason
  (bot.console.cases_web, audited "case_linked"); and
- automatically when the service itself knows they are one caller: phone calls and text
  conversations from the same number (the caller ID the phone network gave, kept in
  bot.conversations.deliveries.ConversationNumber, or the number a caller gave on the phone
  line for a callback). A number typed into the web chat is not used: anyone can type any
  number. Audited as actor "automatic".

A joined conversation can be taken out again (unlink, audited); it is then never joined
automatically again, so a number shared by two families (a school's switchboard) is fixed once.
"""

from __future__ import annotations

from typing import Dict, Iterable, List, Optional, Set

import sqlalchemy as sa
from sqlalchemy.orm import Session

from bot.console import audit
from bot.console.models import CaseLink, utcnow
from bot.console.references import case_reference
from bot.conversations.deliveries import ConversationNumber
from bot.handoff.models import Escalation

AUTOMATIC = "automatic"
SAME_NUMBER = "the same phone number on the phone line or by text"


class LinkError(ValueError):
    """Conversations that cannot be joined or taken apart (message for a person)."""


def _active(session: Session, column, values: List[str]) -> List[CaseLink]:
    found: List[CaseLink] = []
    for start in range(0, len(values), 500):
        found += (
            session.execute(
                sa.select(CaseLink).where(column.in_(values[start : start + 500]), CaseLink.unlinked_at.is_(None))
            )
            .scalars()
            .all()
        )
    return found


def roots_of(session: Session, conversation_ids: Iterable[str]) -> Dict[str, str]:
    """Each conversation's case root (itself when it was never joined to another)."""
    ids = list(dict.fromkeys(conversation_ids))
    roots = {conversation_id: conversation_id for conversation_id in ids}
    for link in _active(session, CaseLink.conversation_id, ids):
        roots[link.conversation_id] = link.root_conversation_id
    return roots


def conversations_of(session: Session, conversation_ids: Iterable[str]) -> Set[str]:
    """Every conversation in the cases of `conversation_ids` (them included)."""
    roots = set(roots_of(session, conversation_ids).values())
    members = {link.conversation_id for link in _active(session, CaseLink.root_conversation_id, list(roots))}
    return roots | members | set(conversation_ids)


def case_conversations(session: Session, conversation_id: str) -> List[str]:
    """The conversations of `conversation_id`'s case: the root first, then the others as joined."""
    root = roots_of(session, [conversation_id])[conversation_id]
    links = sorted(_active(session, CaseLink.root_conversation_id, [root]), key=lambda link: link.linked_at)
    return [root] + [link.conversation_id for link in links if link.conversation_id != root]


def link_of(session: Session, conversation_id: str) -> Optional[CaseLink]:
    """How `conversation_id` joined its case (None for the root or a conversation on its own)."""
    link = session.get(CaseLink, conversation_id)
    return link if link is not None and link.unlinked_at is None else None


def link(session: Session, into: str, other: str, by: str, reason: str) -> str:
    """Join `other`'s case (every conversation in it) to `into`'s case; returns the root.

    Raises LinkError when they are one case already."""
    root, other_root = (roots_of(session, [into])[into], roots_of(session, [other])[other])
    if root == other_root:
        raise LinkError("These are one case already.")
    now = utcnow()
    for member in _active(session, CaseLink.root_conversation_id, [other_root]):
        member.root_conversation_id = root
    row = session.get(CaseLink, other_root)
    if row is None:
        session.add(
            CaseLink(
                conversation_id=other_root, root_conversation_id=root, linked_at=now, linked_by=by, reason=reason[:500]
            )
        )
    else:
        row.root_conversation_id, row.linked_at, row.linked_by, row.reason = root, now, by, reason[:500]
        row.unlinked_at = row.unlinked_by = None
    session.flush()
    return root


def unlink(session: Session, conversation_id: str, by: str) -> None:
    """Take a joined conversation out of its case: it is a case of its own again (never the root)."""
    row = link_of(session, conversation_id)
    if row is None:
        raise LinkError("This conversation started the case: take the others out of it instead.")
    row.unlinked_at, row.unlinked_by = utcnow(), by
    session.flush()


def link_by_number(session: Session, ip_address: Optional[str] = None) -> int:
    """Join the cases of phone and text conversations from one number (see the module's
    docstring); each join audited. Returns how many conversations were joined."""

    escalated = sa.select(Escalation.conversation_id)
    pairs = session.execute(
        sa.union(
            sa.select(ConversationNumber.conversation_id, ConversationNumber.number).where(
                ConversationNumber.conversation_id.in_(escalated)
            ),
            sa.select(Escalation.conversation_id, Escalation.callback_number).where(
                Escalation.channel.in_(("voice", "sms")), Escalation.callback_number.is_not(None)
            ),
        )
    ).all()
    by_number: Dict[str, Set[str]] = {}
    for conversation_id, number in pairs:
        by_number.setdefault(number, set()).add(conversation_id)
    groups = [ids for ids in by_number.values() if len(ids) > 1]
    if not groups:
        return 0
    unlinked = set(
        session.execute(sa.select(CaseLink.conversation_id).where(CaseLink.unlinked_at.is_not(None))).scalars()
    )
    joined = 0
    for ids in groups:
        ids = ids - unlinked
        roots = roots_of(session, ids)
        if len(set(roots.values())) < 2:
            continue
        first_seen = dict(
            session.execute(
                sa.select(Escalation.conversation_id, sa.func.min(Escalation.created_at))
                .where(Escalation.conversation_id.in_(list(roots.values())))
                .group_by(Escalation.conversation_id)
            ).all()
        )
        ordered = sorted(
            set(roots.values()), key=lambda root: (first_seen.get(root) is None, first_seen.get(root), root)
        )
        into = ordered[0]
        for other in ordered[1:]:
            link(session, into, other, AUTOMATIC, SAME_NUMBER)
            audit.record(
                session,
                AUTOMATIC,
                "case_linked",
                case_reference(into),
                f"{case_reference(other)} joined {case_reference(into)}: {SAME_NUMBER}",
                ip_address,
            )
            joined += 1
    return joined
