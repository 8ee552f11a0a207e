#!/usr/bin/env python3
"""Medians of JMH iteration scores, from a JSON result file (-rf json -rff FILE).

These 2-core virtual machines are noisy (single iterations vary up to 2x), so the notes quote the
median iteration with its spread (min..max) rather than JMH's mean and confidence interval.

Usage: python3 scripts/jmh_medians.py result.json
"""
import json
import statistics
import sys


def main(path):
    for run in json.load(open(path)):
        name = run["benchmark"].rsplit(".", 2)
        params = ",".join(f"{k}={v}" for k, v in sorted(run.get("params", {}).items()))
        scores = [s for fork in run["primaryMetric"]["rawData"] for s in fork]
        unit = run["primaryMetric"]["scoreUnit"]
        alloc = run.get("secondaryMetrics", {}).get("gc.alloc.rate.norm", {}).get("score")
        line = f"{name[-2]}.{name[-1]:<28} {params:<40} median {statistics.median(scores):>12.3f} {unit}" \
               f"  (min {min(scores):.3f}, max {max(scores):.3f}, n={len(scores)})"
        if alloc is not None:
            line += f"  alloc {alloc:.3f} B/op"
        print(line)


if __name__ == "__main__":
    main(sys.argv[1])
