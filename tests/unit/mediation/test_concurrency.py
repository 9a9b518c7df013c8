"""Many certificates issued at once on PostgreSQL: every one stored, no reference twice,
and a conversation that asks twice at the same moment still gets one certificate."""
import datetime as dt
import random
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import sqlalchemy as sa

from bot.mediation import references, service
from bot.mediation.models import Certificate
from bot.database import session_scope
from support.back_office import issue_not_pursuing

WORKERS = 24
CERTIFICATES = 240


@pytest.fixture
def postgres_office(office):
    if not office.database_url.startswith("postgresql"):
        pytest.skip("the concurrency test is for PostgreSQL")
    return office


def _issue_in_parallel(url, conversation_ids):
    start = threading.Barrier(WORKERS)

    def issue(conversation_id):
        if conversation_id in first_wave:
            start.wait(timeout=30)
        with session_scope(url) as session:
            return issue_not_pursuing(session, conversation_id=conversation_id, channel="voice",
                                      now=dt.datetime(2026, 11, 20, 10, 0)).reference

    first_wave = set(conversation_ids[:WORKERS])
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        return list(pool.map(issue, conversation_ids))


def test_parallel_issue_loses_none_and_repeats_no_reference(postgres_office, monkeypatch):
    # References drawn from a small pool, so that parallel requests really collide and
    # the unique constraint and retry are what keep them apart.
    pool = [references.new_reference() for _ in range(CERTIFICATES * 10)]
    draw, draws = random.Random(5), []

    def new_reference():
        draws.append(draw.choice(pool))
        return draws[-1]

    monkeypatch.setattr(service, "new_reference", new_reference)

    conversation_ids = [f"web-{n}" for n in range(CERTIFICATES)]
    issued = _issue_in_parallel(postgres_office.database_url, conversation_ids)

    assert len(issued) == CERTIFICATES and len(set(issued)) == CERTIFICATES
    assert len(draws) > CERTIFICATES  # some references collided and were drawn again
    with session_scope(postgres_office.database_url) as session:
        rows = session.execute(sa.select(Certificate.conversation_id, Certificate.reference)).all()
    assert sorted(conversation for conversation, _ in rows) == sorted(conversation_ids)
    assert sorted(reference for _, reference in rows) == sorted(issued)


def test_one_conversation_asking_many_times_at_once_gets_one_certificate(postgres_office):
    issued = _issue_in_parallel(postgres_office.database_url, ["voice-CA1"] * WORKERS)
    assert len(set(issued)) == 1
    with session_scope(postgres_office.database_url) as session:
        assert session.execute(sa.select(sa.func.count()).select_from(Certificate)).scalar_one() == 1
