"""Reference Gaussian mixture fits made once with scikit-learn (Debian python3-sklearn 1.2.1):
    /usr/bin/python3 engine/src/test/resources/io/segmenta/mixture/make_fixtures.py > engine/src/test/resources/io/segmenta/mixture/fixtures.json
Data: 1,500 float32 rows in 3 dimensions, three anisotropic blobs offset from the origin. Every fit
starts from the same given parameters (weights, means, covariances; sklearn takes the precisions) and
runs exactly 20 EM iterations (tol = 0). Recorded: lower_bound_, the fitted parameters, bic, aic,
score and predict_proba of the first 10 rows."""
import json
import sys

import numpy as np
import sklearn
from sklearn.mixture import GaussianMixture

rng = np.random.default_rng(7)
centres = np.array([[50.0, 20.0, -10.0], [54.0, 23.0, -6.0], [47.0, 26.0, -12.0]])
blocks = []
for i, c in enumerate(centres):
    a = rng.normal(size=(3, 3)) * (0.6 + 0.4 * i)
    blocks.append(rng.normal(size=(500, 3)) @ a + c)
x = np.concatenate(blocks).astype(np.float32)
x64 = x.astype(np.float64)

k = 4
w0 = np.array([0.3, 0.3, 0.2, 0.2])
m0 = x64[[10, 600, 1100, 1400]] + 0.5
cov0 = np.array([np.eye(3) * s for s in (2.0, 3.0, 1.5, 2.5)])
cov0[0, 0, 1] = cov0[0, 1, 0] = 0.4

out = {"sklearn_version": sklearn.__version__, "x": x.tolist(), "weights_init": w0.tolist(), "means_init": m0.tolist(), "cases": []}
for ctype in ["full", "tied", "diag", "spherical"]:
    if ctype == "full":
        covs = cov0
        prec = np.linalg.inv(cov0)
    elif ctype == "tied":
        covs = cov0[:1]
        prec = np.linalg.inv(cov0[0])
    elif ctype == "diag":
        covs = np.array([np.diag(np.diag(c)) for c in cov0])
        prec = 1.0 / np.array([np.diag(c) for c in cov0])
    else:
        covs = np.array([np.eye(3) * c[0, 0] for c in cov0])
        prec = 1.0 / np.array([c[0, 0] for c in cov0])
    g = GaussianMixture(k, covariance_type=ctype, tol=0.0, max_iter=20, reg_covar=1e-6,
                        weights_init=w0, means_init=m0, precisions_init=prec)
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        g.fit(x64)
    cov = g.covariances_
    if ctype == "tied":
        full = np.array([cov] * k)
    elif ctype == "diag":
        full = np.array([np.diag(c) for c in cov])
    elif ctype == "spherical":
        full = np.array([np.eye(3) * c for c in cov])
    else:
        full = cov
    out["cases"].append({
        "covariance": ctype, "covariances_init": covs.tolist(), "lower_bound": g.lower_bound_, "n_iter": int(g.n_iter_),
        "weights": g.weights_.tolist(), "means": g.means_.tolist(), "covariances": full.tolist(),
        "bic": g.bic(x64), "aic": g.aic(x64), "score": g.score(x64),
        "proba_first10": g.predict_proba(x64[:10]).tolist(), "labels": g.predict(x64).tolist()})
json.dump(out, sys.stdout)
print()
