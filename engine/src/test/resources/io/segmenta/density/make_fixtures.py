"""Reference DBSCAN labels made once with scikit-learn (Debian python3-sklearn 1.2.1):
    /usr/bin/python3 engine/src/test/resources/io/segmenta/density/make_fixtures.py > engine/src/test/resources/io/segmenta/density/fixtures.json
Data: every 5th point of the UEF set s1 as float32 (2-D: the grid index), and the same points as
4-D float32 rows (x, y, x + y, x - y) (the k-d tree index)."""
import json
import sys

import numpy as np
import sklearn
from sklearn.cluster import DBSCAN

x = np.loadtxt("datasets/uef/s-sets/s1.txt").astype(np.float32)[::5]
x4 = np.stack([x[:, 0], x[:, 1], x[:, 0] + x[:, 1], x[:, 0] - x[:, 1]], axis=1).astype(np.float32)
out = {"sklearn_version": sklearn.__version__, "cases": []}
for name, data, eps, min_samples in [("s1-2d", x, 30000.0, 5), ("s1-2d-tight", x, 15000.0, 8), ("s1-4d", x4, 45000.0, 5)]:
    m = DBSCAN(eps=eps, min_samples=min_samples).fit(data.astype(np.float64))
    out["cases"].append({"name": name, "eps": eps, "min_samples": min_samples, "labels": m.labels_.tolist(),
                         "core": sorted(m.core_sample_indices_.tolist())})
json.dump(out, sys.stdout)
print()
