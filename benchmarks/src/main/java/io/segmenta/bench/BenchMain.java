package io.segmenta.bench;

import io.segmenta.kernels.JvmFlags;
import java.util.Arrays;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Entry point of {@code benchmarks.jar}.
 *
 * <pre>
 *   java @kernels/target/classes/segmenta-jvm.args -jar benchmarks/target/benchmarks.jar jmh [JMH options]
 *   java @kernels/target/classes/segmenta-jvm.args -jar benchmarks/target/benchmarks.jar peers [--help]
 * </pre>
 */
public final class BenchMain {
  private BenchMain() {}

  public static void main(String[] args) throws Exception {
    if (args.length == 0 || args[0].equals("-h") || args[0].equals("--help")) {
      System.out.println("usage: BenchMain jmh [JMH options, e.g. KMeansStep -p threads=1]");
      System.out.println("       BenchMain peers [--help]");
      System.out.println("       BenchMain aparapi [n d k reps]   (Aparapi vs the JOCL kernel on one OpenCL device)");
      System.out.println("       BenchMain quality [--swaps 5000] [--seeds 1,2,3,4,5] [--sets s1,a3,...] [--sklearn true|false]");
      System.out.println("       BenchMain lookups [--customers 1000000] [--threads 16] [--seconds 20 | 600 for the soak] [--refresh-ms 100]");
      System.out.println("       BenchMain mapbuild ENTRIES FILE   (a Chronicle Map of ENTRIES keys built in FILE's directory)");
      System.out.println("       BenchMain read FILE [--reps 7] [--threads N]   (TableReader.read of a feature table; benchmarks/run-read.sh)");
      System.out.println("       BenchMain fitcost [--warm 3] -- kmeans ARGS   (cold fit minus warm fits in one JVM; benchmarks/run-fitcost.sh)");
      System.out.println("       BenchMain steady [--threads 2] [--fits 8]   (steady Lloyd iterations, 1M x 16, k = 32, through the facade)");
      System.out.println("       BenchMain lloyd --data FILE [--n 10000000] [--d 16] [--k 32] [--iters 10] [--backend cuda|opencl|cpu]");
      return;
    }
    String[] rest = Arrays.copyOfRange(args, 1, args.length);
    switch (args[0]) {
      case "jmh" -> jmh(rest);
      case "peers" -> System.exit(PeersRunner.main(rest));
      case "aparapi" -> io.segmenta.bench.aparapi.AparapiVsJocl.main(rest);
      case "quality" -> QualityRunner.main(rest);
      case "lookups" -> LookupLoad.main(rest);
      case "lloyd" -> LloydAtScale.main(rest);
      case "mapbuild" -> MapBuildBench.main(rest);
      case "read" -> ReadBench.main(rest);
      case "fitcost" -> FitCost.main(rest);
      case "steady" -> SteadyLloyd.main(rest);
      default -> {
        System.err.println("BenchMain: unknown command '" + args[0] + "': expected jmh, peers, aparapi, quality, lookups, lloyd, mapbuild, read or fitcost");
        System.exit(2);
      }
    }
  }

  /** JMH with the project's JVM flags appended to every fork, whatever the command line says. */
  static void jmh(String[] args) throws RunnerException, CommandLineOptionException {
    CommandLineOptions cli = new CommandLineOptions(args);
    OptionsBuilder b = new OptionsBuilder();
    b.parent(cli);
    b.jvmArgsAppend(JvmFlags.all().toArray(String[]::new));
    new Runner(b.build()).run();
  }
}
