package io.segmenta.bench;

import io.segmenta.cli.SegmentCli;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The fixed cost of a fit (issue 16): in ONE fresh JVM, runs the given {@code segment} command line
 * (through {@link SegmentCli#run}) once cold, then {@code warm} more times, and prints summary.json's
 * {@code seconds} (the fit) of each. The warm runs are the zero-work reference: the same fit once
 * every kernel is compiled and every backend probe is cached, i.e. the fit's own work. The fixed
 * cost is cold minus the median warm run. {@code benchmarks/run-fitcost.sh} starts 5 such JVMs.
 *
 * <pre>BenchMain fitcost [--warm 3] -- kmeans --input ... --out DIR ...</pre>
 */
final class FitCost {
  private FitCost() {}

  static void main(String[] args) throws Exception {
    int warm = 3;
    int i = 0;
    if (args.length > 1 && args[0].equals("--warm")) {
      warm = Integer.parseInt(args[1]);
      i = 2;
    }
    if (i < args.length && args[i].equals("--")) i++;
    String[] cmd = Arrays.copyOfRange(args, i, args.length);
    Path out = null;
    for (int j = 0; j < cmd.length; j++) {
      if (cmd[j].equals("--out") && j + 1 < cmd.length) out = Path.of(cmd[j + 1]);
      else if (cmd[j].startsWith("--out=")) out = Path.of(cmd[j].substring(6));
    }
    if (out == null) throw new IllegalArgumentException("the command needs --out DIR");
    List<Double> fits = new ArrayList<>();
    for (int r = 0; r <= warm; r++) {
      StringWriter so = new StringWriter();
      StringWriter se = new StringWriter();
      int rc = SegmentCli.run(cmd, new PrintWriter(so, true), new PrintWriter(se, true));
      if (rc != 0) throw new IllegalStateException("segment exited " + rc + ": " + se);
      fits.add(seconds(Files.readString(out.resolve("summary.json"))));
    }
    double cold = fits.get(0);
    double[] w = fits.subList(1, fits.size()).stream().mapToDouble(Double::doubleValue).sorted().toArray();
    double warmMedian = w.length == 0 ? Double.NaN : w[w.length / 2];
    System.out.printf(Locale.ROOT, "fitcost cold %.3f s, warm %s s, warm median %.3f s, fixed cost %.3f s%n", cold,
        Arrays.toString(Arrays.stream(w).map(x -> Math.round(x * 1000) / 1000.0).toArray()), warmMedian, cold - warmMedian);
  }

  private static double seconds(String json) {
    Matcher m = Pattern.compile("\"seconds\"\\s*:\\s*([0-9.eE+-]+)").matcher(json);
    if (!m.find()) throw new IllegalStateException("no seconds in summary.json");
    return Double.parseDouble(m.group(1));
  }
}
