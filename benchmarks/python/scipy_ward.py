"""SciPy's Ward linkage on the peer runner's data, timed (one warm-up on a slice, then the full run).
Prints JSON: version, seconds, merge heights."""
import argparse
import json
import sys
import time


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--data", required=True)
    p.add_argument("--n", type=int, required=True)
    p.add_argument("--d", type=int, required=True)
    a = p.parse_args()
    import numpy as np
    import scipy
    from scipy.cluster.hierarchy import linkage
    x = np.fromfile(a.data, dtype="<f4", count=a.n * a.d).reshape(a.n, a.d).astype(np.float64)
    linkage(x[:500], method="ward")
    t = time.perf_counter()
    z = linkage(x, method="ward")
    s = time.perf_counter() - t
    json.dump({"scipy_version": scipy.__version__, "seconds": s, "heights": z[:, 2].tolist()}, sys.stdout)


if __name__ == "__main__":
    main()
