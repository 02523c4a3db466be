#!/usr/bin/python3
"""Writes ../resources/repr/gradfn_v2.json: for each operation of API.md's Version 2 "More
operations", what PyTorch 1.13 reports for its result: the grad_fn name, the repr, whether the
result requires a gradient, and whether a second backward through it fails (PyTorch frees the
saved tensors of a node after backward; a node that saves none can run again).

Run with Debian's python3-torch:  /usr/bin/python3 gradfn_names_v2.py
GradFnV2Test runs every case's program through the Tensor API and compares.

Each case is a golden-format program (shared/golden/README.md: inputs, program, output, the op
names and argument kinds of gen.py's OPS table), so the Java side runs it with GoldenCase.
"""
import json, os, random

import torch
import torch.nn.functional as F

DTYPES = {"f16": torch.float16, "f32": torch.float32, "f64": torch.float64}


def _slice(a, axis, start, end):
    idx = [slice(None)] * a.dim()
    idx[axis] = slice(start, end)
    return a[tuple(idx)]


# op -> (argument kinds, PyTorch function), as gen.py's OPS table
OPS = {
    "add": ("t tc", lambda a, b: a + b),
    "mul": ("t tc", lambda a, b: a * b),
    "sum": ("t", lambda a: a.sum()),
    "exp": ("t", torch.exp),
    "pow": ("t tc", lambda a, p: a ** p),
    "matmul": ("t t", torch.matmul),
    "reshape": ("t s", lambda a, s: a.reshape(s)),
    "sumAxis": ("t i b?", lambda a, d, k=False: a.sum(d, keepdim=k)),
    "meanAxis": ("t i b?", lambda a, d, k=False: a.mean(d, keepdim=k)),
    "slice": ("t i i i", _slice),
    "select": ("t i i", lambda a, d, i: a.select(d, i)),
    "indexSelect": ("t i il", lambda a, d, ix: torch.index_select(a, d, torch.tensor(ix, dtype=torch.long))),
    "cat": ("tl i", lambda ts, d: torch.cat(ts, d)),
    "stack": ("tl i", lambda ts, d: torch.stack(ts, d)),
    "unsqueeze": ("t i", lambda a, d: a.unsqueeze(d)),
    "squeeze": ("t i", lambda a, d: a.squeeze(d)),
    "permute": ("t il", lambda a, p: a.permute(p)),
    "transpose": ("t i i", lambda a, x, y: a.transpose(x, y)),
    "expand": ("t s", lambda a, s: a.expand(s)),
    "flatten": ("t", lambda a: a.flatten()),
    "gt": ("t tc", lambda a, b: a > b),
    "ge": ("t tc", lambda a, b: a >= b),
    "lt": ("t tc", lambda a, b: a < b),
    "le": ("t tc", lambda a, b: a <= b),
    "eq": ("t tc", lambda a, b: a == b),
    "ne": ("t tc", lambda a, b: a != b),
    "where": ("t t t", torch.where),
    "logicalNot": ("t", torch.logical_not),
    "logicalAnd": ("t t", torch.logical_and),
    "logicalOr": ("t t", torch.logical_or),
    "amax": ("t", lambda a: a.amax()),
    "amin": ("t", lambda a: a.amin()),
    "amaxAxis": ("t i b?", lambda a, d, k=False: a.amax(d, keepdim=k)),
    "aminAxis": ("t i b?", lambda a, d, k=False: a.amin(d, keepdim=k)),
    "logsumexp": ("t i b?", lambda a, d, k=False: torch.logsumexp(a, d, keepdim=k)),
    "prod": ("t", lambda a: a.prod()),
    "prodAxis": ("t i", lambda a, d: a.prod(d)),
    "var": ("t i", lambda a, d: a.var(d)),
    "std": ("t i", lambda a, d: a.std(d)),
    "tan": ("t", torch.tan),
    "asin": ("t", torch.asin),
    "acos": ("t", torch.acos),
    "atan": ("t", torch.atan),
    "sinh": ("t", torch.sinh),
    "cosh": ("t", torch.cosh),
    "expm1": ("t", torch.expm1),
    "log2": ("t", torch.log2),
    "log10": ("t", torch.log10),
    "reciprocal": ("t", torch.reciprocal),
    "rsqrt": ("t", torch.rsqrt),
    "erf": ("t", torch.erf),
    "erfc": ("t", torch.erfc),
    "sign": ("t", torch.sign),
    "floor": ("t", torch.floor),
    "ceil": ("t", torch.ceil),
    "round": ("t", torch.round),
    "atan2": ("t t", torch.atan2),
    "logSigmoid": ("t", F.logsigmoid),
    "silu": ("t", F.silu),
    "gelu": ("t", F.gelu),
    "leakyRelu": ("t f", lambda a, s: F.leaky_relu(a, s)),
    "elu": ("t f", lambda a, al: F.elu(a, al)),
    "to": ("t d", lambda a, d: a.to(DTYPES[d])),
}

