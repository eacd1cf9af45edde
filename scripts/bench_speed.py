"""Speed benchmark (not a test): articles per second on BBC News, end to end.

Two measurements, each repeated and reported as medians because the machine is shared:

1. **saywho vs bare spaCy**, in one process with the same loaded model: saywho's
   ``Extractor.analyse_many`` (clean, parse, attributions, speakers, dates, and
   ``Article.to_dict`` + JSON encoding, as the CLI writes it) against
   ``nlp.pipe`` over the same texts doing nothing else. Runs alternate order so
   drift hits both. Ratio = bare time / saywho time (1.0 = no overhead over parsing).
2. **--jobs 1 vs --jobs 2**, each a fresh process, wall clock from launch to exit
   (interpreter start and model load included, as a user sees it). Uses the real
   ``saywho extract`` command when it exists (``--via``), else
   ``analyse_parallel`` in a child process. Peak resident memory is reported per process (Linux, from
   ``/proc/PID/status`` VmHWM, sampled while it runs) and for the largest process
   of the run (``wait4`` rusage, any POSIX system).

    python scripts/bench_speed.py                      # 200 articles, 3 repeats
    python scripts/bench_speed.py --all --repeats 3    # all 2,225 articles
    python scripts/bench_speed.py --json bench.json    # also write the figures

Inputs are spread evenly over the sorted file list (every k-th file), so a subset
covers all five topics.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DEFAULT_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "bbc-news"
DEFAULT_LIMIT = 200
#: Articles run once through both systems before timing (model warm-up, lazy imports).
WARMUP_ARTICLES = 20
#: How often (seconds) the memory sampler reads /proc while a run goes on.
SAMPLE_EVERY = 0.05


def pick_articles(folder: Path, limit: int | None) -> list[Path]:
    paths = sorted(p for p in folder.glob("*/*.txt"))
    if not paths:
        sys.exit(f"error: {folder}: no */*.txt articles (expected the bbc-news layout)")
    if limit is None or limit >= len(paths):
        return paths
    step = len(paths) / limit
    return [paths[int(i * step)] for i in range(limit)]


def read_texts(paths: list[Path]) -> list[str]:
    return [p.read_text(encoding="utf-8") for p in paths]


# --- 1. saywho vs bare nlp.pipe, same process, same model ---------------------


def time_saywho(extractor, paths: list[Path], texts: list[str]) -> float:
    from saywho.models import Document

    documents = (Document(input=str(p), text=t) for p, t in zip(paths, texts))
    started = time.perf_counter()
    for article in extractor.analyse_many(documents):
        json.dumps(article.to_dict(), ensure_ascii=False)
    return time.perf_counter() - started


def time_bare(nlp, texts: list[str]) -> float:
    started = time.perf_counter()
    for _ in nlp.pipe(texts):
        pass
    return time.perf_counter() - started


def bench_in_process(paths: list[Path], repeats: int) -> dict:
    from saywho.pipeline import Extractor, Options

    # The rules engine: what the documented ratio to bare nlp.pipe measures (docs/benchmarks.md).
    extractor = Extractor(Options(engine="rules"))
    nlp = extractor.nlp  # the very pipeline saywho parses with
    texts = read_texts(paths)
    time_saywho(extractor, paths[:WARMUP_ARTICLES], texts[:WARMUP_ARTICLES])
    time_bare(nlp, texts[:WARMUP_ARTICLES])
    ours, bare = [], []
    for repeat in range(repeats):
        order = ("ours", "bare") if repeat % 2 == 0 else ("bare", "ours")
        for which in order:
            if which == "ours":
                ours.append(time_saywho(extractor, paths, texts))
            else:
                bare.append(time_bare(nlp, texts))
        print(f"  repeat {repeat + 1}: saywho {ours[-1]:.1f} s, nlp.pipe {bare[-1]:.1f} s", file=sys.stderr)
    n = len(paths)
    return {
        "model": f"{nlp.meta.get('name')} {nlp.meta.get('version')}",
        "articles": n,
        "saywho_seconds": ours,
        "bare_seconds": bare,
        "saywho_articles_per_second": round(n / statistics.median(ours), 2),
        "bare_articles_per_second": round(n / statistics.median(bare), 2),
        "ratio_of_medians": round(statistics.median(bare) / statistics.median(ours), 3),
        "median_of_ratios": round(statistics.median(b / o for b, o in zip(bare, ours)), 3),
        "peak_rss_mib": round(_self_peak_rss_mib(), 1),
    }


# --- 2. --jobs 1 vs --jobs 2, fresh processes ---------------------------------


def saywho_cli() -> list[str] | None:
    """The ``saywho`` command next to this interpreter, if it has an ``extract`` command."""
    command = Path(sys.executable).with_name("saywho")
    if not command.exists():
        return None
    probe = subprocess.run([str(command), "extract", "--help"], capture_output=True, text=True)
    return [str(command), "extract"] if probe.returncode == 0 else None


def jobs_command(jobs: int, paths_file: Path, out: Path, cli: list[str] | None) -> list[str]:
    paths = paths_file.read_text(encoding="utf-8").split("\n")
    if cli is not None:
        return [*cli, "--quiet", "--jobs", str(jobs), "--output", str(out), *paths]
    return [sys.executable, __file__, "--worker-jobs", str(jobs), "--paths-file", str(paths_file), "--out", str(out)]


def run_worker(jobs: int, paths_file: Path, out: Path) -> None:
    """Child-process mode: analyse the listed files with ``jobs`` processes, write JSON lines."""
    from saywho.models import Document
    from saywho.pipeline import Options, analyse_parallel

    paths = [Path(p) for p in paths_file.read_text(encoding="utf-8").split("\n") if p]
    documents = (Document(input=str(p), text=p.read_text(encoding="utf-8")) for p in paths)
    with out.open("w", encoding="utf-8") as handle:
        for article in analyse_parallel(documents, Options(engine="rules"), jobs):
            handle.write(json.dumps(article.to_dict(), ensure_ascii=False) + "\n")


def _descendants(pid: int) -> list[int]:
    found, queue = [], [pid]
    while queue:
        current = queue.pop()
        found.append(current)
        for task in Path(f"/proc/{current}/task").glob("*/children"):
            try:
                queue += [int(c) for c in task.read_text().split()]
            except OSError:
                continue
    return found


def _peak_rss_kib(pid: int) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def measured_run(command: list[str]) -> dict:
    """Run ``command``; wall time, per-process peak RSS (Linux) and the run's largest peak RSS."""
    sample = Path("/proc/self/status").exists()
    with tempfile.TemporaryFile() as errors:
        started = time.perf_counter()
        # Reaped with os.wait4 (not Popen.wait) to get the run's resource usage.
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=errors)
        peaks: dict[int, int] = {}
        while True:
            if sample:
                for pid in _descendants(process.pid):
                    kib = _peak_rss_kib(pid)
                    if kib:
                        peaks[pid] = max(peaks.get(pid, 0), kib)
            done, status, usage = os.wait4(process.pid, os.WNOHANG)
            if done:
                break
            time.sleep(SAMPLE_EVERY)
        wall = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        errors.seek(0)
        stderr = errors.read().decode(errors="replace")
    if process.returncode != 0:
        sys.exit(f"error: {' '.join(command[:4])} … exited {process.returncode}:\n{stderr[-2000:]}")
    # ru_maxrss is KiB on Linux, bytes on macOS; it covers the child and its reaped children.
    largest = usage.ru_maxrss / (1024 * 1024 if platform.system() == "Darwin" else 1024)
    return {
        "seconds": wall,
        "largest_process_peak_rss_mib": round(largest, 1),
        "per_process_peak_rss_mib": sorted((round(k / 1024, 1) for k in peaks.values()), reverse=True),
    }


