"""What the chat page needs to show a conversation again: its messages, in order.

A conversation's id is the web session id kept in the browser (``web-`` and 32 random
characters): it is the Rasa sender id too. Each message has a sequence number within
its conversation, so a browser that reconnects asks for everything after the last
number it saw. Retention: these rows are personal data like Rasa's tracker events;
``delete_older_than`` removes whole conversations whose last message is older than
the transcript retention period (RETENTION_TRANSCRIPT_MONTHS).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Dict, List, Optional

import sqlalchemy as sa
from sqlalchemy.orm import Session

from bot.database import Base

SENDERS = ("person", "bot", "staff", "system")
ROLES = ("parent", "young_person", "professional")


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


class ChatConversation(Base):
    """One web chat: who the person said they are (for the wording), and when it was last used."""

    __tablename__ = "chat_conversations"

    id = sa.Column(sa.String(100), primary_key=True)
    role = sa.Column(sa.String(20), nullable=True)
    created_at = sa.Column(sa.DateTime, nullable=False, default=utcnow)
    updated_at = sa.Column(sa.DateTime, nullable=False, default=utcnow, index=True)


class ChatMessage(Base):
    __tablename__ = "chat_messages"
    __table_args__ = (
        sa.UniqueConstraint("conversation_id", "seq", name="uq_chat_messages_conversation_seq"),
        sa.UniqueConstraint("conversation_id", "client_id", name="uq_chat_messages_client_id"),
    )

    id = sa.Column(sa.Integer, primary_key=True, autoincrement=True)
    conversation_id = sa.Column(
        sa.String(100), sa.ForeignKey("chat_conversations.id", ondelete="CASCADE"), nullable=False, index=True
    )
    seq = sa.Column(sa.Integer, nullable=False)
    sender = sa.Column(sa.Enum(*SENDERS, name="chat_sender", native_enum=False, create_constraint=True), nullable=False)
    text = sa.Column(sa.Text, nullable=False, default="")
    # Quick replies [{"title", "payload"}], links and downloads {"links": [{"title", "url"}]}.
    buttons = sa.Column(sa.JSON, nullable=True)
    data = sa.Column(sa.JSON, nullable=True)
    # The person's own id for a message, so a message re-sent after a dropped
    # connection is stored once.
    client_id = sa.Column(sa.String(64), nullable=True)
    # A staff member's first name, shown with their messages.
    staff_name = sa.Column(sa.String(100), nullable=True)
    created_at = sa.Column(sa.DateTime, nullable=False, default=utcnow)

    def as_event(self) -> Dict[str, Any]:
        """The message as the browser receives it."""
        event: Dict[str, Any] = {
            "type": "message",
            "seq": self.seq,
            "sender": self.sender,
            "text": self.text,
            "at": self.created_at.isoformat() + "Z",
        }
        if self.buttons:
            event["buttons"] = self.buttons
        if self.data:
            event["data"] = self.data
        if self.client_id:
            event["client_id"] = self.client_id
        if self.staff_name:
            event["staff_name"] = self.staff_name
        return event


def get_or_create_conversation(session: Session, conversation_id: str) -> ChatConversation:
    conversation = session.get(ChatConversation, conversation_id)
    if conversation is None:
        conversation = ChatConversation(id=conversation_id)
        session.add(conversation)
        session.flush()
    return conversation


def add_message(
    session: Session,
    conversation_id: str,
    sender: str,
    text: str,
    *,
    buttons: Optional[List[Dict[str, Any]]] = None,
    data: Optional[Dict[str, Any]] = None,
    client_id: Optional[str] = None,
    staff_name: Optional[str] = None,
) -> ChatMessage:
    """Store one message with the next sequence number of its conversation.

    A person's message whose client_id is already stored is not stored again; the
    stored one is returned.
    """
    if sender not in SENDERS:
        raise ValueError(f"unknown sender {sender!r}")
    conversation = get_or_create_conversation(session, conversation_id)
    if client_id:
        existing = session.execute(
            sa.select(ChatMessage).where(
                ChatMessage.conversation_id == conversation_id, ChatMessage.client_id == client_id
            )
        ).scalar_one_or_none()
        if existing is not None:
            return existing
    # Lock the conversation row (PostgreSQL) so two writers never take the same number.
    session.execute(sa.select(ChatConversation.id).where(ChatConversation.id == conversation_id).with_for_update())
    last = session.execute(
        sa.select(sa.func.max(ChatMessage.seq)).where(ChatMessage.conversation_id == conversation_id)
    ).scalar()
    message = ChatMessage(
        conversation_id=conversation_id,
        seq=(last or 0) + 1,
        sender=sender,
        text=text,
        buttons=buttons or None,
        data=data or None,
        client_id=client_id,
        staff_name=staff_name,
    )
    session.add(message)
    conversation.updated_at = utcnow()
    session.flush()
    return message


def messages_after(session: Session, conversation_id: str, after: int = 0, limit: int = 1000) -> List[ChatMessage]:
    return list(
        session.execute(
            sa.select(ChatMessage)
            .where(ChatMessage.conversation_id == conversation_id, ChatMessage.seq > after)
            .order_by(ChatMessage.seq)
            .limit(limit)
        ).scalars()
    )


def last_seqs(session: Session, conversation_ids: List[str]) -> Dict[str, int]:
    """The last sequence number of each of these conversations (those with messages)."""
    if not conversation_ids:
        return {}
    rows = session.execute(
        sa.select(ChatMessage.conversation_id, sa.func.max(ChatMessage.seq))
        .where(ChatMessage.conversation_id.in_(conversation_ids))
        .group_by(ChatMessage.conversation_id)
    )
    return {conversation_id: seq for conversation_id, seq in rows}


def delete_older_than(session: Session, cutoff: dt.datetime) -> int:
    """Delete whole chat conversations last used before `cutoff`; returns how many."""
    old = [
        row
        for row in session.execute(sa.select(ChatConversation.id).where(ChatConversation.updated_at < cutoff)).scalars()
    ]
    if not old:
        return 0
    session.execute(sa.delete(ChatMessage).where(ChatMessage.conversation_id.in_(old)))
    session.execute(sa.delete(ChatConversation).where(ChatConversation.id.in_(old)))
    return len(old)
