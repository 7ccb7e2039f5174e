"""A local fake HTTP API for connector tests, and its pytest fixture `fake_api`.

Test modules load the fixture with `pytest_plugins = ("tests.fakeapi",)`. PYTEST_DONT_REWRITE:
this package holds no test asserts, and test modules import it before pytest loads it as a plugin.
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
