"""scikit-learn's DBSCAN on the peer runner's 2-D data, timed (one warm-up on a slice, then the full
run). Prints JSON: version, seconds, number of clusters, noise points, and the labels' checksum."""
import argparse
import json
import sys
import time


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--data", required=True)
    p.add_argument("--n", type=int, required=True)
    p.add_argument("--d", type=int, required=True)
    p.add_argument("--eps", type=float, required=True)
    p.add_argument("--min-samples", type=int, required=True)
    a = p.parse_args()
    import numpy as np
    import sklearn
    from sklearn.cluster import DBSCAN
    x = np.fromfile(a.data, dtype="<f4", count=a.n * a.d).reshape(a.n, a.d).astype(np.float64)
    DBSCAN(eps=a.eps, min_samples=a.min_samples).fit(x[:2000])
    t = time.perf_counter()
    labels = DBSCAN(eps=a.eps, min_samples=a.min_samples).fit(x).labels_
    s = time.perf_counter() - t
    json.dump({"sklearn_version": sklearn.__version__, "seconds": s, "clusters": int(labels.max() + 1),
               "noise": int((labels == -1).sum()), "labels_hash": int(np.sum((labels + 2).astype(np.int64) * (np.arange(a.n) % 9973 + 1)))},
              sys.stdout)


if __name__ == "__main__":
    main()
