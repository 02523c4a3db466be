#!/usr/bin/env python3
"""ADBench's four problems in PyTorch: objective and derivative, float64, one thread.

Written from shared/adbench/README.md (the problems' math, file formats and derivative
layouts), not from ADBench's code. For one input it computes the objective and the derivative
ADBench asks for, optionally times both as ADBench does (the minimum over timed batches, each
batch repeating the call for at least --min-batch seconds), prints a summary and writes the
results as JSON.

    GMM   objective E, gradient [dE/dalpha (K)] ++ [dE/dmu (K x d)] ++ [dE/dicf (K x d(d+1)/2)]
    LSTM  loss, gradient d/d main (row-major) ++ d/d extra
    BA    residuals [reproj_err (2p)] ++ [w_err (p)], sparse Jacobian in ADBench's CSR layout
    Hand  residuals (3N), dense Jacobian 3N x 26 (simple) or compressed 3N x 28 (complicated)

Inputs: ADBench's text files (the problem is told by the path: gmm/, lstm/, ba/, hand/ or
--problem; a hand file's model is the sibling folder model/ unless --model is given) or the
JSON that `io.jgrad.bench.adbench.Generate` writes for generated inputs.

    /usr/bin/python3 bench/pytorch/adbench.py ../shared/adbench/data/gmm/1k/gmm_d10_K25.txt --time
    /usr/bin/python3 bench/pytorch/adbench.py input.json --out result.json
    /usr/bin/python3 bench/pytorch/adbench.py input.json --golden golden.json   # input + expected outputs
    /usr/bin/python3 bench/pytorch/adbench.py --real-values ../shared/adbench/data \
        --out bench/src/test/resources/adbench/real_values.json

Derivatives are PyTorch autograd: reverse mode for GMM and LSTM gradients and BA's Jacobian
blocks (two backward passes give every observation's 2 x 15 block, since observation i's
residuals depend only on its own copies of camera, point and weight); forward mode for Hand
(26 or 28 tangents; the complicated variant's two u columns come from one tangent per u
component shared by all correspondences, which is exact because residual i depends only on u_i).
"""

import argparse
import json
import math
import os
import sys
import time

try:
    import torch
except ImportError:
    print("adbench.py: PyTorch is not installed.\n"
          "  Install it with: apt-get install -y python3-torch   (then run with /usr/bin/python3)")
    sys.exit(0)

torch.set_num_threads(1)
F64 = torch.float64
ADBENCH_PI = 3.14159265359   # ADBench's C++ uses this truncated pi in both GMM constants (README)
CAMERA_PARAMS = 11
THETA_COUNT = 26
BONE_COUNT = 22


# ============================================================================ readers

def _tokens(path):
    with open(path) as f:
        return f.read().split()


class _Cursor:
    def __init__(self, path):
        self.path, self.tokens, self.pos = path, _tokens(path), 0

    def ints(self, count, what):
        return [int(t) for t in self._take(count, what)]

    def floats(self, count, what):
        return [float(t) for t in self._take(count, what)]

    def _take(self, count, what):
        if self.pos + count > len(self.tokens):
            raise ValueError(f"{self.path}: file ends early; expected {what}")
        out = self.tokens[self.pos:self.pos + count]
        self.pos += count
        return out

    def end(self, what):
        if self.pos != len(self.tokens):
            raise ValueError(f"{self.path}: {len(self.tokens) - self.pos} tokens left over after {what}")


