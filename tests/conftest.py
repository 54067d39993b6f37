import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.config import Settings  # noqa: E402


@pytest.fixture(scope="session")
def settings() -> Settings:
    return Settings()


@pytest.fixture(scope="session")
def campaign(settings):
    """The default campaign (data/campaigns/mosul), loaded."""
    return settings.load_campaign()


@pytest.fixture(scope="session")
def lexicon_dir(settings) -> Path:
    return settings.lexicon_dir


@pytest.fixture(scope="session")
def seed_corpus(settings) -> Path:
    return settings.default_corpus
