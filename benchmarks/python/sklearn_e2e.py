"""The pandas + scikit-learn side of the end-to-end comparison (issue 16, benchmarks/run-e2e.sh):
the whole job as one process, the way a data scientist would write it. Reads the CSV with
pandas.read_csv (float32), fits KMeans from the given initial centroids (n_init=1, a fixed number of
Lloyd iterations, tol=0), writes assignments.csv (id,segment) and centroids.csv (segment,columns)
under --out. The runner times the whole process from outside; this script prints its own phases to
stderr (import, read, fit, write) for the table.
"""
import argparse
import os
import sys
import time

t_start = time.perf_counter()
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from sklearn.cluster import KMeans  # noqa: E402

t_import = time.perf_counter()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--input", required=True)
    p.add_argument("--init", required=True, help="CSV of k starting centroids, with a header")
    p.add_argument("--k", type=int, required=True)
    p.add_argument("--max-iter", type=int, required=True)
    p.add_argument("--out", required=True)
    a = p.parse_args()

    t0 = time.perf_counter()
    x = pd.read_csv(a.input, dtype=np.float32).to_numpy()
    init = pd.read_csv(a.init, dtype=np.float32).to_numpy()
    t1 = time.perf_counter()
    km = KMeans(n_clusters=a.k, init=init, n_init=1, max_iter=a.max_iter, tol=0, algorithm="lloyd").fit(x)
    t2 = time.perf_counter()
    os.makedirs(a.out, exist_ok=True)
    pd.DataFrame({"id": np.arange(1, len(x) + 1), "segment": km.labels_}).to_csv(os.path.join(a.out, "assignments.csv"), index=False)
    c = pd.DataFrame(km.cluster_centers_, columns=[f"f{j}" for j in range(x.shape[1])])
    c.insert(0, "segment", np.arange(a.k))
    c.to_csv(os.path.join(a.out, "centroids.csv"), index=False)
    t3 = time.perf_counter()
    print(f"phases: import {t_import - t_start:.3f} read {t1 - t0:.3f} fit {t2 - t1:.3f} write {t3 - t2:.3f} iterations {km.n_iter_} inertia {km.inertia_:.9e}",
          file=sys.stderr)


if __name__ == "__main__":
    main()
