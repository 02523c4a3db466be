#!/usr/bin/python3
"""Fits the polynomials of io.jgrad.runtime.SpecialFunctions (erf, erfc) with mpmath and prints
them as Java arrays; also writes erf_table.csv, the reference values the tests compare against.

  /usr/bin/python3 fit_erf.py coefficients   # Java source of the coefficient arrays
  /usr/bin/python3 fit_erf.py table          # erf_table.csv (x, erf, erfc) and log2_table.csv at 60 digits

Each piece is a polynomial in t = (2x - a - b)/(b - a) on [a, b] (t in [-1, 1]): the Chebyshev
interpolant of the function at high precision, converted to monomials in t and rounded to
double. Pieces:
  erf(x) = x * P(t), t from u = x^2 on [0, 1]                  (|x| <= 1)
  erfc(x) = exp(-x^2) * G_i(t) / x, G(x) = x e^(x^2) erfc(x)   on [0.5,1], [1,2], [2,4]
  erfc(x) = exp(-x^2) * H(t) / x, H(v) = G(1/v), t from v = 1/x on [1/28, 1/4]   (4 <= x <= 28)
"""
import sys, random
import mpmath as mp

mp.mp.dps = 60


def cheb_monomials(f, a, b, n):
    """Monomial coefficients (in t on [-1, 1]) of the degree-n Chebyshev interpolant of f on [a, b]."""
    nodes = [mp.cos(mp.pi * (k + mp.mpf(1) / 2) / (n + 1)) for k in range(n + 1)]
    vals = [f((b - a) / 2 * t + (a + b) / 2) for t in nodes]
    # Chebyshev coefficients
    c = []
    for j in range(n + 1):
        s = mp.fsum(vals[k] * mp.cos(mp.pi * j * (k + mp.mpf(1) / 2) / (n + 1)) for k in range(n + 1))
        c.append(s * 2 / (n + 1) * (mp.mpf(1) / 2 if j == 0 else 1))
    # T_j as monomials
    T = [[mp.mpf(1)], [mp.mpf(0), mp.mpf(1)]]
    for j in range(2, n + 1):
        prev, prev2 = T[-1], T[-2]
        nxt = [mp.mpf(0)] + [2 * v for v in prev]
        for i, v in enumerate(prev2):
            nxt[i] -= v
        T.append(nxt)
    m = [mp.mpf(0)] * (n + 1)
    for j in range(n + 1):
        for i, v in enumerate(T[j]):
            m[i] += c[j] * v
    return [float(v) for v in m]   # rounded to double


def horner(cs, t):
    r = mp.mpf(cs[-1])
    for c in reversed(cs[:-1]):
        r = r * t + mp.mpf(c)
    return r


def max_rel_error(f, cs, a, b, samples=400):
    worst = 0
    for k in range(samples + 1):
        x = a + (b - a) * mp.mpf(k) / samples
        t = (2 * x - a - b) / (b - a)
        worst = max(worst, abs(horner(cs, t) / f(x) - 1))
    return worst


def pieces():
    P = lambda u: mp.erf(mp.sqrt(u)) / mp.sqrt(u) if u > 0 else 2 / mp.sqrt(mp.pi)
    G = lambda x: x * mp.exp(x * x) * mp.erfc(x)
    H = lambda v: G(1 / v)
    out = [("ERF_P", P, mp.mpf(0), mp.mpf(1), 17)]
    for i, (a, b, n) in enumerate(((0.5, 1, 18), (1, 2, 20), (2, 4, 20))):
        out.append((f"ERFC_G{i}", G, mp.mpf(a), mp.mpf(b), n))
    out.append(("ERFC_H", H, mp.mpf(1) / 28, mp.mpf(1) / 4, 18))
    return out


def coefficients():
    for name, f, a, b, n in pieces():
        cs = cheb_monomials(f, a, b, n)
        err = max_rel_error(f, cs, a, b)
        print(f"    // [{mp.nstr(a, 6)}, {mp.nstr(b, 6)}], degree {n}: max relative error of the rounded coefficients {mp.nstr(err, 3)}")
        print(f"    private static final double[] {name} = {{")
        for i in range(0, len(cs), 3):
            print("        " + ", ".join(repr(c) for c in cs[i:i + 3]) + ",")
        print("    };")


def table():
    rng = random.Random(20261231)
    xs = [0.0, 1e-300, 5e-324, 1e-20, 1e-9, 0.5, 1.0, 2.0, 4.0, 8.0, 6.0, 10.0, 26.0, 26.5, 27.0, 27.3, 28.0, 3.5, 30.0]
    for lo, hi, n in ((0, 0.5, 1500), (0.5, 1, 1500), (1, 2, 1500), (2, 4, 1500), (4, 8, 1500), (8, 28, 1500), (-6, 0, 1500)):
        xs += [rng.uniform(lo, hi) for _ in range(n)]
    xs += [-x for x in xs[:19]]
    xs += [2.0 ** rng.uniform(-60, -1) for _ in range(300)]
    with open("erf_table.csv", "w") as fh:
        fh.write("# x, erf(x), erfc(x): mpmath at 60 digits, each rounded to the nearest double (repr)\n")
        for x in xs:
            X = mp.mpf(x)
            fh.write(f"{x!r},{float(mp.erf(X))!r},{float(mp.erfc(X))!r}\n")
    ys = [2.0 ** rng.uniform(-1070, 1020) for _ in range(1000)] + [rng.uniform(0.5, 2) for _ in range(2000)]
    ys += [1 + rng.uniform(-1e-6, 1e-6) for _ in range(500)] + [5e-324, 1e-310, 1.7976931348623157e308, 0.75, 1.5, 3.0]
    with open("log2_table.csv", "w") as fh:
        fh.write("# x, log2(x): mpmath at 60 digits, rounded to the nearest double (repr)\n")
        for y in ys:
            fh.write(f"{y!r},{float(mp.log(mp.mpf(y), 2))!r}\n")


if __name__ == "__main__":
    {"coefficients": coefficients, "table": table}[sys.argv[1]]()
