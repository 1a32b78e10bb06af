"""Ledger benchmark, now part of the province benchmark (bench/run.py).

    make bench-ledger            (or: uv run python bench/ledger_bench.py [--quick] [--fresh])

Runs `bench/run.py --only export,import`: a 100 000-row ledger export (≤ 5 s) and a 10 000-row
import validation (≤ 10 s), each in its own process with its own peak RSS, on the generated
province in the bench database (see bench/generate.py).
"""

import subprocess
import sys
from pathlib import Path

if __name__ == "__main__":
    run = Path(__file__).resolve().parent / "run.py"
    sys.exit(subprocess.call([sys.executable, str(run), "--only", "export,import", *sys.argv[1:]]))
