"""Smooth float64 programs with PyTorch's HVP, JVP and Jacobian over the version-1 ops only.

shared/golden's `gen.py derivs` draws from every smooth op of versions 1 and 2; these cases use
only the ops every branch has had since version 1, so the derivative tests run before the
operations issue (10) lands. Same format, same generator (gen.random_case2 with smooth=True),
with the op table narrowed:

    /usr/bin/python3 gen_derivs_v1.py PATH/TO/shared/golden OUT N SEED
"""
import json
import os
import random
import sys

sys.path.insert(0, sys.argv[1])
import gen  # noqa: E402
import torch  # noqa: E402

V1_SMOOTH = [op for op in gen.V1_OPS if op not in gen.KINKY]
gen.SMOOTH_OPS = V1_SMOOTH


# version 1's argument kinds (version 2 added keepDim and pow's tensor exponent)
V1_KINDS = {"pow": ["t", "f"], "sumAxis": ["t", "i"], "meanAxis": ["t", "i"]}


def version1(case):
    """Every statement has version 1's arguments and matmul/dot see rank <= 2 operands."""
    kinds = {op: V1_KINDS.get(op, gen.OPS[op][0].split()) for op in V1_SMOOTH}
    env = {i["name"]: torch.tensor(i["data"], dtype=torch.float64).reshape(i["shape"]) for i in case["inputs"]}
    for stmt in case["program"]:
        if stmt[1] not in kinds or len(stmt) - 2 != len(kinds[stmt[1]]):
            return False
        if any(k == "f" and isinstance(a, str) for k, a in zip(kinds[stmt[1]], stmt[2:])):
            return False
        if stmt[1] in ("matmul", "dot") and any(env[a].dim() > 2 for a in stmt[2:4]):
            return False
        env[stmt[0]] = gen.apply_stmt(stmt, env, torch.float64)
    return True


def main():
    out, n, seed = sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    os.makedirs(out, exist_ok=True)
    rng = random.Random(seed)
    made = 0
    while made < n:
        case = gen.random_case2(rng, f"derivs_v1_{made:03d}", 10, "f64", smooth=True)
        if not version1(case):
            continue
        with open(os.path.join(out, case["name"] + ".json"), "w") as fh:
            json.dump(case, fh, indent=1)
        made += 1
    print(f"{made} cases written to {out}")


if __name__ == "__main__":
    main()
