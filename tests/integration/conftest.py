"""Run the real product (the supervisor with all three services) for integration tests."""
from __future__ import annotations

from typing import List

import pytest

from support.stack import ROOT, START_TIMEOUT, TEST_PORTS, ServiceStack  # noqa: F401  (re-exported for tests)


@pytest.fixture
def service_stack_factory():
    stacks: List[ServiceStack] = []

    def make(database_url: str, **extra_env: str) -> ServiceStack:
        stack = ServiceStack(database_url, **extra_env)
        stacks.append(stack)
        return stack

    yield make
    for stack in stacks:
        stack.stop()


@pytest.fixture(scope="session")
def running_stack(tmp_path_factory):
    """One stack (on its own SQLite file) shared by the conversation tests of a run."""
    database = tmp_path_factory.mktemp("stack") / "conversations.db"
    # Its own ports, so tests that start and stop their own stacks can run beside it.
    stack = ServiceStack(f"sqlite:///{database}", RASA_PORT="16005", ACTION_SERVER_PORT="16055", WEB_PORT="19000",
                         PUBLIC_BASE_URL="http://localhost:19000").start()
    yield stack
    stack.stop()
