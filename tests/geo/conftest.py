import pytest

from geo.settings import SAMPLE_STORE_URL
from geo.store import open_store


@pytest.fixture(scope="session")
def sample():
    """The committed sample data set (read once per test session)."""
    return open_store(SAMPLE_STORE_URL).load().dataset
