#!/usr/bin/python3
"""Writes ../resources/examples-v2/*.json: issue 10's worked examples computed by PyTorch 1.13 in
float64 (value and the gradient of every input), for WorkedExamplesTest, which writes the same
functions with jgrad's Tensor API as a user would.

Run with Debian's python3-torch:  /usr/bin/python3 gen_examples_v2.py

- gmm: the Gaussian-mixture log-likelihood (ADBench's objective without the Wishart prior):
  K components in D dimensions, lower-triangular inverse-covariance factors built from a
  parameter vector (log-diagonal, then the strictly-lower entries) with index_select / where /
  cat, logsumexp over the components.
- lstm: one LSTM cell step, the four gates sliced from one matmul of cat([x, h]).
- black_scholes: call prices; the gradient with respect to the spot is the delta N(d1), through erf.
"""
import json, math, os, random

import torch

torch.set_default_dtype(torch.float64)
rng = random.Random(2026)
out_dir = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "resources", "examples-v2")
os.makedirs(out_dir, exist_ok=True)


def tensor(shape, lo, hi):
    n = 1
    for d in shape:
        n *= d
    return torch.tensor([rng.uniform(lo, hi) for _ in range(n)]).reshape(shape)


def write(name, note, inputs, value, extra=None):
    case = {"name": name, "note": note,
            "inputs": [{"name": k, "shape": list(t.shape), "data": t.detach().reshape(-1).tolist(),
                        "requiresGrad": t.requires_grad} for k, t in inputs.items()]}
    grads = torch.autograd.grad(value, [t for t in inputs.values() if t.requires_grad])
    case["value"] = value.item()
    case["grads"] = {k: g.reshape(-1).tolist() for k, g in zip([k for k, t in inputs.items() if t.requires_grad], grads)}
    if extra:
        case.update(extra)
    with open(os.path.join(out_dir, name + ".json"), "w") as fh:
        json.dump(case, fh, indent=0)


# ---------------------------------------------------------------- GMM
def lower_index(d):
    """For each (i, j) of a d×d matrix, row-major: 1 + the position of (i, j) among the strictly
    lower entries (row by row), or 0 on and above the diagonal (index 0 is a zero column)."""
    ix, pos = [], 0
    for i in range(d):
        for j in range(d):
            if j < i:
                pos += 1
                ix.append(pos)
            else:
                ix.append(0)
    return ix


def gmm(alphas, means, icf, x):
    k, d = means.shape
    n = x.shape[0]
    log_diag = icf[:, :d]
    lower = torch.cat([torch.zeros(k, 1), icf[:, d:]], 1)
    q_lower = torch.index_select(lower, 1, torch.tensor(lower_index(d))).reshape(k, d, d)
    eye = torch.eye(d) > 0.5
    q = torch.where(eye, log_diag.exp().unsqueeze(1).expand(k, d, d), q_lower)   # q[k, i, i] = exp(log_diag[k, i])
    xc = x.unsqueeze(1) - means.unsqueeze(0)                                       # [n, k, d]
    qxc = torch.matmul(q, xc.unsqueeze(-1)).squeeze(-1)                            # [n, k, d]
    main = alphas + log_diag.sum(1) - 0.5 * qxc.square().sum(-1)                   # [n, k]
    const = -n * d * 0.5 * math.log(2 * math.pi)
    return const + torch.logsumexp(main, 1).sum() - n * torch.logsumexp(alphas, 0)


K, D, N = 3, 4, 6
ins = {"alphas": tensor([K], -1, 1).requires_grad_(), "means": tensor([K, D], -1, 1).requires_grad_(),
       "icf": tensor([K, D + D * (D - 1) // 2], -0.5, 0.5).requires_grad_(), "x": tensor([N, D], -1.5, 1.5)}
write("gmm", "Gaussian-mixture log-likelihood, K=3 D=4 N=6", ins, gmm(*ins.values()),
      {"lowerIndex": lower_index(D)})

# ---------------------------------------------------------------- LSTM cell
B, I, H = 2, 3, 4
ins = {"x": tensor([B, I], -1, 1), "h": tensor([B, H], -1, 1).requires_grad_(), "c": tensor([B, H], -1, 1).requires_grad_(),
       "w": tensor([I + H, 4 * H], -0.5, 0.5).requires_grad_(), "b": tensor([4 * H], -0.5, 0.5).requires_grad_()}
x, h, c, w, b = ins.values()
gates = torch.cat([x, h], 1) @ w + b
i_g, f_g = gates[:, 0:H].sigmoid(), gates[:, H:2 * H].sigmoid()
g_g, o_g = gates[:, 2 * H:3 * H].tanh(), gates[:, 3 * H:4 * H].sigmoid()
c2 = f_g * c + i_g * g_g
h2 = o_g * c2.tanh()
write("lstm", "one LSTM cell step, B=2 I=3 H=4; loss = sum(h'^2) + sum(c')", ins, h2.square().sum() + c2.sum())

# ---------------------------------------------------------------- Black-Scholes
M = 5
ins = {"spot": tensor([M], 80, 120).requires_grad_(), "strike": tensor([M], 90, 110), "t": tensor([M], 0.25, 2).requires_grad_(),
       "rate": tensor([M], 0.0, 0.05).requires_grad_(), "sigma": tensor([M], 0.1, 0.4).requires_grad_()}
s, k, t, r, v = ins.values()


def ncdf(z):
    return 0.5 * (1 + torch.erf(z / math.sqrt(2)))


d1 = ((s / k).log() + (r + v.square() / 2) * t) / (v * t.sqrt())
d2 = d1 - v * t.sqrt()
price = s * ncdf(d1) - k * (-r * t).exp() * ncdf(d2)
write("black_scholes", "call prices of 5 options; d price / d spot is the delta N(d1)", ins, price.sum(),
      {"delta": ncdf(d1).detach().tolist()})
print("written to", out_dir)