rng = random.Random(10)
cases = []


def inp(name, shape, lo=-2.0, hi=2.0, rg=True, dtype="f32", values=None, eighths=False):
    """Random values with two decimals (never -0.0, whose sign PyTorch's own kernels treat two ways),
    or multiples of 1/8 (matmul: exact sums, so no summation order can change a printed digit)."""
    n = 1
    for d in shape:
        n *= d
    if values is None:
        step = 8 if eighths else 100
        values = [round(rng.uniform(lo, hi) * step) / step + 0.0 for _ in range(n)]
    t = torch.tensor(values, dtype=DTYPES[dtype])
    exact = [float(v) for v in t.tolist()]  # exactly the dtype's values
    return {"name": name, "shape": shape, "data": exact, "requiresGrad": rg, "dtype": dtype}


def run(case):
    env = {}
    for i in case["inputs"]:
        t = torch.tensor(i["data"], dtype=DTYPES[i["dtype"]]).reshape(i["shape"])
        if i["requiresGrad"]:
            t.requires_grad_(True)
        env[i["name"]] = t
    for stmt in case["program"]:
        res, op, args = stmt[0], stmt[1], stmt[2:]
        kinds, fn = OPS[op]
        vals = []
        for kind, a in zip(kinds.split(), args):
            if kind in ("t", "tc") and isinstance(a, str):
                vals.append(env[a])
            elif kind == "tl":
                vals.append([env[n] for n in a])
            else:
                vals.append(a)
        env[res] = fn(*vals)
    return env[case["output"]]


def add(label, inputs, program, output="y"):
    case = {"name": label, "inputs": inputs, "program": program, "output": output}
    y = run(case)
    dt = {torch.float16: "f16", torch.float32: "f32", torch.float64: "f64", torch.bool: "bool"}[y.dtype]
    second = None
    if y.requires_grad:
        loss = y if y.dim() == 0 else y.sum()
        loss.backward(retain_graph=False)
        try:
            loss.backward()
            second = False
        except RuntimeError as e:
            assert "second time" in str(e), str(e)
            second = True
        y = run(case)  # a fresh result for the repr (the values are the same)
    case["expected"] = {"shape": list(y.shape), "dtype": dt,
                        "value": [float(v) for v in y.detach().reshape(-1).tolist()], "grads": {}}
    case["gradFn"] = None if y.grad_fn is None else y.grad_fn.name()
    case["requiresGrad"] = y.requires_grad
    case["repr"] = repr(y)
    case["secondBackwardFails"] = second
    cases.append(case)


def unary(op, shape=(2, 3), lo=-2.0, hi=2.0, dtype="f32", *args):
    add(f"{op} {list(shape)} {dtype}", [inp("x", list(shape), lo, hi, dtype=dtype)], [["y", op, "x", *args]])


