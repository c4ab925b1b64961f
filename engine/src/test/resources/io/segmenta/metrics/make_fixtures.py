"""Reference values for the metrics tests, made once with scikit-learn (Debian python3-sklearn 1.2.1):
    /usr/bin/python3 engine/src/test/resources/io/segmenta/metrics/make_fixtures.py > engine/src/test/resources/io/segmenta/metrics/fixtures.json
Data: the UEF sets s1 and a1 shipped in datasets/uef with their ground-truth labels, and the same
points with labels shifted by one row (a worse partition), so that every metric is checked on a good
and a poor labelling."""
import gzip
import json
import sys

import numpy as np
import sklearn
from sklearn import metrics

out = {"sklearn_version": sklearn.__version__, "cases": []}
for folder, name in [("s-sets", "s1"), ("a-sets", "a1")]:
    x = np.loadtxt(f"datasets/uef/{folder}/{name}.txt").astype(np.float32).astype(np.float64)
    with gzip.open(f"datasets/uef/{folder}/labels/{name}.labels0.gz", "rt") as f:
        y = np.array([int(l) - 1 for l in f if l.strip()])
    for variant, labels in [("truth", y), ("shifted", np.roll(y, 1))]:
        out["cases"].append({
            "set": name, "labels": variant,
            "calinski_harabasz": metrics.calinski_harabasz_score(x, labels),
            "davies_bouldin": metrics.davies_bouldin_score(x, labels),
            "silhouette": metrics.silhouette_score(x, labels),
            "ari_vs_truth": metrics.adjusted_rand_score(y, labels),
            "nmi_vs_truth": metrics.normalized_mutual_info_score(y, labels),
        })
json.dump(out, sys.stdout, indent=1)
print()
