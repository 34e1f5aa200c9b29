import pytest

from geo.settings import SAMPLE_GPKG
from geo.store.gpkg import GpkgStore


@pytest.fixture(scope="session")
def sample():
    """The committed sample data set (read once per test session)."""
    return GpkgStore(SAMPLE_GPKG).load()
