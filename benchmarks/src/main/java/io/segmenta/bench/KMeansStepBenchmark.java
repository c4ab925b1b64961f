package io.segmenta.bench;

import io.segmenta.datasets.Blobs;
import io.segmenta.kernels.Assignments;
import io.segmenta.kernels.BackendChoice;
import io.segmenta.kernels.BackendOptions;
import io.segmenta.kernels.Backends;
import io.segmenta.kernels.ComputeBackend;
import io.segmenta.kernels.DeviceMatrix;
import io.segmenta.kernels.HostMatrix;
import io.segmenta.kernels.KMeansStepResult;
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
 * One fused K-Means step (assign + float64 sums + counts + inertia) over resident data: the
 * operation every Lloyd iteration costs. The same centroids every invocation, so each call does the
 * full assignment work; the incremental update has nothing to move after the first call, which is
 * what a converging run sees too.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
// BenchMain appends the project's full flag list; this keeps a plain JMH run on the Vector API.
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
public class KMeansStepBenchmark {
  @Param({"1000000"})
  public int n;

  @Param({"16", "64"})
  public int d;

  @Param({"32", "256"})
  public int k;

  @Param({"1", "2"})
  public int threads;

  /** cpu (Vector API), scalar (the float64 reference path), opencl, cuda: as many as run here. */
  @Param({"cpu"})
  public String backend;

  private ComputeBackend be;
  private DeviceMatrix x;
  private Assignments asg;
  private double[] centroids;
  private KMeansStepResult result;

  @Setup(Level.Trial)
  public void setUp() {
    Blobs b = Blobs.generate(n, d, k, 1.0, 10.0, 7);
    be = Backends.open(BackendChoice.parse(backend), new BackendOptions(threads));
    x = be.upload(HostMatrix.ofRowMajor(b.values(), n, d), null);
    asg = be.newAssignments(n);
    centroids = new double[k * d];
    // The first k rows as centroids: a realistic, not-yet-converged starting point.
    for (int i = 0; i < k * d; i++) centroids[i] = b.values()[i];
    result = new KMeansStepResult(k, d);
  }

  @Benchmark
  public KMeansStepResult step() {
    be.kmeansStep(x, centroids, k, asg, result);
    return result;
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    asg.close();
    x.close();
    be.close();
  }
}
