#!/usr/bin/env python3
"""Runs build/bench/engine_bench several times and prints, per operation and
thread count, the median time and the median ratio to its raw RocksDB
ceiling. One run on a shared VM swings by 2x; the ratio within a run (the
engine and its ceiling measured a few seconds apart) is far steadier.

Usage: bench/engine_ratios.py [--runs 5] [--binary build/bench/engine_bench]
"""
import argparse
import csv
import io
import statistics
import subprocess

# engine benchmark -> its raw RocksDB ceiling (see engine_bench.cc)
PAIRS = {
    "BM_GetItem": "BM_RawGet",
    "BM_PutItem": "BM_RawPut",
    "BM_UpdateItemSet": "BM_RawGetPut",
    "BM_UpdateItemAddConditional": "BM_RawGetPut",
    "BM_Query50": "BM_RawScan50Copy",
    "BM_QueryJson50": "BM_RawScan50Copy",
    "BM_TransactWrite2": "BM_RawReadWriteBatch2",
}


def run_once(binary):
    out = subprocess.run([binary, "--benchmark_min_time=0.3", "--benchmark_format=csv"],
                         capture_output=True, text=True, check=True).stdout
    rows = list(csv.reader(io.StringIO(out[out.index("name,"):])))
    header = rows[0]
    name_at, time_at = header.index("name"), header.index("real_time")
    return {row[name_at]: float(row[time_at]) for row in rows[1:] if row}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--binary", default="build/bench/engine_bench")
    args = parser.parse_args()
    runs = [run_once(args.binary) for _ in range(args.runs)]
    print("| operation | threads | engine ns (median) | ceiling | ceiling ns (median) | ratio (median of runs) |")
    print("| --- | ---: | ---: | --- | ---: | ---: |")
    for engine, raw in PAIRS.items():
        for threads in (1, 2):
            suffix = "/real_time/threads:%d" % threads
            e = [r[engine + suffix] for r in runs]
            c = [r[raw + suffix] for r in runs]
            ratios = [a / b for a, b in zip(e, c)]
            print("| %s | %d | %.0f | %s | %.0f | %.2fx |" % (engine[3:], threads, statistics.median(e), raw[3:],
                                                           statistics.median(c), statistics.median(ratios)))


if __name__ == "__main__":
    main()
