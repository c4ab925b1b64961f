package io.segmenta.cli;

import io.segmenta.data.TableReader;
import io.segmenta.ingest.FeatureIngest;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code segment ingest}: stream a customer feature table into a feature store. */
@Command(name = "ingest", mixinStandardHelpOptions = true, sortOptions = false, usageHelpWidth = 120,
    header = "Stream a customer feature table into a feature store (memory-mapped matrix + Chronicle Map id index).",
    description = {"Memory stays flat whatever the number of rows. The store is committed atomically: an interrupted ingest",
        "leaves a store that reports itself incomplete; run the ingest again. See docs/feature-store.md."})
final class IngestCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin TableArgs table;

  @Option(names = "--store", required = true, paramLabel = "DIR", description = "The store directory to create.")
  Path store;

  @Option(names = "--on-error", paramLabel = "POLICY", defaultValue = "fail",
      description = "Malformed rows: fail (stop, naming the file, line and reason) or skip (count them and write them to --rejects) "
          + "(default: ${DEFAULT-VALUE}).")
  String onError;

  @Option(names = "--rejects", paramLabel = "FILE", description = "Where skipped rows go (default: DIR.rejects.csv beside the store).")
  Path rejects;

  @Option(names = "--overwrite", description = "Replace a committed store at --store.")
  boolean overwrite;

  @Option(names = "--progress", paramLabel = "WHEN", defaultValue = "auto",
      description = "Progress bars on stderr: auto (when stderr is a terminal), always or never (default: ${DEFAULT-VALUE}).")
  String progress;

  @Override
  public Integer call() throws Exception {
    if (table.input == null) throw new ParameterException(spec.commandLine(), "Missing required option: '--input=FILE'");
    TableReader.Malformed policy = switch (onError.strip().toLowerCase(Locale.ROOT)) {
      case "fail" -> TableReader.Malformed.FAIL;
      case "skip" -> TableReader.Malformed.SKIP;
      default -> throw new ParameterException(spec.commandLine(), "--on-error: expected fail or skip, got '" + onError + "'");
    };
    Path rej = rejects != null ? rejects : store.toAbsolutePath().resolveSibling(store.getFileName() + ".rejects.csv");
    // Without --out, rows that --missing drop leaves out go beside the store, as the rejects do.
    io.segmenta.data.TableOptions opts = table.options(List.of(), store.toAbsolutePath().resolveSibling(store.getFileName() + ".dropped.csv"));
    FeatureIngest.Report r;
    try (Progress p = Progress.bytes("Ingesting " + table.input.getFileName(), table.input, !Cli.progress(spec, progress), spec.commandLine().getErr())) {
      r = FeatureIngest.run(table.input, opts, policy, rej, store, overwrite, p::stepTo);
      p.done();
    }
    if (r.missing().missingCells() > 0) {
      spec.commandLine().getErr().println("segment: missing values: " + r.missing().describe(opts.missing().strategy()));
    }
    spec.commandLine().getErr().printf(Locale.ROOT, "segment: %d rows ingested into %s in %.2f s (%.0f rows/s)%s%n", r.rows(), store,
        r.seconds(), r.rowsPerSecond(), r.rejected() > 0 ? "; " + r.rejected() + " malformed rows skipped, written to " + r.rejectsFile() : "");
    return SegmentCli.EXIT_OK;
  }
}
