package io.segmenta.kernels;

import java.util.Locale;

/** Which backend the user asks for. */
public enum BackendChoice {
  /** CUDA where a device is usable, else an OpenCL GPU, else the CPU (Vector API when present). */
  AUTO,
  /** The CPU backend: Vector API kernels, or the scalar path when the module is missing. */
  CPU,
  /** The scalar float64 reference path on the CPU: slow, used as the oracle. */
  SCALAR,
  /** A CUDA GPU through JCuda; fails if none is usable. */
  CUDA,
  /** An OpenCL device through JOCL; fails if none is usable. */
  OPENCL;

  /** Parses {@code auto|cpu|scalar|cuda|opencl}, case-insensitively. */
  public static BackendChoice parse(String s) {
    try {
      return valueOf(s.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "unknown backend '" + s + "': expected one of auto, cpu, scalar, cuda, opencl", e);
    }
  }

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
