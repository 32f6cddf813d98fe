"""Lambda asset benchmark: what CDK local bundling builds, and the alternative of bundling Powertools.

Builds the monitor and Slack assets exactly as `infra/bundling.py` does for `cdk deploy` (pip for
manylinux2014 aarch64 / cp312, binary wheels only, plus pgdrift/ and lambdas/), and, for
comparison, the monitor asset with Powertools (tracer, parser) bundled instead of taken from its
public layer. Prints median build time (pip's wheel cache warm after the first round), unzipped
and zipped size, and the ratios. The unzipped budget is 15 MB (the monitor issue's figure).

    python -m bench.bench_asset [--repeat 3]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
import zipfile
from pathlib import Path

from infra.assets import ROOT, build_asset_directory, directory_size

BUDGET_BYTES = 15 * 1024 * 1024
MONITOR = ROOT / "lambdas" / "monitor" / "requirements.txt"
SLACK = ROOT / "lambdas" / "slack_notifier" / "requirements.txt"
POWERTOOLS = "aws-lambda-powertools[tracer,parser]>=3.0,<4"


def zipped_size(folder: Path) -> int:
    archive = folder.with_suffix(".zip")
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as bundle:
        for file in sorted(folder.rglob("*")):
            if file.is_file():
                bundle.write(file, file.relative_to(folder))
    return archive.stat().st_size


def measure(requirements: Path, repeat: int) -> tuple[float, int, int]:
    """Median build seconds, unzipped bytes, zipped bytes."""
    timings = []
    with tempfile.TemporaryDirectory() as work:
        for round_number in range(repeat):
            output = Path(work) / f"asset{round_number}"
            started = time.perf_counter()
            build_asset_directory(requirements, output)
            timings.append(time.perf_counter() - started)
        return statistics.median(timings), directory_size(output), zipped_size(output)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    arguments, _ = parser.parse_known_args()
    with tempfile.TemporaryDirectory() as work:
        bundled_powertools = Path(work) / "requirements.txt"
        bundled_powertools.write_text(MONITOR.read_text() + f"\n{POWERTOOLS}\n")
        rows = {
            "monitor (Powertools from public layer, shipped)": measure(MONITOR, arguments.repeat),
            "monitor (Powertools bundled, alternative)": measure(bundled_powertools, arguments.repeat),
            "slack notifier (shipped)": measure(SLACK, arguments.repeat),
        }
    print(f"{'asset':52} {'build s (median)':>17} {'unzipped MB':>12} {'zipped MB':>10} {'of budget':>10}")
    for name, (seconds, unzipped, zipped) in rows.items():
        print(f"{name:52} {seconds:17.2f} {unzipped / 1e6:12.2f} {zipped / 1e6:10.2f} "
              f"{unzipped / BUDGET_BYTES:10.0%}")
    shipped = rows["monitor (Powertools from public layer, shipped)"]
    alternative = rows["monitor (Powertools bundled, alternative)"]
    print(f"bundling Powertools makes the monitor asset {alternative[1] / shipped[1]:.1f}x larger unzipped, "
          f"{alternative[2] / shipped[2]:.1f}x zipped, and builds {alternative[0] / shipped[0]:.1f}x slower")
    over = [name for name, (_, unzipped, _) in rows.items() if unzipped >= BUDGET_BYTES and "shipped" in name]
    if over:
        print(f"OVER BUDGET: {', '.join(over)}")
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
