#!/usr/bin/python3
"""Writes ../resources/repr/cases.json: tensors and the exact string PyTorch 1.13 prints for them.

Run with Debian's python3-torch:  /usr/bin/python3 gen_repr.py
TensorFormatTest compares Tensor.toString() with every string here.
"""
import json, math, os, random

import torch

cases = []


DTYPES = {torch.float32: "f32", torch.float64: "f64", torch.float16: "f16", torch.bool: "bool"}


def add(name, values, shape=None, requires_grad=False, dtype=torch.float32):
    t = torch.tensor(values, dtype=dtype)
    if shape is not None:
        t = t.reshape(shape)
    if requires_grad:
        t.requires_grad_(True)
    case = {"name": name, "shape": list(t.shape),
            "data": [float(v) for v in t.detach().reshape(-1).tolist()],
            "requiresGrad": requires_grad, "repr": repr(t)}
    if dtype != torch.float32:
        case["dtype"] = DTYPES[dtype]   # absent: f32 (the cases written before dtypes existed)
    cases.append(case)


nan, inf = float("nan"), float("inf")
for v in [3.0, 9.0, 6.701235, -7.6613, 0.0, -0.0, nan, inf, -inf, 1e-5, 1.5e-4, 1e-4, 9.99995e-5, 123456789.0, 1e8,
          1.0000001e8, 1e10, 0.5, 0.00015, 12345.678, 2.5, 0.00005, -0.00001, 0.99999, 1000.5, 3.4e38, 1e-45, -2.0]:
    add(f"scalar {v!r}", v)
add("scalar 3 requires grad", 3.0, requires_grad=True)
add("ints", [1.0, 2.0, 3.0])
add("thirds", [2 / 3, 4 / 3, 2.0])
add("int sci by ratio", [1.0, 1000.0, 1e6])
add("int sci by size", [1.0, 2e8])
add("int ratio exactly 1000", [1.0, 1000.0])
add("float sci by ratio", [0.001, 10.5])
add("float sci by small", [1e-5, 0.5])
add("negative sci", [-1e-5, 0.5, -123.25])
add("nan among ints", [nan, 1.0, 2.0])
add("inf among floats", [inf, 0.5, -inf])
add("all zeros", [0.0, 0.0, 0.0])
add("negative zero", [-0.0, 1.0])
add("all nan", [nan, nan])
add("zero and nan", [0.0, nan])
add("ints with negatives", [-10.0, 5.0, 100.0])
add("big ints", [123456.0, -7.0])
add("rounding half even", [0.00005, 0.00015, 0.00025, 1.23445])
rng = random.Random(7)
add("wrapping floats", [rng.uniform(-3, 3) for _ in range(30)])
add("wrapping ints", [float(rng.randrange(-500, 500)) for _ in range(100)])
add("wrapping sci", [rng.uniform(-3, 3) * 10 ** rng.randrange(-6, 6) for _ in range(25)])
add("2x2 ints", [1.0, 2.0, 3.0, 4.0], [2, 2])
add("4x5 floats", [rng.uniform(-50, 50) for _ in range(20)], [4, 5])
add("2x3x4", [rng.uniform(-1, 1) for _ in range(24)], [2, 3, 4])
add("2x1x2x2", [float(i) for i in range(8)], [2, 1, 2, 2])
add("1x1", [5.5], [1, 1])
add("column", [1.5, -2.25, 3.0], [3, 1])
add("2x3 requires grad", [rng.uniform(-1, 1) for _ in range(6)], [2, 3], True)
add("long requires grad", [rng.uniform(-1, 1) for _ in range(20)], [20], True)
add("9 floats requires grad", [rng.uniform(-1, 1) for _ in range(9)], [9], True)
add("10 floats requires grad", [rng.uniform(-1, 1) for _ in range(10)], [10], True)
add("empty 1-D", [], [0])
add("empty 0x3", [], [0, 3])
add("empty 2x0x4", [], [2, 0, 4])
add("empty requires grad", [], [0], True)
add("summarized 1-D", [rng.uniform(-1, 1) for _ in range(2000)], [2000])
add("summarized 1-D ints", [float(rng.randrange(0, 9)) for _ in range(1001)], [1001])
add("summarized 2-D", [rng.uniform(-1, 1) for _ in range(1200)], [40, 30])
add("summarized 3-D", [rng.uniform(-9, 9) for _ in range(1200)], [12, 10, 10])
add("summarized 1x1500", [rng.uniform(0, 1) for _ in range(1500)], [1, 1500])
add("summarized 1500x1", [rng.uniform(0, 1) for _ in range(1500)], [1500, 1])
add("summarized hides the outlier", [1.5] * 500 + [1e-9] + [2.5] * 500, [1001])
add("summarized requires grad", [rng.uniform(-1, 1) for _ in range(1200)], [30, 40], True)
for i in range(150):
    rank = rng.randrange(0, 4)
    shape = [rng.randrange(1, 7) for _ in range(rank)]
    n = math.prod(shape)
    scale = 10 ** rng.uniform(-7, 10)
    kind = rng.random()
    if kind < 0.25:
        vals = [float(round(rng.uniform(-1, 1) * min(scale, 1e9))) for _ in range(n)]
    elif kind < 0.35:
        vals = [rng.choice([0.0, nan, inf, -inf, rng.uniform(-1, 1) * scale]) for _ in range(n)]
    else:
        vals = [rng.uniform(-1, 1) * scale for _ in range(n)]
    add(f"random {i}", vals, shape, rng.random() < 0.2)

