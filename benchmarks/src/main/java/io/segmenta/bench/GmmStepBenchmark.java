package io.segmenta.bench;

import io.segmenta.datasets.Blobs;
import io.segmenta.kernels.BackendChoice;
import io.segmenta.kernels.BackendOptions;
import io.segmenta.kernels.Backends;
import io.segmenta.kernels.ComputeBackend;
import io.segmenta.kernels.DeviceMatrix;
import io.segmenta.kernels.GmmComponents;
import io.segmenta.kernels.GmmStepResult;
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
 * The two backend operations of a Gaussian mixture over resident data: {@code emPass} (the E-step
 * and the M-step's moment accumulation, fused: what every EM iteration costs on the device) and
 * {@code eStep} (log densities of every row, the E-step alone, as predict and predict_proba run
 * it). Components: the first k rows as means, identity-like precision factors.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
public class GmmStepBenchmark {
  @Param({"200000"})
  public int n;

  @Param({"8", "32"})
  public int d;

  @Param({"8", "32"})
  public int k;

  /** FULL (full and tied covariances) or DIAG (diag and spherical). */
  @Param({"FULL", "DIAG"})
  public String form;

  @Param({"1", "2"})
  public int threads;

  @Param({"cpu"})
  public String backend;

  private ComputeBackend be;
  private DeviceMatrix x;
  private GmmComponents g;
  private GmmStepResult result;
  private double[] densities;

  @Setup(Level.Trial)
  public void setUp() {
    Blobs b = Blobs.generate(n, d, k, 1.5, 6.0, 11);
    be = Backends.open(BackendChoice.parse(backend), new BackendOptions(threads));
    x = be.upload(HostMatrix.ofRowMajor(b.values(), n, d), null);
    GmmComponents.Form f = GmmComponents.Form.valueOf(form);
    double[] means = new double[k * d];
    for (int i = 0; i < k * d; i++) means[i] = b.values()[i];
    double[] p = new double[f == GmmComponents.Form.FULL ? k * d * d : k * d];
    double[] ln = new double[k];
    for (int c = 0; c < k; c++) {
      for (int j = 0; j < d; j++) {
        if (f == GmmComponents.Form.FULL) {
          p[(c * d + j) * d + j] = 1;
          for (int q = j + 1; q < d; q++) p[(c * d + j) * d + q] = 0.05;
        } else {
          p[c * d + j] = 1;
        }
      }
      ln[c] = -Math.log(k) - 0.5 * d * Math.log(2 * Math.PI);
    }
    g = new GmmComponents(f, k, d, means, p, ln);
    result = new GmmStepResult(f, k, d);
    densities = new double[n * k];
  }

  @Benchmark
  public GmmStepResult emPass() {
    be.gmmStep(x, g, result);
    return result;
  }

  @Benchmark
  public double[] eStep() {
    be.gmmLogDensities(x, 0, n, g, densities);
    return densities;
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    x.close();
    be.close();
  }
}
