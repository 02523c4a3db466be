#!/usr/bin/env python3
"""Turns a JMH result file into the README's markdown table.

    java -jar bench/target/benchmarks.jar -prof gc -rf json -rff results.json
    python3 bench/table.py results.json [--pytorch pytorch.json] > table.md

One row per workload: eager, compiled, hand-written, peers, compiled/hand-written,
eager/compiled, and allocated bytes per call (JMH's gc.alloc.rate.norm, present when the run
used -prof gc). Every number is the median over forks of each fork's mean: about one JMH fork
in eight loses vectorisation, and the median ignores it. Compile latency gets its own table.
With --pytorch (the --json output of bench/pytorch/bench.py), PyTorch's times join the rows.
Plain python3, no dependencies.
"""

import argparse
import json
import re
import statistics
import sys

# Rows in this order; anything else follows, alphabetically.
ORDER = ["seed_neuron", "sum_sin_square", "mean_square", "logistic_regression", "mlp", "tanh_recurrence"]
JGRAD = {"eager": "eager", "compiled": "compiled", "handWritten": "hand-written",
         "compiled+vector": "compiled (vector)", "handWritten+vector": "hand-written (vector)"}
TO_NS = {"ns/op": 1.0, "us/op": 1e3, "ms/op": 1e6, "s/op": 1e9}


def snake(camel):
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", camel).lower()


def workload_of(benchmark, params):
    """io.jgrad.bench.LogisticRegressionJgradBench.eager, {shape: 256x32}
    -> ("logistic_regression[shape=256x32]", "eager", "LogisticRegressionJgradBench")."""
    cls, method = benchmark.rsplit(".", 2)[-2:]
    base = re.sub(r"(Jgrad|Peers)?(Vector)?Bench$", "", cls)
    if cls.endswith("VectorBench"):  # the same benchmark in a JVM with jdk.incubator.vector (issue 13)
        method += "+vector"
    label = snake(base)
    if params:
        label += "[" + ",".join(f"{k}={v}" for k, v in params.items()) + "]"
    return label, method, cls


def median_over_forks(raw):
    """rawData is one list of iteration scores per fork."""
    per_fork = [statistics.fmean(fork) for fork in raw if fork]
    return statistics.median(per_fork) if per_fork else None


def fmt_time(ns):
    if ns is None:
        return "—"
    for unit, scale in (("ns", 1), ("µs", 1e3), ("ms", 1e6), ("s", 1e9)):
        if ns < 1000 * scale or unit == "s":
            v = ns / scale
            return f"{v:.3g} {unit}" if v < 100 else f"{v:.0f} {unit}"


def fmt_bytes(b):
    if b is None:
        return "—"
    if b < 0.5:
        return "0"
    for unit, scale in (("B", 1), ("kB", 1e3), ("MB", 1e6), ("GB", 1e9)):
        if b < 1000 * scale or unit == "GB":
            v = b / scale
            return f"{v:.3g} {unit}" if v < 100 else f"{v:.0f} {unit}"


def ratio(a, b):
    return f"{a / b:.2f}×" if a is not None and b else "—"


def sort_key(label):
    base = label.split("[")[0]
    rank = ORDER.index(base) if base in ORDER else len(ORDER)
    # natural order of the parameters: n=3 before n=1000
    params = [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", label[len(base):])]
    return rank, base, params


def main():
    ap = argparse.ArgumentParser(description="JMH result JSON -> markdown table")
    ap.add_argument("results", help="JMH output of -rf json -rff FILE")
    ap.add_argument("--pytorch", metavar="FILE", help="the --json output of bench/pytorch/bench.py")
    args = ap.parse_args()

    with open(args.results) as f:
        results = json.load(f)
    pytorch = {}
    if args.pytorch:
        with open(args.pytorch) as f:
            pytorch = json.load(f).get("seconds_per_call", {})

    rows = {}     # workload -> variant -> (ns, bytes per op)
    compile = {}  # workload -> {"warm": ns, "cold": ns}
    for r in results:
        label, method, cls = workload_of(r["benchmark"], r.get("params") or {})
        metric = r["primaryMetric"]
        unit = metric["scoreUnit"]
        if unit not in TO_NS:
            print(f"table.py: skipping {r['benchmark']}: unit {unit} is not a time per op", file=sys.stderr)
            continue
        ns = median_over_forks(metric["rawData"])
        ns = ns * TO_NS[unit] if ns is not None else None
        alloc = None
        for key, secondary in (r.get("secondaryMetrics") or {}).items():
            if key.lstrip("·") == "gc.alloc.rate.norm":
                alloc = median_over_forks(secondary["rawData"])
        if cls.startswith("CompileLatency"):
            kind = "cold" if "Cold" in cls else "warm"
            compile.setdefault(snake(method), {})[kind] = ns
        else:
            rows.setdefault(label, {})[method] = (ns, alloc)

    header = ["workload", "eager", "compiled", "hand-written", "compiled (vector)", "peers", "compiled/hand-written",
              "compiled (vector)/hand-written", "eager/compiled", "B/op eager · compiled · hand-written · compiled (vector)"]
    with_pytorch = bool(pytorch)
    if with_pytorch:
        header[6:6] = ["pytorch eager", "pytorch jit.trace"]
    print("| " + " | ".join(header) + " |")
    print("|" + "|".join("---" for _ in header) + "|")
    for label in sorted(set(rows) | (set(pytorch) if with_pytorch else set()), key=sort_key):
        variants = rows.get(label, {})
        t = {v: variants.get(m, (None, None))[0] for m, v in JGRAD.items()}
        b = {v: variants.get(m, (None, None))[1] for m, v in JGRAD.items()}
        peers = ", ".join(f"{m} {fmt_time(ns)} ({fmt_bytes(alloc)}/op)" if alloc is not None else f"{m} {fmt_time(ns)}"
                          for m, (ns, alloc) in sorted(variants.items()) if m not in JGRAD) or "—"
        cells = [label, fmt_time(t["eager"]), fmt_time(t["compiled"]), fmt_time(t["hand-written"]),
                 fmt_time(t["compiled (vector)"]), peers,
                 ratio(t["compiled"], t["hand-written"]), ratio(t["compiled (vector)"], t["hand-written"]),
                 ratio(t["eager"], t["compiled"]),
                 " · ".join(fmt_bytes(b[v]) for v in ("eager", "compiled", "hand-written", "compiled (vector)"))]
        if with_pytorch:
            pt = pytorch.get(label, {})
            cells[6:6] = [fmt_time(pt["eager"] * 1e9 if pt.get("eager") is not None else None),
                          fmt_time(pt["jit"] * 1e9 if pt.get("jit") is not None else None)]
        print("| " + " | ".join(cells) + " |")
    print()
    print("Times: median over forks of each fork's mean. compiled/hand-written > 1: the compiled code is slower "
          "than the hand-written bar; eager/compiled: what compiling buys over eager.")

    if compile:
        print()
        print("| compile latency | warm (compiler JIT-compiled) | cold (first compile in a fresh JVM) |")
        print("|---|---|---|")
        for name in sorted(compile, key=sort_key):
            c = compile[name]
            print(f"| {name} | {fmt_time(c.get('warm'))} | {fmt_time(c.get('cold'))} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
