"""Command line: `python -m pipeline run | evaluate | check-data`. Thin: parses, calls the library, reports."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from pipeline.config import DATA_DIR, Settings
from pipeline.errors import ConfigError, PipelineError

EXIT_OK, EXIT_FAILURE, EXIT_USAGE = 0, 1, 2


def _settings(args) -> Settings:
    return Settings(data_dir=Path(args.data_dir), campaign=args.campaign,
                    max_file_bytes=getattr(args, "max_file_bytes", Settings.max_file_bytes),
                    cache=not getattr(args, "no_cache", False), progress=getattr(args, "progress", None),
                    ner_model=Path(args.ner_model) if getattr(args, "ner_model", None) else None,
                    geocoder_url=getattr(args, "geocoder_url", None), workers=getattr(args, "workers", None),
                    engine=getattr(args, "engine", "local"), scheduler=getattr(args, "scheduler", None))


def default_out_for(articles: Path, settings) -> Path:
    """The bundled corpus writes the bundled output; any other corpus a folder named after it, never the bundled one."""
    if articles.resolve() == settings.default_corpus.resolve():
        return settings.default_out
    out = settings.default_out.parent / (articles.stem or "corpus")
    return out if out.resolve() != settings.default_out.resolve() else out.with_name(out.name + "-corpus")


def cmd_run(args) -> int:
    from pipeline.corpus.run import run_pipeline

    settings = _settings(args)
    articles = Path(args.articles) if args.articles else settings.default_corpus
    if not articles.exists():
        raise ConfigError(f"--articles {articles} does not exist: give a folder of .txt/.html files or a .jsonl file")
    if args.manifest and not Path(args.manifest).is_file():
        raise ConfigError(f"--manifest {args.manifest} is not a file: give a CSV with columns id,published,outlet,url,title")
    if args.out is not None and not args.out.strip():
        raise ConfigError("--out is empty: give the folder to write the outputs into")
    out = Path(args.out) if args.out is not None else default_out_for(articles, settings)
    summary = run_pipeline(articles, Path(args.manifest) if args.manifest else None, out, settings)
    if not args.quiet:
        print(summary.describe())
    return EXIT_OK


def cmd_evaluate(args) -> int:
    from pipeline.evaluate import ScoringArea, errors_of_run, evaluate_run, format_errors, format_scores, run_input

    settings = _settings(args)
    events_dir = Path(args.events) if args.events else settings.default_out
    if not (events_dir / "events.csv").is_file():
        raise ConfigError(f"{events_dir} holds no events.csv: run `python -m pipeline run --out {events_dir}` first")
    if not Path(args.gold).is_file():
        raise ConfigError(f"--gold {args.gold} is not a file")
    manifest = Path(args.manifest) if args.manifest else None
    if manifest is not None and not manifest.is_file():
        raise ConfigError(f"--manifest {manifest} is not a file")
    area = ScoringArea.of(settings.load_campaign())
    scores = evaluate_run(events_dir / "events.csv", Path(args.gold), manifest, area=area)
    print(json.dumps(scores) if args.json else format_scores(scores))
    if args.errors:
        articles = Path(args.articles) if args.articles else run_input(events_dir / "events.csv", "articles")
        print()
        print(format_errors(errors_of_run(events_dir / "events.csv", Path(args.gold), manifest, articles,
                                          _number_explainer(settings), area=area)))
    return EXIT_OK


def _number_explainer(settings: Settings):
    """What the figure rules make of each number of a sentence, for the error list."""
    from pipeline.extraction.casualties import explain_numbers, load_casualty_lexicon

    lexicon = load_casualty_lexicon(settings.lexicon_dir)
    return lambda sentence: "; ".join(f"«{n}» {why}" for n, why in explain_numbers(sentence, lexicon).items())


def cmd_check_data(args) -> int:
    from pipeline.checks import check_data_files

    if args.campaign:
        _settings(args)  # an unknown campaign is a usage error, named with the known ones
    found = check_data_files(Path(args.data_dir), [args.campaign] if args.campaign else None)
    if not found:
        raise ConfigError(f"{Path(args.data_dir) / 'campaigns'} holds no campaign folder (a folder with a campaign.yaml)")
    for name, problems in found.items():
        for problem in problems:
            print(problem)
        print(f"{name}: {len(problems)} problem(s) found" if problems else f"{name}: all data files are valid.")
    return EXIT_FAILURE if any(found.values()) else EXIT_OK


def campaign_options() -> argparse.ArgumentParser:
    """The options every subcommand shares: which campaign folder, and where the data lives."""
    common = argparse.ArgumentParser(add_help=False)
    group = common.add_argument_group("campaign")
    group.add_argument("--campaign", metavar="NAME",
                       help="campaign folder under DATA_DIR/campaigns/ (default: the one DATA_DIR/campaigns/DEFAULT "
                            "names; check-data: every campaign)")
    group.add_argument("--data-dir", metavar="DIR", default=str(DATA_DIR),
                       help="folder holding lexicon/ and campaigns/ (default: the bundled data/)")
    return common


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m pipeline",
                                     description="Turn Arabic war reporting into dated, geocoded events.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    common = [campaign_options()]

    run = sub.add_parser("run", parents=common, help="extract events from a corpus and write the output files",
                         description="Extract events from a folder of .txt/.html articles or a .jsonl corpus and write "
                                     "events.csv, events.parquet, articles.csv and run.json.")
    run.add_argument("--articles", metavar="PATH",
                     help="folder of .txt/.html articles or a .jsonl file (default: the campaign's corpus/)")
    run.add_argument("--manifest", metavar="FILE", help="CSV with id,published,outlet,url,title (default: manifest.csv inside PATH if present)")
    run.add_argument("--out", metavar="DIR", help="output folder (default: data/output/<campaign> for the bundled corpus, "
                                                "data/output/<corpus folder name> for any other)")
    run.add_argument("--no-cache", action="store_true", help="re-extract every article instead of reusing cached results")
    run.add_argument("--max-file-bytes", type=int, default=Settings.max_file_bytes, metavar="N",
                     help=f"skip input files larger than N bytes (default {Settings.max_file_bytes})")
    bar = run.add_mutually_exclusive_group()
    bar.add_argument("--progress", dest="progress", action="store_true", default=None, help="always show a progress bar")
    bar.add_argument("--no-progress", dest="progress", action="store_false", help="never show a progress bar")
    run.add_argument("--quiet", action="store_true", help="print nothing on success")
    run.add_argument("--ner-model", metavar="DIR",
                     help="optional: a camel-tools NER model folder; its location names join the gazetteer's")
    run.add_argument("--geocoder-url", metavar="URL",
                     help="optional: a Nominatim server (e.g. https://nominatim.openstreetmap.org) to look up names "
                          "the gazetteer lacks; rate-limited to 1 request/s, cached, bounded to the campaign box")
    run.add_argument("--workers", type=int, metavar="N",
                     help="worker processes (default: every core); the output is the same bytes for any N")
    run.add_argument("--engine", choices=("local", "dask"), default="local",
                     help="local: processes on this machine (default); dask: tasks on a dask.distributed cluster")
    run.add_argument("--scheduler", metavar="ADDRESS",
                     help="with --engine dask: an existing scheduler (e.g. tcp://10.0.0.5:8786); default: a local "
                          "cluster of --workers processes")
    run.set_defaults(func=cmd_run)

    ev = sub.add_parser("evaluate", parents=common, help="score a run against a gold annotation file",
                        description="Score events.csv of a run against a gold JSONL file: place precision/recall/F1, "
                                    "geocoded recall, date accuracy, type accuracy, bank accuracy, figure recall/precision, "
                                    "event precision/recall/F1. With a manifest every article it lists counts.")
    ev.add_argument("--gold", required=True, metavar="FILE", help="gold JSONL (one annotated event per line)")
    ev.add_argument("--events", metavar="DIR", help="folder of a run (default: data/output/<campaign>)")
    ev.add_argument("--manifest", metavar="FILE", help="manifest CSV, for the strict date score (default: the run's own)")
    ev.add_argument("--json", action="store_true", help="print the scores as one JSON object")
    ev.add_argument("--errors", action="store_true",
                    help="after the scores, list every missed and spurious place, event, figure and date with its "
                         "article, sentence and what the extraction did there")
    ev.add_argument("--articles", metavar="DIR",
                    help="with --errors: the article folder, to show whole sentences (default: the run's own)")
    ev.set_defaults(func=cmd_evaluate)

    check = sub.add_parser("check-data", parents=common,
                           help="validate the data files of every campaign (or of --campaign NAME)",
                           description="Validate every campaign folder and the language data it is read with: "
                                       "campaign.yaml, unique ids, aliases that resolve, coordinates inside the "
                                       "campaign box, a source for every coordinate and date, map layers, the "
                                       "lexicon overlay, well-formed lexicons.")
    check.set_defaults(func=cmd_check_data)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except ConfigError as err:
        print(f"error: {err}", file=sys.stderr)
        return EXIT_USAGE
    except PipelineError as err:
        print(f"error: {err}", file=sys.stderr)
        return EXIT_FAILURE
