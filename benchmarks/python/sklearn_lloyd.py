"""scikit-learn's side of the peer comparison: KMeans(algorithm='lloyd') on float32 from given
initial centroids, a fixed number of iterations (tol=0), timed per fit. Called by the Java runner
(io.segmenta.bench.PeersRunner), which generates the data and checks the result.

Prints one JSON object: version, thread count, the median wall seconds of the timed fits, the
iterations sklearn ran, and the final centroids (so that the runner recomputes their inertia in
float64 on the same data as the engine's).
"""
import argparse
import json
import os
import statistics
import sys
import time


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--data", required=True, help="raw little-endian float32, n*d values, row-major")
    p.add_argument("--init", required=True, help="raw little-endian float64, k*d values, row-major")
    p.add_argument("--n", type=int, required=True)
    p.add_argument("--d", type=int, required=True)
    p.add_argument("--k", type=int, required=True)
    p.add_argument("--iters", type=int, required=True)
    p.add_argument("--threads", type=int, required=True)
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--impl", choices=["sklearn", "scipy"], default="sklearn",
                   help="sklearn: KMeans(algorithm='lloyd'); scipy: scipy.cluster.vq.kmeans2(minit='matrix'), iter iterations")
    a = p.parse_args()

    import numpy as np
    import sklearn
    from sklearn.cluster import KMeans
    from threadpoolctl import threadpool_limits

    t0 = time.perf_counter()
    x = np.fromfile(a.data, dtype="<f4", count=a.n * a.d).reshape(a.n, a.d)
    init = np.fromfile(a.init, dtype="<f8", count=a.k * a.d).reshape(a.k, a.d).astype(np.float32)
    load_s = time.perf_counter() - t0

    class Fitted:
        pass

    def fit():
        if a.impl == "scipy":
            import scipy
            from scipy.cluster.vq import kmeans2
            t = time.perf_counter()
            centroids, _ = kmeans2(x, init.copy(), iter=a.iters, minit="matrix", missing="warn")
            f = Fitted()
            f.cluster_centers_, f.n_iter_, f.inertia_ = centroids, a.iters, float("nan")
            f.version = "SciPy " + scipy.__version__
            return time.perf_counter() - t, f
        km = KMeans(n_clusters=a.k, init=init, n_init=1, max_iter=a.iters, tol=0.0, algorithm="lloyd")
        t = time.perf_counter()
        km.fit(x)
        km.version = "scikit-learn " + sklearn.__version__
        return time.perf_counter() - t, km

    with threadpool_limits(limits=a.threads):
        warm_s, _ = fit()  # first call: imports, OpenMP pool start
        times, km = [], None
        for _ in range(a.repeats):
            s, km = fit()
            times.append(s)
    json.dump({
        "sklearn_version": sklearn.__version__,
        "impl_version": km.version,
        "numpy_version": np.__version__,
        "python": sys.version.split()[0],
        "threads": a.threads,
        "load_seconds": load_s,
        "warmup_seconds": warm_s,
        "fit_seconds": times,
        "fit_seconds_median": statistics.median(times),
        "n_iter": int(km.n_iter_),
        "inertia_sklearn": float(km.inertia_),
        "centroids": km.cluster_centers_.astype(float).tolist(),
    }, sys.stdout)


if __name__ == "__main__":
    main()