# indexing and structure
x23, x234 = [2, 3], [2, 3, 4]
add("slice", [inp("x", [3, 5])], [["y", "slice", "x", 1, 1, 4]])
add("slice negative", [inp("x", [3, 5])], [["y", "slice", "x", -2, -2, 3]])
add("slice clamped", [inp("x", [7])], [["y", "slice", "x", 0, -20, 20]])
add("slice empty", [inp("x", [7])], [["y", "slice", "x", 0, 5, 2]])
add("slice whole", [inp("x", [3, 5])], [["y", "slice", "x", 0, 0, 3]])
add("select", [inp("x", x234)], [["y", "select", "x", 1, -1]])
add("select 1-D", [inp("x", [5])], [["y", "select", "x", 0, 2]])
add("indexSelect", [inp("x", [3, 4])], [["y", "indexSelect", "x", 1, [3, 0, 0]]])
add("indexSelect 1-D", [inp("x", [5])], [["y", "indexSelect", "x", 0, [4, 1]]])
add("cat", [inp("a", [2, 3]), inp("b", [1, 3])], [["y", "cat", ["a", "b"], 0]])
add("cat one", [inp("a", [2, 3])], [["y", "cat", ["a"], 1]])
add("cat f64", [inp("a", [2], dtype="f64"), inp("b", [3], dtype="f64")], [["y", "cat", ["a", "b"], 0]])
add("stack", [inp("a", [2, 3]), inp("b", [2, 3])], [["y", "stack", ["a", "b"], -1]])
add("stack scalars", [inp("a", []), inp("b", [])], [["y", "stack", ["a", "b"], 0]])
add("unsqueeze", [inp("x", x23)], [["y", "unsqueeze", "x", 1]])
add("squeeze", [inp("x", [2, 1, 3])], [["y", "squeeze", "x", 1]])
add("squeeze not 1", [inp("x", [2, 3])], [["y", "squeeze", "x", 1]])
add("permute", [inp("x", x234)], [["y", "permute", "x", [2, 0, 1]]])
add("transpose", [inp("x", x234)], [["y", "transpose", "x", 0, -1]])
add("expand", [inp("x", [3, 1])], [["y", "expand", "x", [2, 3, -1]]])
add("expand same", [inp("x", [3])], [["y", "expand", "x", [3]]])
add("flatten", [inp("x", x234)], [["y", "flatten", "x"]])
add("flatten scalar", [inp("x", [])], [["y", "flatten", "x"]])
add("flatten 1-D", [inp("x", [4])], [["y", "flatten", "x"]])
add("flatten of a result", [inp("x", [4])], [["z", "exp", "x"], ["y", "flatten", "z"]])
# reshape after a view: PyTorch views the data where its strides allow (ReshapeAliasBackward0), else copies (UnsafeViewBackward0)
x354 = [3, 5, 4]
for label, prog in [("slice axis 1 then flatten", [["v", "slice", "x", 1, 1, 3], ["y", "flatten", "v"]]),
                    ("slice axis 1 then reshape [3,8]", [["v", "slice", "x", 1, 1, 3], ["y", "reshape", "v", [3, 8]]]),
                    ("slice axis 0 then flatten", [["v", "slice", "x", 0, 1, 3], ["y", "flatten", "v"]]),
                    ("slice whole axis then flatten", [["v", "slice", "x", 1, -9, 9], ["y", "flatten", "v"]]),
                    ("transpose then flatten", [["v", "transpose", "x", 0, 1], ["y", "flatten", "v"]]),
                    ("transpose then exp then flatten", [["v", "transpose", "x", 0, 1], ["w", "exp", "v"], ["y", "flatten", "w"]]),
                    ("transpose twice then flatten", [["v", "transpose", "x", 0, 1], ["w", "transpose", "v", 1, 0], ["y", "flatten", "w"]]),
                    ("permute then reshape", [["v", "permute", "x", [2, 0, 1]], ["y", "reshape", "v", [-1]]]),
                    ("permute then unsqueeze then reshape", [["v", "permute", "x", [0, 2, 1]], ["w", "unsqueeze", "v", 0], ["y", "reshape", "w", [3, 4, 5]]]),
                    ("select axis 1 then flatten", [["v", "select", "x", 1, 2], ["y", "flatten", "v"]]),
                    ("select axis 0 then flatten", [["v", "select", "x", 0, 2], ["y", "flatten", "v"]]),
                    ("expand then flatten", [["v", "slice", "x", 1, 0, 1], ["w", "expand", "v", [3, 2, 4]], ["y", "flatten", "w"]]),
                    ("unsqueeze then squeeze then flatten", [["v", "unsqueeze", "x", 1], ["w", "squeeze", "v", 1], ["y", "flatten", "w"]]),
                    ("slice plus contiguous then flatten", [["v", "slice", "x", 1, 1, 3], ["w", "add", "v", "v"], ["y", "flatten", "w"]]),
                    ("transpose plus contiguous then flatten", [["v", "transpose", "x", 0, 2], ["c", "exp", "x"], ["u", "transpose", "c", 0, 2], ["w", "add", "v", "u"], ["y", "flatten", "w"]])]:
    add(label, [inp("x", x354)], prog)
# matmul, every rank
for sa, sb in [([3, 4], [4, 5]), ([3, 4], [4]), ([4], [4, 5]), ([4], [4]), ([2, 3, 4], [2, 4, 5]),
               ([2, 3, 4], [4, 5]), ([2, 3, 4], [4]), ([4], [2, 4, 3]), ([3, 4], [2, 4, 5]),
               ([2, 1, 3, 4], [5, 4, 2]), ([1, 3, 4], [2, 4, 2])]:
    for ga, gb in [(True, True), (True, False), (False, True)]:  # PyTorch folds by which operand requires grad
        add(f"matmul {sa} {sb} {ga} {gb}", [inp("a", sa, rg=ga, eighths=True), inp("b", sb, rg=gb, eighths=True)],
            [["y", "matmul", "a", "b"]])
# comparisons and selection
for op in ["gt", "ge", "lt", "le", "eq", "ne"]:
    add(f"{op}", [inp("a", [4], values=[1.0, 2.0, 3.0, float("nan")]), inp("b", [4], values=[2.0, 2.0, 1.0, float("nan")])],
        [["y", op, "a", "b"]])
    add(f"{op} const", [inp("a", [4], values=[1.0, 2.0, 3.0, float("nan")])], [["y", op, "a", 2.0]])
