package io.segmenta.cli;

import io.segmenta.datasets.SyntheticCustomers;
import io.segmenta.datasets.SyntheticTransactions;
import io.segmenta.store.FeatureStoreWriter;
import java.io.BufferedWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code segment generate}: synthetic customers with planted segments, streamed into a store. */
@Command(name = "generate", mixinStandardHelpOptions = true, sortOptions = false, usageHelpWidth = 120,
    header = "Generate synthetic customers with planted segments straight into a feature store (scales to 10^8 rows).",
    description = {"Features: recency (exponential), frequency (1 + Poisson), monetary (lognormal per purchase x frequency),",
        "then Gaussian engagement scores; each segment has its own parameters. Ids are C0, C1, ..."})
final class GenerateCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--rows", required = true, paramLabel = "N", description = "Customers to generate.")
  long rows;

  @Option(names = "--dims", defaultValue = "16", paramLabel = "D", description = "Features per customer, >= 3 (default: ${DEFAULT-VALUE}).")
  int dims;

  @Option(names = "--segments", defaultValue = "8", paramLabel = "K", description = "Planted segments (default: ${DEFAULT-VALUE}).")
  int segments;

  @Option(names = "--seed", defaultValue = "1", paramLabel = "SEED", description = "Seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--store", paramLabel = "DIR", description = "Write customer feature rows into this new store.")
  Path store;

  @Option(names = "--transactions", paramLabel = "FILE",
      description = "Instead, write a transaction log for the customers in the Online Retail layout (gzipped when FILE ends in .gz); "
          + "read it back with 'segment rfm --preset online-retail'.")
  Path transactions;

  @Option(names = "--products", defaultValue = "2000", paramLabel = "N", description = "Catalogue size for --transactions (default: ${DEFAULT-VALUE}).")
  int products;

  @Option(names = "--truth", paramLabel = "FILE", description = "Also write id,segment of the planted segments to FILE.")
  Path truth;

  @Option(names = "--overwrite", description = "Replace a committed store at --store.")
  boolean overwrite;

  @Option(names = "--progress", paramLabel = "WHEN", defaultValue = "auto",
      description = "Progress bars on stderr: auto (when stderr is a terminal), always or never (default: ${DEFAULT-VALUE}).")
  String progress;

  @Override
  public Integer call() throws Exception {
    if (rows < 1) throw new ParameterException(spec.commandLine(), "--rows must be >= 1, got " + rows);
    if (dims < 3) throw new ParameterException(spec.commandLine(), "--dims must be >= 3, got " + dims);
    if (segments < 1) throw new ParameterException(spec.commandLine(), "--segments must be >= 1, got " + segments);
    if ((store == null) == (transactions == null)) throw new ParameterException(spec.commandLine(), "give exactly one of --store and --transactions");
    if (transactions != null) return writeTransactions();
    SyntheticCustomers g = new SyntheticCustomers(dims, segments, seed);
    long t0 = System.nanoTime();
    float[] row = new float[dims];
    boolean bar = Cli.progress(spec, progress);
    try (FeatureStoreWriter w = FeatureStoreWriter.create(store, List.of(g.columns()), true, overwrite,
            "synthetic: rows=" + rows + " dims=" + dims + " segments=" + segments + " seed=" + seed);
         BufferedWriter tw = truth == null ? null : Files.newBufferedWriter(truth);
         ProgressBar pb = bar ? new ProgressBar("Generating", rows) : null) {
      if (tw != null) tw.write("id,segment\n");
      for (long i = 0; i < rows; i++) {
        int s = g.row(i, row);
        String id = SyntheticCustomers.id(i);
        w.append(id, row);
        if (tw != null) tw.write(id + "," + s + "\n");
        if (pb != null && (i & 0xFFFF) == 0) pb.stepTo(i);
      }
      double genSeconds = (System.nanoTime() - t0) / 1e9;
      w.commit().close();
      double total = (System.nanoTime() - t0) / 1e9;
      spec.commandLine().getErr().printf(Locale.ROOT, "segment: %d customers x %d features into %s: rows written in %.1f s "
          + "(%.0f rows/s), committed (id index built) after %.1f s (%.0f rows/s overall)%n", rows, dims, store, genSeconds,
          rows / genSeconds, total, rows / total);
    }
    return SegmentCli.EXIT_OK;
  }

  private int writeTransactions() throws Exception {
    if (products < 1) throw new ParameterException(spec.commandLine(), "--products must be >= 1, got " + products);
    SyntheticTransactions g = new SyntheticTransactions(segments, products, seed);
    long t0 = System.nanoTime();
    java.io.OutputStream os = new java.io.BufferedOutputStream(Files.newOutputStream(transactions), 1 << 16);
    if (transactions.getFileName().toString().endsWith(".gz")) os = new java.util.zip.GZIPOutputStream(os, 1 << 16);
    try (java.io.Writer w = new java.io.OutputStreamWriter(os, java.nio.charset.StandardCharsets.UTF_8);
         BufferedWriter tw = truth == null ? null : Files.newBufferedWriter(truth)) {
      w.write(SyntheticTransactions.HEADER + "\n");
      if (tw != null) tw.write("id,segment\n");
      for (long i = 0; i < rows; i++) {
        int s = g.writeCustomer(i, w);
        if (tw != null) tw.write((10_000 + i) + "," + s + "\n");
      }
    }
    spec.commandLine().getErr().printf(Locale.ROOT, "segment: transactions of %d customers written to %s in %.1f s%n", rows, transactions,
        (System.nanoTime() - t0) / 1e9);
    return SegmentCli.EXIT_OK;
  }
}