# version 2: float64 (every digit a double has), float16 (values rounded to half) and bool
f64, f16, b = torch.float64, torch.float16, torch.bool
for v in [0.1, 1 / 3, -7.6613, 1e-300, 1e300, 123456789.123, 2.0, nan, -0.0, 5e-324]:
    add(f"f64 scalar {v!r}", v, dtype=f64)
add("f64 scalar requires grad", 3.0, requires_grad=True, dtype=f64)
add("f64 thirds", [2 / 3, 4 / 3, 2.0], dtype=f64)
add("f64 tiny and large", [0.1, 1e-9], dtype=f64)
add("f64 exponent of 3 digits", [1e300, 1.0], dtype=f64)
add("f64 ints", [1.0, 2.0, 3.0], dtype=f64)
add("f64 2x3 requires grad", [rng.uniform(-1, 1) for _ in range(6)], [2, 3], True, dtype=f64)
add("f64 empty", [], [0], dtype=f64)
add("f64 empty 0x3", [], [0, 3], dtype=f64)
add("f64 wrapping", [rng.uniform(-3, 3) for _ in range(30)], dtype=f64)
add("f64 summarized", [rng.uniform(-1, 1) for _ in range(1200)], [30, 40], dtype=f64)
for v in [10.0, 0.1, 65504.0, 1e5, 6e-8, 1e-5, -2.5, 1 / 3]:
    add(f"f16 scalar {v!r}", v, dtype=f16)
add("f16 scalar requires grad", 10.0, requires_grad=True, dtype=f16)
add("f16 vector", [1000.0, 2000.0, 0.1], dtype=f16)
add("f16 2x2 requires grad", [0.5, -1.25, 3.0, 1e-3], [2, 2], True, dtype=f16)
add("f16 empty", [], [0], dtype=f16)
add("bool vector", [True, False], dtype=b)
add("bool all true", [True, True], dtype=b)
add("bool all false", [False, False, False], dtype=b)
add("bool scalar", True, dtype=b)
add("bool 2x2", [[True, False], [False, True]], dtype=b)
add("bool empty", [], [0], dtype=b)
add("bool summarized", [rng.random() < 0.5 for _ in range(1200)], dtype=b)

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "resources", "repr", "cases.json")
with open(out, "w") as fh:
    json.dump(cases, fh, indent=0)
print(f"{len(cases)} cases written to {out}")
