"""scikit-learn's GaussianMixture on the peer runner's data, from the runner's starting parameters
(weights 1/k, the given means, identity covariances), a fixed number of EM iterations (tol 0), timed
(median of runs after one warm-up fit). Prints JSON: version, fit seconds, n_iter, lower bound."""
import argparse
import json
import statistics
import sys
import time
import warnings


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--data", required=True, help="little-endian float32, n x d row-major")
    p.add_argument("--means", required=True, help="little-endian float64, k x d row-major")
    p.add_argument("--n", type=int, required=True)
    p.add_argument("--d", type=int, required=True)
    p.add_argument("--k", type=int, required=True)
    p.add_argument("--iters", type=int, required=True)
    p.add_argument("--covariance", default="full")
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--repeats", type=int, default=3)
    a = p.parse_args()
    import numpy as np
    import sklearn
    from sklearn.mixture import GaussianMixture
    from threadpoolctl import threadpool_limits
    x = np.fromfile(a.data, dtype="<f4", count=a.n * a.d).reshape(a.n, a.d).astype(np.float64)
    means = np.fromfile(a.means, dtype="<f8", count=a.k * a.d).reshape(a.k, a.d)
    weights = np.full(a.k, 1.0 / a.k)
    prec = {"full": np.array([np.eye(a.d)] * a.k), "tied": np.eye(a.d), "diag": np.ones((a.k, a.d)),
            "spherical": np.ones(a.k)}[a.covariance]

    def fit():
        g = GaussianMixture(a.k, covariance_type=a.covariance, tol=0.0, max_iter=a.iters, reg_covar=1e-6,
                            weights_init=weights, means_init=means, precisions_init=prec)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # ConvergenceWarning: tol 0 never converges, by design
            g.fit(x)
        return g

    with threadpool_limits(limits=a.threads):
        fit()
        times, g = [], None
        for _ in range(a.repeats):
            t = time.perf_counter()
            g = fit()
            times.append(time.perf_counter() - t)
    json.dump({"sklearn_version": sklearn.__version__, "fit_seconds_median": statistics.median(times),
               "n_iter": int(g.n_iter_), "lower_bound": float(g.lower_bound_)}, sys.stdout)


if __name__ == "__main__":
    main()