add("where", [inp("a", [4], values=[1.0, 2.0, 3.0, 4.0]), inp("b", [4]), inp("c", [4])],
    [["m", "gt", "a", 2.0], ["y", "where", "m", "b", "c"]])
add("where broadcast", [inp("a", [3], values=[1.0, 2.0, 3.0]), inp("b", [2, 3]), inp("c", [])],
    [["m", "ge", "a", 2.0], ["y", "where", "m", "b", "c"]])
add("logicalNot", [inp("a", [3], values=[1.0, 2.0, 3.0])], [["m", "gt", "a", 1.5], ["y", "logicalNot", "m"]])
add("logicalAnd", [inp("a", [3], values=[1.0, 2.0, 3.0])],
    [["m", "gt", "a", 1.5], ["n", "lt", "a", 2.5], ["y", "logicalAnd", "m", "n"]])
add("logicalOr", [inp("a", [3], values=[1.0, 2.0, 3.0])],
    [["m", "gt", "a", 2.5], ["n", "lt", "a", 1.5], ["y", "logicalOr", "m", "n"]])
add("logicalNot float", [inp("a", [3], values=[0.0, 2.0, -1.0])], [["y", "logicalNot", "a"]])
# reductions
add("sumAxis keep", [inp("x", x234)], [["y", "sumAxis", "x", 1, True]])
add("meanAxis keep", [inp("x", x234)], [["y", "meanAxis", "x", -1, True]])
add("meanAxis nokeep", [inp("x", x234)], [["y", "meanAxis", "x", 0, False]])
add("amax", [inp("x", x23)], [["y", "amax", "x"]])
add("amaxAxis", [inp("x", x23)], [["y", "amaxAxis", "x", 1]])
add("amaxAxis keep", [inp("x", x23)], [["y", "amaxAxis", "x", 0, True]])
add("amin", [inp("x", x23)], [["y", "amin", "x"]])
add("aminAxis", [inp("x", x23)], [["y", "aminAxis", "x", -1]])
add("aminAxis keep", [inp("x", x23)], [["y", "aminAxis", "x", 0, True]])
add("logsumexp", [inp("x", x23)], [["y", "logsumexp", "x", 1]])
add("logsumexp keep", [inp("x", x23)], [["y", "logsumexp", "x", 0, True]])
add("prod", [inp("x", x23)], [["y", "prod", "x"]])
add("prodAxis", [inp("x", x23)], [["y", "prodAxis", "x", 1]])
add("var", [inp("x", x23)], [["y", "var", "x", 1]])
add("std", [inp("x", x23)], [["y", "std", "x", 0]])
# elementwise
for op in ["tan", "atan", "sinh", "cosh", "expm1", "reciprocal", "erf", "erfc", "sign", "floor", "ceil", "round",
           "logSigmoid", "silu", "gelu"]:
    unary(op)
for op in ["asin", "acos"]:
    unary(op, (2, 3), -0.9, 0.9)
for op in ["log2", "log10", "rsqrt"]:
    unary(op, (2, 3), 0.1, 3.0)
add("leakyRelu", [inp("x", x23)], [["y", "leakyRelu", "x", 0.1]])
add("elu", [inp("x", x23)], [["y", "elu", "x", 1.5]])
add("atan2", [inp("a", x23), inp("b", [3])], [["y", "atan2", "a", "b"]])
add("pow tensor", [inp("a", x23, 0.5, 2.0), inp("b", [3])], [["y", "pow", "a", "b"]])
add("pow tensor exponent only", [inp("a", x23, 0.5, 2.0, rg=False), inp("b", [3])], [["y", "pow", "a", "b"]])
# dtypes print their suffix
unary("erf", (3,), -2.0, 2.0, "f64")
add("slice f16", [inp("x", [5], dtype="f16")], [["y", "slice", "x", 0, 1, 3]])
add("cat f16", [inp("a", [2], dtype="f16"), inp("b", [1], dtype="f16")], [["y", "cat", ["a", "b"], 0]])
add("amaxAxis f64", [inp("x", x23, dtype="f64")], [["y", "amaxAxis", "x", 1]])
add("gt f64", [inp("a", [3], dtype="f64")], [["y", "gt", "a", 0.0]])
add("where f16", [inp("a", [3], values=[1.0, -1.0, 2.0], dtype="f16"), inp("b", [3], dtype="f16")],
    [["m", "gt", "a", 0.0], ["y", "where", "m", "a", "b"]])

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "resources", "repr", "gradfn_v2.json")
with open(out, "w") as fh:
    json.dump(cases, fh, indent=0)
print(f"{len(cases)} cases written to {out}")
