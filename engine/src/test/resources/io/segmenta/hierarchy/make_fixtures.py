"""Reference linkages made once with SciPy (Debian python3-scipy 1.10.1):
    /usr/bin/python3 engine/src/test/resources/io/segmenta/hierarchy/make_fixtures.py > engine/src/test/resources/io/segmenta/hierarchy/fixtures.json
Data: every 12th point of the UEF set s1 (417 points, float32 like the engine reads them)."""
import json
import sys

import numpy as np
import scipy
from scipy.cluster.hierarchy import fcluster, linkage

x = np.loadtxt("datasets/uef/s-sets/s1.txt").astype(np.float32).astype(np.float64)[::12]
out = {"scipy_version": scipy.__version__, "rows": int(len(x)), "step": 12, "methods": {}}
for method in ["ward", "complete", "average", "single"]:
    z = linkage(x, method=method)
    out["methods"][method] = {
        "heights": z[:, 2].tolist(),
        "sizes": z[:, 3].astype(int).tolist(),
        "maxclust15": fcluster(z, 15, criterion="maxclust").tolist(),
    }
json.dump(out, sys.stdout)
print()
