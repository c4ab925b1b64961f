"""The two ceilings of the GPU this runs on, measured, and the floor they give a Lloyd iteration.

METHOD: a large device-to-device copy (bytes read plus bytes written, over the time) for the memory
bandwidth; a large float32 matrix product through cuBLAS with TF32 off (2 m n k over the time) for the
float32 arithmetic rate. Each is the median of 10 timed runs after 3 warm-ups, timed with CUDA events.
For each --shape n,d,k it prints the floor of one Lloyd iteration: the larger of
(n d 4 + 2 n 4 bytes: the data read once, labels and distances written) / bandwidth and
(2 n k d FLOP: the x.c products) / rate. One JSON object on stdout.
"""
import argparse
import json
import statistics
import sys


def timed(torch, fn, reps=10, warm=3):
    for _ in range(warm):
        fn()
    torch.cuda.synchronize()
    out = []
    for _ in range(reps):
        a, b = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        a.record()
        fn()
        b.record()
        b.synchronize()
        out.append(a.elapsed_time(b) / 1e3)
    return statistics.median(out)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--shape", action="append", default=[], help="n,d,k (repeatable)")
    p.add_argument("--copy-gib", type=float, default=4.0)
    p.add_argument("--gemm", type=int, default=8192)
    a = p.parse_args()
    import torch

    dev = torch.device("cuda")
    n = int(a.copy_gib * (1 << 30) / 4)
    src = torch.empty(n, dtype=torch.float32, device=dev).uniform_()
    dst = torch.empty_like(src)
    copy_s = timed(torch, lambda: dst.copy_(src))
    bandwidth = 2 * n * 4 / copy_s
    del src, dst
    torch.backends.cuda.matmul.allow_tf32 = False
    m = a.gemm
    x = torch.randn(m, m, device=dev)
    y = torch.randn(m, m, device=dev)
    gemm_s = timed(torch, lambda: x @ y)
    rate = 2 * m * m * m / gemm_s
    shapes = []
    for s in a.shape:
        sn, sd, sk = (int(v) for v in s.split(","))
        by = sn * sd * 4 + 2 * sn * 4
        fl = 2 * sn * sk * sd
        shapes.append({"n": sn, "d": sd, "k": sk, "bytes": by, "flop": fl, "memory_ms": by / bandwidth * 1e3,
                       "arithmetic_ms": fl / rate * 1e3, "floor_ms": max(by / bandwidth, fl / rate) * 1e3})
    json.dump({"device": torch.cuda.get_device_name(0), "torch_version": torch.__version__,
               "copy_bandwidth_bytes_per_s": bandwidth, "fp32_gemm_flop_per_s": rate, "tf32": False,
               "shapes": shapes}, sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main()
