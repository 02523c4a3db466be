#!/usr/bin/python3
"""Golden cases at IEEE special values, computed by real PyTorch (shared/golden/gen.py's finish()).

Every op of the public API at NaN, ±inf, ±0 and its kinks, so that the eager engine and the
compiled code are held to PyTorch's choices exactly where random inputs never go.

  /usr/bin/python3 gen_specials.py ../../../../shared/golden OUTDIR
"""
import json, os, sys

sys.path.insert(0, sys.argv[1])
import gen  # noqa: E402  (shared/golden/gen.py: finish(), tensor_input())

nan, inf = float("nan"), float("inf")
SPECIAL = [nan, inf, -inf, 0.0, -0.0, 1.0, -1.0, 0.5, -0.5, 2.0, 20.5, -20.5, 100.0, -100.0]
SEED = [0.5 + 0.25 * (i % 5) for i in range(len(SPECIAL))]


def case(name, inputs, program, out="y", seed=None):
    c = {"name": name, "note": "IEEE special values", "inputs": inputs, "program": program, "output": out}
    if seed is not None:
        c["seed"] = seed
    return gen.finish(c)


def vec(name, data, grad=True):
    return gen.tensor_input(name, [len(data)], data, grad)


def main():
    out_dir = sys.argv[2]
    os.makedirs(out_dir, exist_ok=True)
    n = len(SPECIAL)
    seed = {"shape": [n], "data": SEED}
    cases = []
    for op in ["neg", "exp", "log", "log1p", "sin", "cos", "tanh", "sigmoid", "relu", "softplus", "sqrt", "abs", "square"]:
        cases.append(case("special_" + op, [vec("x", SPECIAL)], [["y", op, "x"]], seed=seed))
    for p in [0.0, 0.5, -0.5, 1.5, 2.0, 3.0, -1.0, -2.0]:
        cases.append(case("special_pow_" + str(p).replace("-", "m").replace(".", "p"), [vec("x", SPECIAL)], [["y", "pow", "x", p]], seed=seed))
    cases.append(case("special_clamp", [vec("x", SPECIAL + [0.25])], [["y", "clamp", "x", -0.5, 1.0]],
                      seed={"shape": [n + 1], "data": SEED + [1.0]}))
    for c in [2.0, -0.0]:
        tag = "m0" if c == 0 else "2"
        cases.append(case("special_rsub_" + tag, [vec("x", SPECIAL)], [["y", "rsub", "x", c]], seed=seed))
        cases.append(case("special_rdiv_" + tag, [vec("x", SPECIAL)], [["y", "rdiv", "x", c]], seed=seed))
    # binary ops over every pair of a smaller special set
    small = [nan, inf, -inf, 0.0, -0.0, 1.0, -2.0]
    a = [u for u in small for _ in small]
    b = [v for _ in small for v in small]
    m = len(a)
    pair_seed = {"shape": [m], "data": [0.5 + 0.25 * (i % 5) for i in range(m)]}
    for op in ["add", "sub", "mul", "div", "maximum", "minimum"]:
        cases.append(case("special_" + op, [vec("a", a), vec("b", b)], [["y", op, "a", "b"]], seed=pair_seed))
    # reductions and softmax with infinities and NaN
    rows = [[inf, 1.0, 2.0], [-inf, 0.0, 1.0], [nan, 1.0, 2.0], [100.0, -100.0, 0.0], [-inf, -inf, 1.0]]
    flat = [v for r in rows for v in r]
    for op in ["softmax", "logSoftmax"]:
        cases.append(case("special_" + op, [gen.tensor_input("x", [5, 3], flat)], [["y", op, "x", 1]],
                          seed={"shape": [5, 3], "data": [0.5 + 0.25 * (i % 4) for i in range(15)]}))
    for op in ["sum", "mean"]:
        cases.append(case("special_" + op + "_inf", [vec("x", [inf, 1.0, -2.0])], [["y", op, "x"]]))
        cases.append(case("special_" + op + "_nan", [vec("x", [nan, 1.0, -2.0])], [["y", op, "x"]]))
    cases.append(case("special_sumAxis", [gen.tensor_input("x", [5, 3], flat)], [["y", "sumAxis", "x", 1]],
                      seed={"shape": [5], "data": [1.0, 0.5, 2.0, 1.5, 0.25]}))
    cases.append(case("special_dot", [vec("a", [inf, 1.0, 0.0]), vec("b", [1.0, nan, 2.0])], [["y", "dot", "a", "b"]]))
    cases.append(case("special_matmul", [gen.tensor_input("a", [2, 2], [inf, 0.0, 1.0, -1.0]), gen.tensor_input("b", [2, 2], [1.0, 2.0, 0.0, -inf])],
                      [["y", "matmul", "a", "b"]], seed={"shape": [2, 2], "data": [1.0, 0.5, 0.25, 2.0]}))
    for c in cases:
        with open(os.path.join(out_dir, c["name"] + ".json"), "w") as f:
            json.dump(c, f, indent=1)
    print(len(cases), "cases written to", out_dir)


if __name__ == "__main__":
    main()
