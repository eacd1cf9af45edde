#!/usr/bin/env python
"""The adversarial-input table of docs/reliability.md: each hostile input of
saywho.testing.adversarial read and analysed in a fresh process, with its behaviour,
wall time and peak memory (the child's RSS high-water mark, ``VmHWM``).

Inputs are made in a temporary folder (the gzip bombs inflate to 1 GB but take a few MB).
The time excludes loading the model; the peak RSS includes it (see the baseline row).

    python scripts/adversarial.py
    python scripts/adversarial.py --cases gzip-bomb-warc deep-html
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

#: Run in the child: load the model, then time reading and analysing the inputs.
CHILD = """
import json, sys, time
from saywho.testing.adversarial import BY_NAME, analyse_inputs
from saywho.pipeline import Options, get_extractor
case = BY_NAME[{name!r}]
get_extractor(Options(**case.analysis))
started = time.perf_counter()
outcomes = analyse_inputs(case, {inputs!r}) if {inputs!r} else []
seconds = time.perf_counter() - started
try:
    behaviour = case.expect(outcomes) if {inputs!r} else "model loaded, nothing read"
except AssertionError as error:
    behaviour = "UNEXPECTED: " + str(error)[:300]
# The process's own high-water mark: a forked child's ru_maxrss would also count the
# parent's memory at fork time (this script holds large inputs while making them).
peak_kb = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM:"))
print(json.dumps({{"seconds": seconds, "behaviour": behaviour, "peak_rss_mb": peak_kb / 1024}}))
"""


def measure(name: str, inputs: list[str]) -> dict:
    code = CHILD.format(name=name, inputs=inputs)
    with tempfile.TemporaryFile() as out:
        process = subprocess.Popen([sys.executable, "-c", code], stdout=out, stderr=subprocess.DEVNULL, cwd=ROOT)
        status = process.wait()
        out.seek(0)
        lines = out.read().decode().strip().splitlines()
    if lines:
        return json.loads(lines[-1])
    return {"seconds": float("nan"), "behaviour": f"CRASHED (status {status})", "peak_rss_mb": float("nan")}


def main() -> int:
    from saywho.testing.adversarial import BY_NAME, CASES

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", nargs="*", default=[c.name for c in CASES], choices=list(BY_NAME))
    args = parser.parse_args()
    rows = ["| input | behaviour | time (s) | peak RSS (MB) |", "|---|---|---:|---:|"]
    baseline = measure(args.cases[0], [])
    rows.append(f"| (baseline: model loaded, no input) | | | {baseline['peak_rss_mb']:.0f} |")
    failed = False
    for name in args.cases:
        case = BY_NAME[name]
        with tempfile.TemporaryDirectory(prefix="saywho-adversarial-") as folder:
            inputs = case.make(Path(folder))
            size = sum(Path(i).stat().st_size for i in inputs)
            print(f"{name} ({size / 1e6:.1f} MB on disk) ...", file=sys.stderr, flush=True)
            started = time.perf_counter()
            result = measure(name, inputs)
            print(f"  {time.perf_counter() - started:.1f} s: {result['behaviour']}", file=sys.stderr, flush=True)
        failed |= result["behaviour"].startswith(("UNEXPECTED", "CRASHED"))
        behaviour = result["behaviour"].replace("|", "\\|").replace(folder, "…")
        rows.append(f"| {case.input} | {behaviour} | {result['seconds']:.2f} | {result['peak_rss_mb']:.0f} |")
    print("\n".join(rows))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
