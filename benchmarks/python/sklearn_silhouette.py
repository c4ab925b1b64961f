"""scikit-learn's exact silhouette_score on the peer runner's data and labels, timed (median of runs
after one warm-up). Prints JSON: version, seconds, score."""
import argparse
import json
import statistics
import sys
import time


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--data", required=True)
    p.add_argument("--labels", required=True, help="little-endian int32 labels")
    p.add_argument("--n", type=int, required=True)
    p.add_argument("--d", type=int, required=True)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--repeats", type=int, default=3)
    a = p.parse_args()
    import numpy as np
    import sklearn
    from sklearn.metrics import silhouette_score
    from threadpoolctl import threadpool_limits
    x = np.fromfile(a.data, dtype="<f4", count=a.n * a.d).reshape(a.n, a.d)
    labels = np.fromfile(a.labels, dtype="<i4", count=a.n)
    with threadpool_limits(limits=a.threads):
        silhouette_score(x[:2000], labels[:2000])
        times, score = [], None
        for _ in range(a.repeats):
            t = time.perf_counter()
            score = float(silhouette_score(x, labels))
            times.append(time.perf_counter() - t)
    json.dump({"sklearn_version": sklearn.__version__, "seconds": statistics.median(times), "score": score}, sys.stdout)


if __name__ == "__main__":
    main()
