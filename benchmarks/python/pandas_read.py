"""pandas.read_csv of a feature table into float32, the way a data scientist reads one: median of
REPS whole reads after one warm-up, and the same float-bit checksum as `BenchMain read`.

usage: python3 pandas_read.py FILE [REPS]
"""
import sys
import time

import numpy as np
import pandas as pd

path = sys.argv[1]
reps = int(sys.argv[2]) if len(sys.argv) > 2 else 7
pd.read_csv(path, dtype=np.float32)
times = []
for _ in range(reps):
    t0 = time.perf_counter()
    df = pd.read_csv(path, dtype=np.float32)
    times.append(time.perf_counter() - t0)
x = df.to_numpy(dtype=np.float32)
bits = int(x.view(np.int32).astype(np.int64).sum())
print(f"pandas {pd.__version__} read_csv(dtype=float32): {x.shape[0]} x {x.shape[1]}: median {sorted(times)[reps // 2]:.3f} s, "
      f"runs {[round(t, 3) for t in times]}, float-bit sum {bits}")
