"""PyTorch baseline for the GPU rows of the peer comparison: plain Lloyd in float32 on the GPU,
from the same initial centroids, a fixed number of iterations. Assignment by the matmul expansion
(||x||^2 - 2 x.c + ||c||^2, what a PyTorch user would write), update by index_add_. Data already on
the device is the fair comparison with the engine's resident data: the upload is timed apart.

Prints one JSON object with the median wall seconds per fit (synchronised), the iterations and the
final centroids.
"""
import argparse
import json
import statistics
import sys
import time


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--data", required=True)
    p.add_argument("--init", required=True)
    p.add_argument("--n", type=int, required=True)
    p.add_argument("--d", type=int, required=True)
    p.add_argument("--k", type=int, required=True)
    p.add_argument("--iters", type=int, required=True)
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--chunk", type=int, default=0,
                   help="rows per distance block (default: all rows while the n x k block stays under 4 GiB)")
    p.add_argument("--tf32", default="false", help="allow TF32 in the matmul (default false: float32 like the engine)")
    a = p.parse_args()

    import numpy as np
    import torch

    dev = torch.device("cuda")
    torch.backends.cuda.matmul.allow_tf32 = a.tf32 == "true"
    chunk = a.chunk or max(1, min(a.n, (1 << 30) // a.k))
    x_host = np.fromfile(a.data, dtype="<f4", count=a.n * a.d).reshape(a.n, a.d)
    init = np.fromfile(a.init, dtype="<f8", count=a.k * a.d).reshape(a.k, a.d).astype(np.float32)
    t0 = time.perf_counter()
    x = torch.from_numpy(x_host).to(dev)
    torch.cuda.synchronize()
    upload_s = time.perf_counter() - t0
    xx = (x * x).sum(dim=1, keepdim=True)

    def fit():
        c = torch.from_numpy(init).to(dev)
        torch.cuda.synchronize()
        t = time.perf_counter()
        for _ in range(a.iters):
            cc = (c * c).sum(dim=1)[None, :]
            sums = torch.zeros_like(c)
            counts = torch.zeros(a.k, dtype=x.dtype, device=dev)
            # Blocks of rows, so that the n x k distances fit at 10^8 rows (102 GB in one piece).
            for s in range(0, a.n, chunk):
                xs = x[s:s + chunk]
                dist = xx[s:s + chunk] - 2.0 * (xs @ c.T) + cc
                labels = dist.argmin(dim=1)
                sums.index_add_(0, labels, xs)
                counts += torch.bincount(labels, minlength=a.k).to(x.dtype)
            nonempty = counts > 0
            c = torch.where(nonempty[:, None], sums / counts.clamp(min=1)[:, None], c)
        torch.cuda.synchronize()
        return time.perf_counter() - t, c

    fit()  # warm-up: kernels, cuBLAS handle
    times, c = [], None
    for _ in range(a.repeats):
        s, c = fit()
        times.append(s)
    json.dump({
        "torch_version": torch.__version__,
        "device": torch.cuda.get_device_name(0),
        "upload_seconds": upload_s,
        "fit_seconds": times,
        "fit_seconds_median": statistics.median(times),
        "n_iter": a.iters,
        "chunk_rows": chunk,
        "tf32_matmul": bool(torch.backends.cuda.matmul.allow_tf32),
        "centroids": c.double().cpu().numpy().tolist(),
    }, sys.stdout)


if __name__ == "__main__":
    main()
