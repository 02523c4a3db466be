#!/usr/bin/env python3
"""Times jgrad's benchmark workloads in PyTorch: eager autograd and torch.jit.trace.

Same workloads, shapes, dtype (float32) and workload names as the JMH suite in bench/
(see bench/README-bench.md); one thread; the time of one value-and-gradient step
(zero the gradients, forward, backward), as the median over repeated runs.

    /usr/bin/python3 bench/pytorch/bench.py                      # everything, ~3 minutes
    /usr/bin/python3 bench/pytorch/bench.py --quick              # a smoke run, seconds
    /usr/bin/python3 bench/pytorch/bench.py --filter logistic --json pytorch.json
    /usr/bin/python3 bench/pytorch/bench.py --filter mlp_hvp     # the MLP loss's Hessian-vector product

The data are drawn from the same distributions as the Java suite's (not the same numbers:
those come from Java's SplittableRandom); the times do not depend on the exact values.
Exits 0 with a message when PyTorch is not installed.
"""

import argparse
import json
import math
import re
import statistics
import sys
import time

try:
    import torch
except ImportError:
    print("bench.py: PyTorch is not installed, so there is nothing to time.\n"
          "  Install it with: apt-get install -y python3-torch   (then run with /usr/bin/python3)")
    sys.exit(0)

CLAMP_LO, CLAMP_HI = 1e-8, 1 - 1e-8  # the seeds' clamp; in float32 the upper bound rounds to 1.0


# ---------------------------------------------------------------- the workloads, as in Models.java

def clamped_bce(p, y):
    pc = torch.clamp(p, CLAMP_LO, CLAMP_HI)
    return -(y * torch.log(pc) + (1 - y) * torch.log(1 - pc))


def seed_neuron(w, b, x, y):
    return clamped_bce(torch.sigmoid(w * x + b), y)


def sum_sin_square(x):
    return torch.sin(x * x).sum()


def mean_square(x):
    return (x * x).mean()


def logistic_regression(w, b, X, y):
    return clamped_bce(torch.sigmoid(X @ w + b), y).mean()


def mlp(W1, b1, W2, b2, X, T):
    hidden = torch.tanh(X @ W1 + b1)
    logits = hidden @ W2 + b2
    return -(T * torch.log_softmax(logits, 1)).sum(1).mean()


def tanh_recurrence(a, b, steps=1000):
    h = torch.zeros(())
    for _ in range(steps):
        h = torch.tanh(a * h + b)
    return h


def uniform(lo, hi, *shape):
    return torch.empty(*shape).uniform_(lo, hi)


def one_hot_rows(rows, classes):
    t = torch.zeros(rows, classes)
    t[torch.arange(rows), torch.randint(classes, (rows,))] = 1
    return t


def param(t):
    return t.clone().requires_grad_(True)


def workloads():
    """(name, function, differentiated inputs, other inputs), in the order of the JMH suite."""
    out = [("seed_neuron", seed_neuron,
            [param(torch.tensor(1.0)), param(torch.tensor(0.0))],
            [torch.tensor(6.7), torch.tensor(0.0)])]
    for n in (3, 1000, 1000000):
        out.append((f"sum_sin_square[n={n}]", sum_sin_square, [param(uniform(-2, 2, n))], []))
    for n in (3, 1000, 1000000):
        out.append((f"mean_square[n={n}]", mean_square, [param(uniform(-2, 2, n))], []))
    for batch, features in ((256, 32), (4096, 64)):
        out.append((f"logistic_regression[shape={batch}x{features}]", logistic_regression,
                    [param(uniform(-0.5, 0.5, features)), param(torch.tensor(0.1))],
                    [uniform(-1, 1, batch, features), torch.bernoulli(torch.full((batch,), 0.5))]))
    batch, n_in, hidden, n_out = 64, 784, 128, 10
    s1, s2 = 1 / math.sqrt(n_in), 1 / math.sqrt(hidden)
    out.append((f"mlp[shape={batch}x{n_in}x{hidden}x{n_out}]", mlp,
                [param(uniform(-s1, s1, n_in, hidden)), param(uniform(-0.1, 0.1, hidden)),
                 param(uniform(-s2, s2, hidden, n_out)), param(uniform(-0.1, 0.1, n_out))],
                [uniform(0, 1, batch, n_in), one_hot_rows(batch, n_out)]))
    out.append(("tanh_recurrence[steps=1000]", tanh_recurrence,
                [param(torch.tensor(0.9)), param(torch.tensor(0.2))], []))
    return out


# ---------------------------------------------------------------- timing