def bench_jobs(paths: list[Path], repeats: int, via: str, jobs_options: tuple[int, ...] = (1, 2)) -> dict:
    cli = saywho_cli() if via != "library" else None
    if via == "cli" and cli is None:
        sys.exit("error: --via cli: no working `saywho extract` next to this interpreter")
    results: dict[int, list[dict]] = {jobs: [] for jobs in jobs_options}
    with tempfile.TemporaryDirectory(prefix="saywho-bench-") as tmp:
        paths_file = Path(tmp) / "paths.txt"
        paths_file.write_text("\n".join(str(p) for p in paths), encoding="utf-8")
        out = Path(tmp) / "out.jsonl"
        for repeat in range(repeats):
            order = jobs_options if repeat % 2 == 0 else tuple(reversed(jobs_options))
            for jobs in order:
                run = measured_run(jobs_command(jobs, paths_file, out, cli))
                lines = sum(1 for _ in out.open(encoding="utf-8")) if out.exists() else 0
                if lines != len(paths):
                    sys.exit(f"error: --jobs {jobs} wrote {lines} records for {len(paths)} articles")
                results[jobs].append(run)
                print(f"  repeat {repeat + 1}: --jobs {jobs} {run['seconds']:.1f} s", file=sys.stderr)
    summary: dict = {"command": "saywho extract" if cli else "analyse_parallel (saywho extract not available)"}
    for jobs, runs in results.items():
        seconds = [r["seconds"] for r in runs]
        summary[f"jobs_{jobs}"] = {
            "seconds": [round(s, 2) for s in seconds],
            "articles_per_second": round(len(paths) / statistics.median(seconds), 2),
            "largest_process_peak_rss_mib": max(r["largest_process_peak_rss_mib"] for r in runs),
            "per_process_peak_rss_mib": max((r["per_process_peak_rss_mib"] for r in runs), key=len),
        }
    if 1 in results and 2 in results:
        one = [r["seconds"] for r in results[1]]
        two = [r["seconds"] for r in results[2]]
        summary["speedup_of_medians"] = round(statistics.median(one) / statistics.median(two), 3)
        summary["median_of_speedups"] = round(statistics.median(a / b for a, b in zip(one, two)), 3)
    return summary


