"""scikit-learn's KMeans(n_clusters=k, n_init=10) (k-means++, its defaults otherwise) on a data file,
one fit per seed. Prints JSON: version and, per seed, the final centroids, so that the Java runner
computes the Centroid Index against the ground truth with the same code as for the engine."""
import argparse
import json
import sys


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--data", required=True, help="little-endian float64, n x d row-major")
    p.add_argument("--n", type=int, required=True)
    p.add_argument("--d", type=int, required=True)
    p.add_argument("--k", type=int, required=True)
    p.add_argument("--seeds", required=True, help="comma-separated")
    a = p.parse_args()
    import numpy as np
    import sklearn
    from sklearn.cluster import KMeans
    from threadpoolctl import threadpool_limits
    x = np.fromfile(a.data, dtype="<f8", count=a.n * a.d).reshape(a.n, a.d)
    out = {"sklearn_version": sklearn.__version__, "runs": []}
    with threadpool_limits(limits=1):
        for s in a.seeds.split(","):
            km = KMeans(n_clusters=a.k, n_init=10, random_state=int(s)).fit(x)
            out["runs"].append({"seed": int(s), "centroids": km.cluster_centers_.tolist()})
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
