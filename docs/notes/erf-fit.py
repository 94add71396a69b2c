"""Regenerates the erf coefficients in packages/core/src/ops/unary/erf.ts.

Least-squares polynomial fits on Chebyshev nodes against mpmath at 40 digits:
  |x| < 1:      erf(x)/x           as a polynomial of degree 11 in t = x^2
  1 <= x < 3:   exp(x^2) erfc(x)   as a polynomial of degree 18 in u = (1/x - mid) / half
  3 <= x < 6:   exp(x^2) erfc(x)   as a polynomial of degree 14 in u (same mapping)
Run: python3 docs/notes/erf-fit.py   (needs numpy and mpmath); prints Horner lines and the max relative error.
"""
import numpy as np
import mpmath as mp

mp.mp.dps = 40


def fit(f, a, b, deg, var, n=400):
    k = np.arange(n)
    xs = (a + b) / 2 + (b - a) / 2 * np.cos(np.pi * (k + 0.5) / n)
    ys = np.array([float(f(mp.mpf(x))) for x in xs])
    coeffs, *_ = np.linalg.lstsq(np.vander(var(xs), deg + 1, increasing=True), ys, rcond=None)
    return coeffs


def horner(c, t):
    r = 0.0
    for ci in reversed(c):
        r = r * t + ci
    return r


def erf_over_x(x):
    return mp.erf(x) / x


def erfcx(x):
    return mp.exp(x * x) * mp.erfc(x)


cA = fit(erf_over_x, 1e-9, 1.0, 11, lambda x: x * x)
print("|x| < 1, t = x*x:")
print(" ".join(repr(float(c)) for c in reversed(cA)))
worst = max(abs(x * horner(cA, x * x) - float(mp.erf(x))) / float(mp.erf(x)) for x in np.linspace(1e-6, 1, 2001))
print("max relative error", worst)
for a, b, deg in ((1, 3, 18), (3, 6, 14)):
    mid, half = (1 / a + 1 / b) / 2, (1 / a - 1 / b) / 2
    c = fit(erfcx, a, b, deg, lambda x: (1 / x - mid) / half)
    print(f"[{a}, {b}), u = (1/x - {mid!r}) / {half!r}:")
    print(" ".join(repr(float(v)) for v in reversed(c)))
    worst = max(abs(horner(c, (1 / x - mid) / half) - float(erfcx(mp.mpf(x)))) / float(erfcx(mp.mpf(x))) for x in np.linspace(a, b, 401))
    print("max relative error", worst)
