"""A local fake HTTP API for connector tests, and its pytest fixture.

Test modules import the fixture: `from tests.fakeapi import fake_api  # noqa: F401`.
"""

from collections.abc import Iterator

import pytest

from tests.fakeapi.server import FakeApi, Reply, Request

__all__ = ["FakeApi", "Reply", "Request", "fake_api"]


@pytest.fixture
def fake_api() -> Iterator[FakeApi]:
    """A running fake API, closed after the test."""
    with FakeApi() as fake:
        yield fake