def read_gmm_txt(path):
    c = _Cursor(path)
    d, k, n = c.ints(3, "d K n")
    inp = dict(problem="gmm", d=d, k=k, n=n,
               alphas=c.floats(k, "alphas"), means=c.floats(k * d, "means"),
               icf=c.floats(k * d * (d + 1) // 2, "icf"), x=c.floats(n * d, "x"))
    inp["gamma"] = c.floats(1, "gamma")[0]
    inp["m"] = c.ints(1, "m")[0]
    c.end("gamma m")
    return inp


def read_lstm_txt(path):
    c = _Cursor(path)
    l, steps, b = c.ints(3, "l c b")
    inp = dict(problem="lstm", layers=l, steps=steps, hidden=b,
               main=c.floats(8 * l * b, "main"), extra=c.floats(3 * b, "extra"),
               state=c.floats(2 * l * b, "state"), sequence=c.floats(steps * b, "sequence"))
    c.end("sequence")
    return inp


def read_ba_txt(path):
    """One camera, point, weight and feature, replicated as ADBench does (README "BA")."""
    c = _Cursor(path)
    n, m, p = c.ints(3, "n m p")
    cam, point = c.floats(CAMERA_PARAMS, "camera"), c.floats(3, "point")
    w, feat = c.floats(1, "weight")[0], c.floats(2, "feature")
    c.end("feature")
    obs = []
    for i in range(p):
        obs += [i % n, i % m]
    return dict(problem="ba", n=n, m=m, p=p, cams=cam * n, points=point * m,
                weights=[w] * p, features=feat * p, observations=obs)


def read_hand_model(folder):
    def lines(name):
        with open(os.path.join(folder, name)) as f:
            return [line.strip().split(":") for line in f if line.strip()]

    bones, parents, rel, inv = [], [], [], []
    for fields in lines("bones.txt"):
        if len(fields) != 34:
            raise ValueError(f"{folder}/bones.txt: a line has {len(fields)} fields, expected 34")
        bones.append(fields[0])
        parents.append(int(fields[1]))
        rel += [float(v) for v in fields[2:18]]
        inv += [float(v) for v in fields[18:34]]
    verts = lines("vertices.txt")
    nv = len(verts)
    base = [0.0] * (4 * nv)
    weights = [0.0] * (len(bones) * nv)
    for v, fields in enumerate(verts):
        for j in range(3):
            base[j * nv + v] = float(fields[j])
        base[3 * nv + v] = 1.0
        nw = int(fields[8])
        if len(fields) != 9 + 2 * nw:
            raise ValueError(f"{folder}/vertices.txt: line {v + 1} lists {nw} bones but has {len(fields)} fields")
        for j in range(nw):
            weights[int(fields[9 + 2 * j]) * nv + v] = float(fields[10 + 2 * j])
    triangles = [int(t) for fields in lines("triangles.txt") for t in fields]
    return dict(bones=bones, parents=parents, baseRelatives=rel, inverseBaseAbsolutes=inv,
                basePositions=base, weights=weights, triangles=triangles)


def read_hand_txt(path, model_folder=None):
    """Simple and complicated files differ only in the u lines: told apart by the token count."""
    tokens = _tokens(path)
    count, n_theta = int(tokens[0]), int(tokens[1])
    if n_theta != THETA_COUNT:
        raise ValueError(f"{path}: n_theta is {n_theta}, expected {THETA_COUNT}")
    simple, complicated = 2 + 4 * count + n_theta, 2 + 6 * count + n_theta
    if len(tokens) not in (simple, complicated):
        raise ValueError(f"{path}: {len(tokens)} tokens, expected {simple} (simple) or {complicated} (complicated)")
    is_complicated = len(tokens) == complicated
    c = _Cursor(path)
    c.pos = 2
    corr, points = [], []
    for _ in range(count):
        corr.append(c.ints(1, "index")[0])
        points += c.floats(3, "point")
    us = c.floats(2 * count, "us") if is_complicated else []
    theta = c.floats(n_theta, "theta")
    c.end("theta")
    folder = model_folder or os.path.join(os.path.dirname(os.path.abspath(path)), "model")
    return dict(problem="hand", complicated=is_complicated, correspondences=corr, points=points,
                us=us, theta=theta, model=read_hand_model(folder))


def load(path, problem=None, model=None):
    """An input as a dict of plain lists (the JSON layout of InputJson.java)."""
    if path.endswith(".json"):
        with open(path) as f:
            inp = json.load(f)
        if "problem" not in inp:
            raise ValueError(f"{path}: no \"problem\" field")
        return inp
    if problem is None:
        parts = os.path.abspath(path).split(os.sep)
        problem = next((p for p in ("gmm", "lstm", "ba", "hand") if p in parts), None)
        if problem is None:
            raise ValueError(f"{path}: cannot tell the problem from the path; give --problem")
    readers = dict(gmm=read_gmm_txt, lstm=read_lstm_txt, ba=read_ba_txt)
    return read_hand_txt(path, model) if problem == "hand" else readers[problem](path)


def t64(values, *shape):
    return torch.tensor(values, dtype=F64).reshape(*shape)


# ============================================================================ GMM

def gmm_tensors(inp):
    d, k, n = inp["d"], inp["k"], inp["n"]
    return (t64(inp["alphas"], k), t64(inp["means"], k, d), t64(inp["icf"], k, d * (d + 1) // 2),
            t64(inp["x"], n, d))


def lower_indices(d):
    """(row, column) of the strictly lower entries in icf's order: column by column."""
    rows, cols = [], []
    for i in range(d - 1):
        for j in range(i + 1, d):
            rows.append(j)
            cols.append(i)
    return torch.tensor(rows, dtype=torch.long), torch.tensor(cols, dtype=torch.long)


def gmm_q(icf, d):
    """Q_k = diag(exp(q_k)) + L_k, all K at once: [K, d, d]."""
    k = icf.shape[0]
    rows, cols = lower_indices(d)
    lower = torch.zeros(k, d, d, dtype=F64)
    lower[:, rows, cols] = icf[:, d:]
    return torch.diag_embed(torch.exp(icf[:, :d])) + lower


def gmm_data_term(alphas, means, icf, x):
    """sum_i logsumexp_k( alpha_k + sum_j q_k[j] - 0.5 ||Q_k (x_i - mu_k)||^2 ) over the given points."""
    d = x.shape[1]
    q = gmm_q(icf, d)
    centred = x[:, None, :] - means[None, :, :]                      # [n, K, d]
    qx = torch.einsum("kjl,nkl->nkj", q, centred)                    # Q_k (x_i - mu_k)
    main = alphas + icf[:, :d].sum(1) - 0.5 * (qx * qx).sum(2)       # [n, K]
    return torch.logsumexp(main, 1).sum()


def gmm_rest(alphas, icf, n, d, gamma, m):
    """Every term of E but the data term: constants, -n logsumexp(alpha), the Wishart prior."""
    k = alphas.shape[0]
    q, lower = icf[:, :d], icf[:, d:]
    prior = (0.5 * gamma * gamma * ((torch.exp(2 * q)).sum(1) + (lower * lower).sum(1)) - m * q.sum(1)).sum()
    big_n = d + m + 1
    log_gamma_d = d * (d - 1) / 4 * math.log(ADBENCH_PI) + sum(math.lgamma(0.5 * big_n + 0.5 * (1 - j)) for j in range(1, d + 1))
    c = big_n * d * (math.log(gamma) - 0.5 * math.log(2)) - log_gamma_d
    return (-n * d * 0.5 * math.log(2 * ADBENCH_PI) - n * torch.logsumexp(alphas, 0) + prior - k * c)


def gmm_chunk(inp):
    """Points per chunk: about 4M doubles per [chunk, K, d] temporary (bounds memory; same math)."""
    return max(1, min(inp["n"], (1 << 22) // (inp["k"] * inp["d"])))


def gmm_objective(inp, tensors):
    alphas, means, icf, x = tensors
    n, d, chunk = inp["n"], inp["d"], gmm_chunk(inp)
    with torch.no_grad():
        total = gmm_rest(alphas, icf, n, d, inp["gamma"], inp["m"])
        for start in range(0, n, chunk):
            total = total + gmm_data_term(alphas, means, icf, x[start:start + chunk])
    return total.item()


def gmm_gradient(inp, tensors):
    """E and [dE/dalpha] ++ [dE/dmu] ++ [dE/dicf]; the sum over points is backpropagated chunk by chunk."""
    alphas, means, icf, x = (t.detach().clone() for t in tensors)
    for p in (alphas, means, icf):
        p.requires_grad_(True)
    n, d, chunk = inp["n"], inp["d"], gmm_chunk(inp)
    rest = gmm_rest(alphas, icf, n, d, inp["gamma"], inp["m"])
    rest.backward()
    value = rest.item()
    for start in range(0, n, chunk):
        part = gmm_data_term(alphas, means, icf, x[start:start + chunk])
        part.backward()
        value += part.item()
    return value, torch.cat([alphas.grad.reshape(-1), means.grad.reshape(-1), icf.grad.reshape(-1)])


# ============================================================================ LSTM

def lstm_tensors(inp):
    l, c, b = inp["layers"], inp["steps"], inp["hidden"]
    return (t64(inp["main"], 2 * l, 4 * b), t64(inp["extra"], 3, b), t64(inp["state"], 2 * l, b),
            t64(inp["sequence"], c, b))


def lstm_loss(main, extra, state, sequence):
    """-sum_t sum_j seq[t+1][j] (ypred_j - log(sum exp(ypred) + 2)) / ((c-1) b)."""
    layers, b = main.shape[0] // 2, extra.shape[1]
    steps = sequence.shape[0]
    # per layer: the four gate blocks (forget, ingate, outgate, change) of weights and biases
    w = [main[2 * i].reshape(4, b) for i in range(layers)]
    bias = [main[2 * i + 1].reshape(4, b) for i in range(layers)]
    hidden = [state[2 * i] for i in range(layers)]
    cell = [state[2 * i + 1] for i in range(layers)]
    in_weight, out_weight, out_bias = extra[0], extra[1], extra[2]
    total = 0
    for t in range(steps - 1):
        y = sequence[t] * in_weight
        for i in range(layers):
            f = torch.sigmoid(y * w[i][0] + bias[i][0])             # forget gate: the input
            g = torch.sigmoid(hidden[i] * w[i][1] + bias[i][1])     # in gate: the old hidden
            o = torch.sigmoid(y * w[i][2] + bias[i][2])             # out gate: the input
            z = torch.tanh(hidden[i] * w[i][3] + bias[i][3])        # change: the old hidden
            cell[i] = cell[i] * f + g * z
            hidden[i] = o * torch.tanh(cell[i])
            y = hidden[i]
        ypred = y * out_weight + out_bias
        lse = torch.log(torch.exp(ypred).sum() + 2)                 # ADBench's "+ 2"
        total = total + (sequence[t + 1] * (ypred - lse)).sum()
    return -total / ((steps - 1) * b)


def lstm_objective(inp, tensors):
    with torch.no_grad():
        return lstm_loss(*tensors).item()


def lstm_gradient(inp, tensors):
    main, extra, state, sequence = tensors
    main = main.detach().clone().requires_grad_(True)
    extra = extra.detach().clone().requires_grad_(True)
    loss = lstm_loss(main, extra, state, sequence)
    loss.backward()
    return loss.item(), torch.cat([main.grad.reshape(-1), extra.grad.reshape(-1)])


# ============================================================================ BA

def ba_tensors(inp):
    n, m, p = inp["n"], inp["m"], inp["p"]
    obs = torch.tensor(inp["observations"], dtype=torch.long).reshape(p, 2)
    return (t64(inp["cams"], n, CAMERA_PARAMS), t64(inp["points"], m, 3), t64(inp["weights"], p),
            t64(inp["features"], p, 2), obs)


def ba_project(cam, x):
    """proj(cam, X) for rows of cameras [p, 11] and points [p, 3] (README "Projection")."""
    r, centre, f = cam[:, 0:3], cam[:, 3:6], cam[:, 6]
    principal, k1, k2 = cam[:, 7:9], cam[:, 9], cam[:, 10]
    y = x - centre
    t2 = (r * r).sum(1)
    nonzero = t2 != 0
    # Rodrigues where t2 != 0; sqrt is taken of 1 elsewhere so no 0/0 reaches the gradient
    t = torch.sqrt(torch.where(nonzero, t2, torch.ones_like(t2)))[:, None]
    w = r / t
    cos, sin = torch.cos(t), torch.sin(t)
    rotated = y * cos + torch.cross(w, y, dim=1) * sin + w * (w * y).sum(1, keepdim=True) * (1 - cos)
    first_order = y + torch.cross(r, y, dim=1)
    z = torch.where(nonzero[:, None], rotated, first_order)
    p = z[:, 0:2] / z[:, 2:3]
    s = (p * p).sum(1)
    distortion = 1 + k1 * s + k2 * s * s
    return p * (distortion * f)[:, None] + principal


def ba_reproj(cam_rows, point_rows, weights, features):
    return weights[:, None] * (ba_project(cam_rows, point_rows) - features)


def ba_objective(inp, tensors):
    cams, points, weights, features, obs = tensors
    with torch.no_grad():
        reproj = ba_reproj(cams[obs[:, 0]], points[obs[:, 1]], weights, features)
        w_err = 1 - weights * weights
    return torch.cat([reproj.reshape(-1), w_err])


def ba_jacobian(inp, tensors):
    """The 3p x (11n + 3m + p) Jacobian in ADBench's CSR layout (README "BA / Jacobian")."""
    cams, points, weights, features, obs = tensors
    n, m, p = inp["n"], inp["m"], inp["p"]
    cam_rows = cams[obs[:, 0]].requires_grad_(True)          # observation i's own copies
    point_rows = points[obs[:, 1]].requires_grad_(True)
    w = weights.clone().requires_grad_(True)
    reproj = ba_reproj(cam_rows, point_rows, w, features)
    blocks = []
    for coordinate in (0, 1):   # row 2i + coordinate: d reproj[i, coordinate] / d (cam_i, X_i, w_i)
        g_cam, g_point, g_w = torch.autograd.grad(reproj[:, coordinate].sum(), (cam_rows, point_rows, w),
                                                  retain_graph=coordinate == 0)
        blocks.append(torch.cat([g_cam, g_point, g_w[:, None]], 1))
    w_err = 1 - w * w
    (g_w_err,) = torch.autograd.grad(w_err.sum(), (w,))
    values = torch.cat([torch.stack(blocks, 1).reshape(-1), g_w_err])
    # columns: camera 11*cam_i + 0..10, point 11n + 3*pt_i + 0..2, weight 11n + 3m + i
    i = torch.arange(p)
    cols_block = torch.cat([CAMERA_PARAMS * obs[:, 0:1] + torch.arange(CAMERA_PARAMS),
                            CAMERA_PARAMS * n + 3 * obs[:, 1:2] + torch.arange(3),
                            (CAMERA_PARAMS * n + 3 * m + i)[:, None]], 1)          # [p, 15]
    cols = torch.cat([cols_block[:, None, :].expand(p, 2, 15).reshape(-1), CAMERA_PARAMS * n + 3 * m + i])
    row_pointers = torch.cat([torch.arange(0, 30 * p + 1, 15), 30 * p + torch.arange(1, p + 1)])
    return dict(rows=3 * p, cols=CAMERA_PARAMS * n + 3 * m + p, row_pointers=row_pointers,
                columns=cols, values=values)


# ============================================================================ Hand

def hand_tensors(inp):
    model = inp["model"]
    nb = len(model["bones"])
    if nb != BONE_COUNT:
        raise ValueError(f"the hand model has {nb} bones; the pose layout needs {BONE_COUNT}")
    nv = len(model["basePositions"]) // 4
    count = len(inp["correspondences"])
    tensors = dict(
        parents=model["parents"],
        base_relatives=t64(model["baseRelatives"], nb, 4, 4),
        inverse_base_absolutes=t64(model["inverseBaseAbsolutes"], nb, 4, 4),
        base_positions=t64(model["basePositions"], 4, nv),
        weights=t64(model["weights"], nb, nv),
        triangles=torch.tensor(model["triangles"], dtype=torch.long).reshape(-1, 3),
        correspondences=torch.tensor(inp["correspondences"], dtype=torch.long),
        points=t64(inp["points"], count, 3),
        theta=t64(inp["theta"], THETA_COUNT),
        us=t64(inp["us"], count, 2) if inp["complicated"] else None,
        complicated=inp["complicated"])
    return tensors


def pose_index():
    """Where each entry of P (3 x 25, row-major) comes from in [theta (26), 1, 0] (README "Pose parameters")."""
    one, zero = THETA_COUNT, THETA_COUNT + 1
    cols = 3 + BONE_COUNT
    index = [zero] * (3 * cols)
    for row in range(3):
        index[row * cols + 0] = row              # global angle-axis rotation
        index[row * cols + 1] = one              # scale
        index[row * cols + 2] = 3 + row          # global translation
    for finger in range(5):
        c = 5 + 4 * finger
        index[0 * cols + c] = 6 + 4 * finger     # joint 2: flexion
        index[1 * cols + c] = 7 + 4 * finger     # joint 2: abduction
        index[0 * cols + c + 1] = 8 + 4 * finger  # joint 3
        index[0 * cols + c + 2] = 9 + 4 * finger  # joint 4
    return torch.tensor(index, dtype=torch.long)


POSE_INDEX = pose_index()


def euler_rotations(tx, ty, tz):
    """R = Rz(tz) Ry(ty) Rx(tx) for each bone: [bones, 3, 3]."""
    zeros, ones = torch.zeros_like(tx), torch.ones_like(tx)

    def mat(*rows):
        return torch.stack([torch.stack(r, -1) for r in rows], -2)

    cx, sx, cy, sy, cz, sz = torch.cos(tx), torch.sin(tx), torch.cos(ty), torch.sin(ty), torch.cos(tz), torch.sin(tz)
    rx = mat((ones, zeros, zeros), (zeros, cx, -sx), (zeros, sx, cx))
    ry = mat((cy, zeros, sy), (zeros, ones, zeros), (-sy, zeros, cy))
    rz = mat((cz, -sz, zeros), (sz, cz, zeros), (zeros, zeros, ones))
    return rz @ ry @ rx


def global_rotation(a):
    """Identity if |a| < 1e-4, else the README's Rodrigues matrix of the angle-axis a."""
    norm = torch.sqrt((a * a).sum())
    if norm.item() < 1e-4:
        return torch.eye(3, dtype=F64)
    x, y, z = a[0] / norm, a[1] / norm, a[2] / norm
    s, c = torch.sin(norm), torch.cos(norm)
    return torch.stack([
        torch.stack([x * x + (1 - x * x) * c, x * y * (1 - c) - z * s, x * z * (1 - c) + y * s]),
        torch.stack([x * y * (1 - c) + z * s, y * y + (1 - y * y) * c, y * z * (1 - c) - x * s]),
        torch.stack([x * z * (1 - c) - y * s, z * y * (1 - c) + x * s, z * z + (1 - z * z) * c])])


def hand_vertices(h, theta):
    """V [3, vertices]: skinning with the bone transforms, then the global transform (README "Skinning")."""
    p = torch.cat([theta, torch.ones(1, dtype=F64), torch.zeros(1, dtype=F64)])[POSE_INDEX].reshape(3, 3 + BONE_COUNT)
    euler = p[:, 3:]                                             # column 3 + b: (tx, tz, ty) of bone b
    r = euler_rotations(euler[0], euler[2], euler[1])
    transform = torch.cat([torch.cat([r, torch.zeros(BONE_COUNT, 3, 1, dtype=F64)], 2),
                           torch.tensor([0, 0, 0, 1], dtype=F64).expand(BONE_COUNT, 1, 4)], 1)
    relative = h["base_relatives"] @ transform                   # rel_b = base_relative_b T(R_b)
    absolute = []
    for b, parent in enumerate(h["parents"]):                    # abs_b = abs_parent rel_b
        absolute.append(relative[b] if parent < 0 else absolute[parent] @ relative[b])
    bone = torch.stack(absolute) @ h["inverse_base_absolutes"]   # M_b
    moved = bone[:, 0:3, :] @ h["base_positions"]                # [bones, 3, vertices]
    v = (h["weights"][:, None, :] * moved).sum(0)                # sum_b weight[b][v] (M_b base_h[:, v])[0..2]
    g = global_rotation(p[:, 0]) * p[:, 1][None, :]              # column j scaled by P[j][1]
    return g @ v + p[:, 2:3]


def hand_residuals(h, theta, us):
    v = hand_vertices(h, theta)
    if h["complicated"]:
        tri = h["triangles"][h["correspondences"]]               # [N, 3]
        u0, u1 = us[:, 0:1], us[:, 1:2]
        target = u0 * v[:, tri[:, 0]].T + u1 * v[:, tri[:, 1]].T + (1 - u0 - u1) * v[:, tri[:, 2]].T
    else:
        target = v[:, h["correspondences"]].T
    return (h["points"] - target).reshape(-1)


def hand_objective(inp, h):
    with torch.no_grad():
        return hand_residuals(h, h["theta"], h["us"])


def hand_jacobian(inp, h):
    """Dense 3N x 26 (simple) or compressed 3N x 28 (complicated: columns 0, 1 = d/d u_i0, d/d u_i1 of row i)."""
    from torch.autograd.functional import jacobian
    if h["complicated"]:
        # us + shift with one shift per u component: d residual[3i+j] / d shift = d residual[3i+j] / d u_i
        def f(shift, theta):
            return hand_residuals(h, theta, h["us"] + shift)
        j_shift, j_theta = jacobian(f, (torch.zeros(2, dtype=F64), h["theta"]), vectorize=True, strategy="forward-mode")
        return torch.cat([j_shift, j_theta], 1)
    return jacobian(lambda theta: hand_residuals(h, theta, None), h["theta"], vectorize=True, strategy="forward-mode")


# ============================================================================ driver

PROBLEMS = dict(
    gmm=(gmm_tensors, gmm_objective, gmm_gradient),
    lstm=(lstm_tensors, lstm_objective, lstm_gradient),
    ba=(ba_tensors, ba_objective, ba_jacobian),
    hand=(hand_tensors, hand_objective, hand_jacobian),
)


def measure(fn, min_batch, time_limit, max_batches):
    """ADBench's methodology: batches of repeated calls, each at least min_batch seconds; the minimum per call.

    One untimed call warms up; then batches (each repeating the call until min_batch seconds have
    passed) run until time_limit seconds are spent or max_batches are done (at least one). Reports
    wall-clock seconds (ADBench's measure) and this process's CPU seconds (time.process_time; one
    thread, so on a machine shared with other work it shows the work done, where wall time also
    counts waiting for a core)."""
    fn()
    best, best_cpu, batches, begin = math.inf, math.inf, 0, time.perf_counter()
    while True:
        t0, c0, calls = time.perf_counter(), time.process_time(), 0
        while True:
            fn()
            calls += 1
            elapsed = time.perf_counter() - t0
            if elapsed >= min_batch:
                break
        best = min(best, elapsed / calls)
        best_cpu = min(best_cpu, (time.process_time() - c0) / calls)
        batches += 1
        if batches >= max_batches or time.perf_counter() - begin >= time_limit:
            return dict(seconds=best, cpu_seconds=best_cpu, calls_per_batch=calls, batches=batches)


def derivative_json(problem, derivative):
    if problem in ("gmm", "lstm"):
        return dict(gradient=derivative.tolist())
    if problem == "ba":
        return dict(rows=derivative["rows"], cols=derivative["cols"],
                    row_pointers=derivative["row_pointers"].tolist(),
                    columns=derivative["columns"].tolist(), values=derivative["values"].tolist())
    return dict(rows=derivative.shape[0], cols=derivative.shape[1], values=derivative.reshape(-1).tolist())


def derivative_values(problem, derivative):
    if problem == "ba":
        return derivative["values"]
    return derivative.reshape(-1)


def sizes_of(inp):
    p = inp["problem"]
    if p == "gmm":
        return f"d={inp['d']} K={inp['k']} n={inp['n']}"
    if p == "lstm":
        return f"l={inp['layers']} c={inp['steps']} b={inp['hidden']}"
    if p == "ba":
        return f"n={inp['n']} m={inp['m']} p={inp['p']}"
    return f"{'complicated' if inp['complicated'] else 'simple'} N={len(inp['correspondences'])}"


def fmt_time(seconds):
    for unit, scale in (("s", 1), ("ms", 1e-3), ("us", 1e-6)):
        if seconds >= scale:
            return f"{seconds / scale:.4g} {unit}"
    return f"{seconds * 1e9:.4g} ns"


def compute(inp):
    """(tensors, objective, derivative) of an input; GMM and LSTM return the gradient pass's value too."""
    problem = inp["problem"]
    make_tensors, objective_fn, derivative_fn = PROBLEMS[problem]
    tensors = make_tensors(inp)
    objective = objective_fn(inp, tensors)
    derivative = derivative_fn(inp, tensors)
    if problem in ("gmm", "lstm"):
        value_from_gradient, derivative = derivative
        if not math.isclose(value_from_gradient, objective, rel_tol=1e-12, abs_tol=1e-12):
            raise AssertionError(f"objective {objective!r} and the gradient pass's value {value_from_gradient!r} differ")
    return tensors, objective, derivative


def run(path, args):
    inp = load(path, args.problem, args.model)
    problem = inp["problem"]
    _, objective_fn, derivative_fn = PROBLEMS[problem]
    tensors, objective, derivative = compute(inp)
    values = derivative_values(problem, derivative)
    result = dict(input=path, problem=problem, sizes=sizes_of(inp), torch=torch.__version__,
                  objective=objective if isinstance(objective, float) else objective.tolist(),
                  derivative=derivative_json(problem, derivative),
                  derivative_sum=values.sum().item(), derivative_abs_sum=values.abs().sum().item())

    print(f"{problem} {sizes_of(inp)}  ({path})")
    if isinstance(objective, float):
        print(f"  objective          {objective!r}")
    else:
        print(f"  objective          {objective.numel()} residuals, sum {objective.sum().item()!r}, "
              f"first {[float(v) for v in objective[:3]]}")
    print(f"  derivative         {values.numel()} values, sum {result['derivative_sum']!r}, "
          f"sum |.| {result['derivative_abs_sum']!r}")
    if args.time:
        t_obj = measure(lambda: objective_fn(inp, tensors), args.min_batch, args.time_limit, args.max_batches)
        t_der = measure(lambda: derivative_fn(inp, tensors), args.min_batch, args.time_limit, args.max_batches)
        result["times"] = dict(objective=t_obj, derivative=t_der)
        for name, t in (("objective", t_obj), ("derivative", t_der)):
            print(f"  {name + ' time':18} {fmt_time(t['seconds'])}  (cpu {fmt_time(t['cpu_seconds'])}; "
                  f"min of {t['batches']} batches, the last of {t['calls_per_batch']} calls)")
        print(f"  derivative/objective {t_der['seconds'] / t_obj['seconds']:.3g}  (cpu {t_der['cpu_seconds'] / t_obj['cpu_seconds']:.3g})")
    sys.stdout.flush()
    if args.out:
        write_json(args.out if len(args.inputs) == 1 else f"{args.out}.{os.path.basename(path)}.json", result)
    if args.golden:
        golden = dict(inp)
        golden["expected"] = dict(objective=result["objective"], derivative=result["derivative"],
                                  made_by=f"bench/pytorch/adbench.py, PyTorch {torch.__version__}, float64")
        write_json(args.golden, golden, compact=True)
    return result


# ADBench's own check value for lstm/lstm_l2_c1024.txt, 8 digits
# (microsoft/ADBench, test/python/modules/common/lstm_tests.py)
ADBENCH_LSTM_L2_C1024_OBJECTIVE = 0.66666518


def real_values(data, out):
    """The numbers RealFilesTest compares with, from the smallest of ADBench's real inputs."""
    values = {"about": "Values bench/pytorch/adbench.py --real-values computed for the smallest of ADBench's real inputs "
                       f"(PyTorch {torch.__version__}, float64, one thread); the files themselves are not committed. "
                       "lstm adbench_objective is ADBench's own check value for that file "
                       "(microsoft/ADBench test/python/modules/common/lstm_tests.py, 8 digits)."}
    for path in ("gmm/1k/gmm_d2_K5.txt", "gmm/10k/gmm_d2_K5.txt", "lstm/lstm_l2_c1024.txt"):
        _, objective, gradient = compute(load(os.path.join(data, path)))
        values[path] = dict(objective=objective, gradient=gradient.tolist())
    values["lstm/lstm_l2_c1024.txt"]["adbench_objective"] = ADBENCH_LSTM_L2_C1024_OBJECTIVE
    path = "ba/ba1_n49_m7776_p31843.txt"
    inp = load(os.path.join(data, path))
    _, residuals, j = compute(inp)
    p = inp["p"]
    values[path] = dict(reproj_err_first=residuals[:2].tolist(), w_err_first=residuals[2 * p].item(),
                        residual_sum=residuals.sum().item(), jacobian_rows=j["rows"], jacobian_cols=j["cols"],
                        jacobian_nonzeros=j["values"].numel(), jacobian_first_two_rows=j["values"][:30].tolist(),
                        jacobian_first_two_rows_columns=j["columns"][:30].tolist(),
                        jacobian_last_value=j["values"][-1].item(), jacobian_sum=j["values"].sum().item(),
                        jacobian_abs_sum=j["values"].abs().sum().item())
    for path in ("hand/simple_small/hand1_t26_c100.txt", "hand/complicated_small/hand1_t26_c100.txt"):
        _, residuals, j = compute(load(os.path.join(data, path)))
        values[path] = dict(residuals=residuals.tolist(), jacobian_rows=j.shape[0], jacobian_cols=j.shape[1],
                            jacobian_first_rows=j[:6].reshape(-1).tolist(), jacobian_sum=j.sum().item(),
                            jacobian_abs_sum=j.abs().sum().item())
    write_json(out, values, compact=True)
    print(f"wrote {out}")


def write_json(path, data, compact=False):
    with open(path, "w") as f:
        if compact:
            f.write("{" + ",\n ".join(f"{json.dumps(k)}: {json.dumps(v, separators=(',', ':'))}" for k, v in data.items()) + "}\n")
        else:
            json.dump(data, f)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("inputs", nargs="*", help="ADBench text files or Generate's JSON")
    parser.add_argument("--problem", choices=PROBLEMS, help="for text files whose path does not name it")
    parser.add_argument("--model", help="hand model folder (default: the file's sibling model/)")
    parser.add_argument("--time", action="store_true", help="time objective and derivative")
    parser.add_argument("--min-batch", type=float, default=0.1, help="seconds per timed batch (ADBench: 0.1)")
    parser.add_argument("--time-limit", type=float, default=2.0, help="seconds of timed batches per measurement")
    parser.add_argument("--max-batches", type=int, default=5)
    parser.add_argument("--out", help="write objective, derivative (and times) as JSON")
    parser.add_argument("--golden", help="write the input with the expected objective and derivative (one input)")
    parser.add_argument("--real-values", metavar="DATA",
                        help="write the values RealFilesTest checks (smallest real inputs under ADBench's data folder DATA) to --out")
    args = parser.parse_args()
    if args.real_values:
        if not args.out:
            parser.error("--real-values needs --out")
        real_values(args.real_values, args.out)
        return
    if not args.inputs:
        parser.error("no input given")
    if args.golden and len(args.inputs) != 1:
        parser.error("--golden takes one input")
    for path in args.inputs:
        run(path, args)


if __name__ == "__main__":
    main()