def make_step(fn, params, data):
    def step():
        for p in params:
            if p.grad is not None:
                p.grad.zero_()
        loss = fn(*params, *data)
        loss.backward()
        return loss
    return step


def time_step(step, warmup_s, warmup_calls, runs, run_s):
    """Median seconds per call over `runs` runs of about `run_s` seconds each."""
    deadline = time.perf_counter() + warmup_s
    calls = 0
    # At least warmup_calls: the JIT's profiling executor optimises a graph only after a few runs.
    while calls < warmup_calls or time.perf_counter() < deadline:
        step()
        calls += 1
    t0 = time.perf_counter()
    step()
    once = max(time.perf_counter() - t0, 1e-7)
    per_run = max(1, int(run_s / once))
    samples = []
    for _ in range(runs):
        t0 = time.perf_counter()
        for _ in range(per_run):
            step()
        samples.append((time.perf_counter() - t0) / per_run)
    return statistics.median(samples)


def fmt(seconds):
    if seconds is None:
        return "—"
    ns = seconds * 1e9
    for unit, scale in (("ns", 1), ("µs", 1e3), ("ms", 1e6), ("s", 1e9)):
        if ns < 1000 * scale or unit == "s":
            v = ns / scale
            return f"{v:.3g} {unit}" if v < 100 else f"{v:.0f} {unit}"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--filter", default="", help="regex on workload names")
    ap.add_argument("--quick", action="store_true", help="tiny warm-up and runs: proves it works, times nothing")
    ap.add_argument("--runs", type=int, default=15, help="timed runs per variant (median reported)")
    ap.add_argument("--json", metavar="FILE", help="also write {workload: {eager: s, jit: s}} for bench/table.py")
    args = ap.parse_args()
    warmup_s, warmup_calls, runs, run_s = (0.0, 2, 3, 0.001) if args.quick else (1.0, 20, args.runs, 0.1)

    torch.set_num_threads(1)
    torch.manual_seed(0)
    print(f"PyTorch {torch.__version__}, float32, {torch.get_num_threads()} thread; "
          f"median of {runs} runs per variant", flush=True)

    results = {}
    rows = []
    for name, fn, params, data in workloads():
        if not re.search(args.filter, name):
            continue
        eager = time_step(make_step(fn, params, data), warmup_s, warmup_calls, runs, run_s)
        try:
            traced = torch.jit.trace(fn, tuple(params + data), check_trace=False)
            jit = time_step(make_step(traced, params, data), warmup_s, warmup_calls, runs, run_s)
        except Exception as e:  # a workload torch.jit.trace cannot handle is reported, not fatal
            print(f"  {name}: torch.jit.trace failed: {e}", file=sys.stderr)
            jit = None
        results[name] = {"eager": eager, "jit": jit}
        ratio = f"{eager / jit:.2f}" if jit else "—"
        rows.append((name, fmt(eager), fmt(jit), ratio))
        print(f"  {name}: eager {fmt(eager)}, jit.trace {fmt(jit)}", file=sys.stderr, flush=True)

    # Hessian-vector product of the MLP loss (issue 11): torch.autograd.functional.hvp beside the
    # gradient of the same loss (torch.autograd.grad), both eager, the same parameters and v
    for name, fn, params, data in workloads():
        if not name.startswith("mlp[") or not re.search(args.filter, "mlp_hvp" + name[3:]):
            continue
        name = "mlp_hvp" + name[3:]
        v = tuple(torch.empty_like(p).uniform_(-1, 1) for p in params)
        loss_of = lambda *ps: fn(*ps, *data)  # noqa: E731

        def gradient():
            return torch.autograd.grad(loss_of(*params), params)

        def hvp():
            return torch.autograd.functional.hvp(loss_of, tuple(params), v)

        g = time_step(gradient, warmup_s, warmup_calls, runs, run_s)
        h = time_step(hvp, warmup_s, warmup_calls, runs, run_s)
        results[name] = {"gradient": g, "hvp": h}
        print(f"  {name}: gradient {fmt(g)}, torch.autograd.functional.hvp {fmt(h)} ({h / g:.2f}x the gradient)",
              file=sys.stderr, flush=True)
        rows.append((name, f"hvp {fmt(h)}", f"gradient {fmt(g)}", f"{h / g:.2f} (hvp/grad)"))

    header = ("workload", "pytorch eager", "pytorch jit.trace", "eager/jit")
    print()
    print("| " + " | ".join(header) + " |")
    print("|" + "|".join("---" for _ in header) + "|")
    for r in rows:
        print("| " + " | ".join(r) + " |")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"torch": torch.__version__, "seconds_per_call": results}, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
