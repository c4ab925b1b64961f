package io.segmenta.kernels;

/**
 * What a backend is running on.
 *
 * @param name short name used in logs and summaries, e.g. {@code cpu-vector}, {@code cpu-scalar}
 * @param kind the backend family
 * @param device the device in words, e.g. the CPU model and lane width, or the GPU name
 * @param threads worker threads (CPU backends), 0 where not meaningful
 */
public record BackendInfo(String name, BackendKind kind, String device, int threads) {}
