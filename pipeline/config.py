"""Settings in one object, with every default in one place; paths resolve from the package."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pipeline.errors import ConfigError

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DATA_DIR = PROJECT_ROOT / "data"
DEFAULT_FILE = "DEFAULT"
"""data/campaigns/DEFAULT names the campaign a command reads when --campaign is not given."""


def default_campaign(data_dir: Path) -> str:
    """The campaign named in data_dir/campaigns/DEFAULT, else the only campaign folder there."""
    from pipeline.campaign import campaign_names

    root = Path(data_dir) / "campaigns"
    try:
        return (root / DEFAULT_FILE).read_text(encoding="utf-8").strip()
    except OSError:
        folders = campaign_names(data_dir)
        if len(folders) == 1:
            return folders[0]
        raise ConfigError(f"give --campaign NAME: {root} holds {len(folders)} campaign folders and no {DEFAULT_FILE} "
                          "file naming the default") from None


@dataclass(frozen=True)
class Settings:
    """Everything a run may change; stages receive what they need from it."""

    data_dir: Path = DATA_DIR
    """Root of the data files (lexicons, campaigns, bundled corpus)."""
    campaign: str | None = None
    """Campaign folder under data/campaigns/ (gazetteer, calendar, river, map layers; its language);
    None: the one data/campaigns/DEFAULT names."""
    max_file_bytes: int = 2_000_000
    """Input files above this size are reported as too_large, not read."""
    cache: bool = True
    """Reuse per-article results keyed by content hash and code/data versions."""
    cache_dir: Path | None = None
    """Where cached per-article results live; default: <out>/.cache."""
    progress: bool | None = None
    """Show a progress bar; None means only when stderr is a terminal."""
    ner_model: Path | None = None
    """Folder of a camel-tools NER model: its location proposals join the gazetteer's mentions (off when None)."""
    geocoder_url: str | None = None
    """A Nominatim server (e.g. https://nominatim.openstreetmap.org): toponyms the gazetteer lacks are
    looked up there, rate-limited, cached and bounded to the campaign box (off when None)."""
    geocoder_user_agent: str = "arabic-event-map"
    workers: int | None = None
    """Worker processes for extraction; None means every core."""
    engine: str = "local"
    """`local` (this machine's processes) or `dask` (a dask.distributed cluster)."""
    scheduler: str | None = None
    """Address of an existing Dask scheduler; None starts a local cluster (engine `dask` only)."""
    batch_size: int = 32
    """Articles per unit of work sent to a worker; memory holds a few batches per worker, not the corpus."""

    def __post_init__(self):
        object.__setattr__(self, "data_dir", Path(self.data_dir))
        if self.campaign is None:
            object.__setattr__(self, "campaign", default_campaign(self.data_dir))
        if self.ner_model is not None and not Path(self.ner_model).is_dir():
            raise ConfigError(f"ner_model {self.ner_model} is not a folder holding a camel-tools NER model")
        if self.geocoder_url is not None and not self.geocoder_url.startswith(("http://", "https://")):
            raise ConfigError(f"geocoder_url must start with http:// or https://, got {self.geocoder_url!r}")
        if self.workers is not None and self.workers < 1:
            raise ConfigError(f"workers must be 1 or more, got {self.workers}")
        if self.engine not in ("local", "dask"):
            raise ConfigError(f"engine must be local or dask, got {self.engine!r}")
        if self.scheduler is not None and self.engine != "dask":
            raise ConfigError("a scheduler address needs engine dask (--engine dask --scheduler ADDRESS)")
        if self.batch_size < 1:
            raise ConfigError(f"batch_size must be 1 or more, got {self.batch_size}")
        if self.max_file_bytes <= 0:
            raise ConfigError(f"max_file_bytes must be positive, got {self.max_file_bytes}")
        if not self.campaign_dir.is_dir():
            from pipeline.campaign import campaign_names

            known = ", ".join(campaign_names(self.data_dir)) or "none"
            raise ConfigError(f"campaign {self.campaign!r}: {self.campaign_dir} does not exist (campaigns: {known})")

    def load_campaign(self):
        """The validated Campaign of this run (pipeline.campaign.Campaign), loaded once."""
        from pipeline.campaign import load_campaign

        return load_campaign(self.campaign_dir, self.data_dir)

    @property
    def lexicon_dir(self) -> Path:
        """The language folder of the campaign (campaign.yaml `language`)."""
        return self.load_campaign().lexicon_dir

    @property
    def campaign_dir(self) -> Path:
        return self.data_dir / "campaigns" / self.campaign

    @property
    def default_corpus(self) -> Path:
        return self.campaign_dir / "corpus"

    @property
    def default_out(self) -> Path:
        return self.data_dir / "output" / self.campaign
