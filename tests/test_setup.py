"""The default install and run: the interpreter .venv is made with; no torch, no transformers; the NER extra
is separate."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("torch", "transformers")


def test_a_default_run_imports_neither_torch_nor_transformers(tmp_path):
    probe = ("import sys; from pipeline.cli import main; "
             f"code = main(['run', '--out', {str(tmp_path / 'out')!r}, '--quiet', '--workers', '1']); "
             f"heavy = sorted(m for m in sys.modules if m.split('.')[0] in {HEAVY!r}); "
             "print(code, heavy)")
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True)
    assert done.stdout.split() == ["0", "[]"], done.stderr[-2000:]


def test_camel_tools_is_installed_without_its_heavy_dependencies():
    requirements = (ROOT / "requirements.txt").read_text("utf-8")
    camel = next(line for line in requirements.splitlines() if line.startswith("camel-tools"))
    assert "# no-deps" in camel and "--no-deps" in (ROOT / "scripts/setup.sh").read_text("utf-8")
    assert not any(line.split("=")[0].strip() in HEAVY for line in requirements.splitlines())
    extra = (ROOT / "requirements-ner.txt").read_text("utf-8")
    assert "torch==" in extra and "transformers" in extra


def test_ci_installs_the_ner_extra_so_its_tests_run():
    assert "WITH_NER=1" in (ROOT / ".ci/run").read_text("utf-8")


def _venv_candidates(**env) -> list[str]:
    done = subprocess.run(["bash", str(ROOT / "scripts/venv_python.sh")], capture_output=True, text=True, check=True,
                          env={k: v for k, v in {**os.environ, **env}.items() if v is not None})
    return done.stdout.split()


def test_setup_makes_the_virtualenv_with_the_python_it_is_given():
    assert _venv_candidates(PYTHON="/opt/some/python3.12") == ["/opt/some/python3.12"]


def test_setup_tries_a_suitable_system_python_before_the_one_on_path():
    assert _venv_candidates(PYTHON=None, SYSTEM_PYTHON=sys.executable) == [sys.executable, "python3"]


def test_setup_passes_over_a_system_python_that_is_missing_or_unsuitable(tmp_path):
    refusing = tmp_path / "python3"
    refusing.write_text("#!/bin/sh\nexit 1\n")  # answers the version and headers check with a failure
    refusing.chmod(0o755)
    assert _venv_candidates(PYTHON=None, SYSTEM_PYTHON=str(refusing)) == ["python3"]
    assert _venv_candidates(PYTHON=None, SYSTEM_PYTHON=str(tmp_path / "absent")) == ["python3"]
