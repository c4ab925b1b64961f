package io.segmenta.bench;

import io.segmenta.datasets.Blobs;
import io.segmenta.kernels.BackendChoice;
import io.segmenta.kernels.BackendOptions;
import io.segmenta.kernels.Backends;
import io.segmenta.kernels.ComputeBackend;
import io.segmenta.kernels.DeviceMatrix;
import io.segmenta.kernels.HostMatrix;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The pairwise squared-distance kernel: a tile of {@code tile} rows against {@code m} centres, as
 * k-means++ seeding, {@code transform} and the exact silhouette call it.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
public class PairwiseBenchmark {
  @Param({"100000"})
  public int tile;

  @Param({"16"})
  public int d;

  @Param({"256"})
  public int m;

  @Param({"2"})
  public int threads;

  @Param({"cpu"})
  public String backend;

  private ComputeBackend be;
  private DeviceMatrix x;
  private double[] centres;
  private float[] out;

  @Setup(Level.Trial)
  public void setUp() {
    Blobs b = Blobs.generate(tile, d, 32, 1.0, 10.0, 3);
    be = Backends.open(BackendChoice.parse(backend), new BackendOptions(threads));
    x = be.upload(HostMatrix.ofRowMajor(b.values(), tile, d), null);
    centres = new double[m * d];
    for (int i = 0; i < centres.length; i++) centres[i] = b.values()[i % b.values().length];
    out = new float[tile * m];
  }

  @Benchmark
  public float[] pairwise() {
    be.pairwiseSquaredDistances(x, 0, tile, centres, m, out);
    return out;
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    x.close();
    be.close();
  }
}