def _self_peak_rss_mib() -> float:
    import resource

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024 if platform.system() == "Darwin" else 1024)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="bbc-news folder (topic/NNN.txt)")
    parser.add_argument("--limit", type=int, default=DEFAULT_LIMIT, help="articles to use (spread over topics)")
    parser.add_argument("--all", action="store_true", help="use every article (2,225)")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--skip-jobs", action="store_true", help="only saywho vs nlp.pipe")
    parser.add_argument("--skip-pipe", action="store_true", help="only --jobs 1 vs --jobs 2")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument(
        "--via",
        choices=("auto", "cli", "library"),
        default="auto",
        help="jobs runs through `saywho extract` (cli), analyse_parallel in a child (library), or cli if present (auto)",
    )
    parser.add_argument("--worker-jobs", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--paths-file", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker_jobs:
        run_worker(args.worker_jobs, args.paths_file, args.out)
        return
    if not args.data.is_dir():
        sys.exit(f"error: {args.data}: not found (the bbc-news data set lives in ../shared/data/bbc-news)")
    paths = pick_articles(args.data, None if args.all else args.limit)
    report: dict = {
        "articles": len(paths),
        "repeats": args.repeats,
        "cpus": os.cpu_count(),
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        "python": platform.python_version(),
    }
    # Jobs first, while this process is small: a child forked from a large process
    # inherits its peak RSS figure (Linux keeps it across exec), which would spoil wait4's.
    if not args.skip_jobs:
        print(f"--jobs 1 vs --jobs 2 on {len(paths)} articles …", file=sys.stderr)
        report["jobs"] = bench_jobs(paths, args.repeats, args.via)
    if not args.skip_pipe:
        print(f"saywho vs nlp.pipe on {len(paths)} articles …", file=sys.stderr)
        report["in_process"] = bench_in_process(paths, args.repeats)
    report["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    text = json.dumps(report, indent=2)
    print(text)
    if args.json:
        tmp = args.json.with_suffix(args.json.suffix + ".tmp")
        tmp.write_text(text + "\n", encoding="utf-8")
        os.replace(tmp, args.json)


if __name__ == "__main__":
    main()
