"""The calibration's fit: an L2-regularised logistic regression by damped Newton steps, and the signed fit
that drops a feature whose weight comes out against its meaning (``benchmarks.calibrate fit``)."""
from __future__ import annotations

L2 = 1.0
"""Ridge on the weights (not the intercept): with ~20 training errors per feature, keeps a feature seen
failing a handful of times from swinging to an extreme weight."""


def fit_logistic(rows: list[tuple[dict[str, float], bool]], names: tuple[str, ...], l2: float = L2,
                 iterations: int = 50, prior: dict[str, float] | None = None) -> dict:
    """Newton steps on the log-likelihood with a ridge pulling each weight toward ``prior`` (0 if unnamed)."""
    import numpy as np

    X = np.array([[1.0] + [x.get(n, 0.0) for n in names] for x, _ in rows])
    y = np.array([1.0 if right else 0.0 for _, right in rows])
    mu = np.array([0.0] + [(prior or {}).get(n, 0.0) for n in names])
    w = mu.copy()
    reg = np.eye(X.shape[1]) * l2
    reg[0, 0] = 0.0
    def objective(v):  # penalised log-likelihood, computed without overflow
        z = X @ v
        return float((y * z - np.logaddexp(0.0, z)).sum() - 0.5 * (v - mu) @ reg @ (v - mu))

    for _ in range(iterations):
        p = 1 / (1 + np.exp(-np.clip(X @ w, -500, 500)))
        grad = X.T @ (y - p) - reg @ (w - mu)
        hess = (X * (p * (1 - p))[:, None]).T @ X + reg + np.eye(X.shape[1]) * 1e-6
        step = np.linalg.solve(hess, grad)
        # damped Newton: halve the step until the objective does not fall (near-separable data diverges)
        before, t = objective(w), 1.0
        while t > 1e-6 and objective(w + t * step) < before - 1e-12:
            t /= 2
        w += t * step
        if np.abs(t * step).max() < 1e-8:
            break
    return {"intercept": round(float(w[0]), 4), "weights": {n: round(float(v), 4) for n, v in zip(names, w[1:])}}


def fit_signed(rows: list[tuple[dict[str, float], bool]], names: tuple[str, ...], signs: dict[str, int],
               prior: dict[str, float] | None = None) -> dict:
    """Logistic fit in which a feature whose weight comes out against its meaning (a doubt signal that
    raises confidence: a handful of training errors can do that) is dropped and the rest refitted."""
    names = tuple(names)
    while True:
        model = fit_logistic(rows, names, prior=prior)
        bad = [n for n in names if signs.get(n, 0) * model["weights"][n] < 0]
        if not bad:
            break
        names = tuple(n for n in names if n not in bad)
    model["weights"] = {n: model["weights"].get(n, 0.0) for n in signs} | model["weights"]
    return model
