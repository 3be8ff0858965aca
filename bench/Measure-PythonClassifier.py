"""ProjectScylla's own run classifier over an experiment, for bench/Measure-RunScan.ps1 -ProjectScyllaSource.

    python3 bench/Measure-PythonClassifier.py <ProjectScylla/src> <experiment> [STATUS,STATUS]

Prints how many runs have the given statuses (all runs when none are given). Run as a whole process, so the figure
includes the interpreter's start and the tool's imports, as a user's `python -m` would. Modules named in
SCYLLA_BENCH_STUB_MODULES (comma-separated) are replaced by empty ones, for a machine where a dependency the
classifier never calls is not installed.
"""
import importlib.abc
import importlib.machinery
import json
import os
import sys
import types
from pathlib import Path

STUBBED = {name for name in os.environ.get("SCYLLA_BENCH_STUB_MODULES", "").split(",") if name}


class EmptyModules(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    def find_spec(self, name, path, target=None):
        return importlib.machinery.ModuleSpec(name, self, is_package=True) if name.split(".")[0] in STUBBED else None

    def create_module(self, spec):
        module = types.ModuleType(spec.name)
        module.__path__ = []
        module.__getattr__ = lambda attribute: (lambda *args, **kwargs: None)
        return module

    def exec_module(self, module):
        pass


sys.meta_path.insert(0, EmptyModules())
sys.path.insert(0, sys.argv[1])
from scylla.e2e.rerun import _classify_run_status  # noqa: E402  (after the path is set)

experiment = Path(sys.argv[2])
wanted = set(sys.argv[3].upper().split(",")) if len(sys.argv) > 3 else None
config = json.loads((experiment / "config" / "experiment.json").read_text())
count = 0
for tier in config["tiers_to_run"]:
    tier_dir = experiment / tier
    for subtest in sorted(p.name for p in tier_dir.iterdir() if p.is_dir() and not p.name.startswith(".")):
        for run in range(1, config["runs_per_subtest"] + 1):
            status = _classify_run_status(tier_dir / subtest / f"run_{run:02d}")
            if wanted is None or status.name in wanted:
                count += 1
print(count)
