package io.segmenta.cli;

import io.segmenta.data.TableReader;
import io.segmenta.data.TextFormat;
import io.segmenta.ingest.RfmIngest;
import io.segmenta.ingest.RfmSql;
import io.segmenta.ingest.TransactionLayout;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code segment rfm}: per-customer RFM and behaviour features from a transaction log, into a store. */
@Command(name = "rfm", mixinStandardHelpOptions = true, sortOptions = false, usageHelpWidth = 120,
    header = "Aggregate a transaction log into per-customer features (RFM and more) in a feature store.",
    description = {"Features: recency_days, frequency, monetary, tenure_days, avg_basket_value, distinct_products, return_rate,",
        "mean_interpurchase_days (those whose fields the log lacks are left out). The aggregation is off-heap (Chronicle Map).",
        "Lines without a customer id are counted and written to the rejects file."})
final class RfmCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--input", required = true, paramLabel = "FILE", description = "Transaction log: CSV, TSV or whitespace, plain or gzipped.")
  Path input;

  @Option(names = "--store", required = true, paramLabel = "DIR", description = "The store to create (one row per customer).")
  Path store;

  @Option(names = "--preset", paramLabel = "NAME", description = "Column layout: online-retail, cdnow or groceries.")
  String preset;

  @Option(names = "--customer-column", paramLabel = "COL") String customer;
  @Option(names = "--time-column", paramLabel = "COL") String time;
  @Option(names = "--time-pattern", paramLabel = "PATTERN", description = "java.time pattern, e.g. yyyy-MM-dd HH:mm:ss") String pattern;
  @Option(names = "--invoice-column", paramLabel = "COL") String invoice;
  @Option(names = "--product-column", paramLabel = "COL") String product;
  @Option(names = "--quantity-column", paramLabel = "COL") String quantity;
  @Option(names = "--price-column", paramLabel = "COL", description = "Unit price (value = quantity x price).") String price;
  @Option(names = "--amount-column", paramLabel = "COL", description = "Line total, when there is no unit price.") String amount;
  @Option(names = "--cancel-prefix", paramLabel = "P", description = "Invoice ids starting with P are cancellations.") String cancelPrefix;
  @Option(names = "--format", paramLabel = "FORMAT",
      description = "auto, csv, tsv, semicolon (decimal commas: 12,50), semicolon-point (decimal points) or whitespace (default: the preset's; "
          + "auto detects the separator from the header and, for semicolons, the decimal mark from the first rows, as for feature tables).")
  String format;

  @Option(names = "--reference-date", paramLabel = "YYYY-MM-DD",
      description = "Date recency and tenure are measured to (default: the day after the last transaction).")
  String referenceDate;

  @Option(names = "--on-error", paramLabel = "POLICY", defaultValue = "fail",
      description = "Malformed lines: fail or skip (count them, write them to --rejects) (default: ${DEFAULT-VALUE}).")
  String onError;

  @Option(names = "--rejects", paramLabel = "FILE", description = "Rejected lines (default: DIR.rejects.csv beside the store).")
  Path rejects;

  @Option(names = "--engine", paramLabel = "ENGINE", defaultValue = "auto",
      description = "auto, java (the streaming Chronicle Map aggregation) or sql (one DuckDB query; the same features; a log with malformed "
          + "lines, or that it cannot read, goes to the java path) (default: ${DEFAULT-VALUE}: sql from 64 MiB of input).")
  String engine;

  @Option(names = "--overwrite", description = "Replace a committed store at --store.")
  boolean overwrite;

  @Option(names = "--progress", paramLabel = "WHEN", defaultValue = "auto",
      description = "Progress bars on stderr: auto, always or never (default: ${DEFAULT-VALUE}).")
  String progress;

  @Override
  public Integer call() throws Exception {
    TransactionLayout base = preset != null ? TransactionLayout.preset(preset) : null;
    if (base == null && (customer == null || time == null || pattern == null)) {
      throw new ParameterException(spec.commandLine(), "give --preset, or at least --customer-column, --time-column and --time-pattern");
    }
    TransactionLayout l = new TransactionLayout(
        or(customer, base == null ? null : base.customer()), or(time, base == null ? null : base.timestamp()),
        or(pattern, base == null ? null : base.timestampPattern()), or(invoice, base == null ? null : base.invoice()),
        or(product, base == null ? null : base.product()), base == null ? null : base.description(),
        or(quantity, base == null ? null : base.quantity()), or(price, base == null ? null : base.unitPrice()),
        or(amount, base == null ? null : base.amount()), or(cancelPrefix, base == null ? null : base.cancelPrefix()),
        format != null ? TextFormat.parse(format) : base == null ? TextFormat.AUTO : base.format());
    LocalDate ref = null;
    if (referenceDate != null) {
      try {
        ref = LocalDate.parse(referenceDate.strip());
      } catch (DateTimeParseException e) {
        throw new ParameterException(spec.commandLine(), "--reference-date: '" + referenceDate + "' is not a YYYY-MM-DD date");
      }
    }
    TableReader.Malformed policy = switch (onError.strip().toLowerCase(Locale.ROOT)) {
      case "fail" -> TableReader.Malformed.FAIL;
      case "skip" -> TableReader.Malformed.SKIP;
      default -> throw new ParameterException(spec.commandLine(), "--on-error: expected fail or skip, got '" + onError + "'");
    };
    Path rej = rejects != null ? rejects : store.toAbsolutePath().resolveSibling(store.getFileName() + ".rejects.csv");
    RfmIngest.Report r;
    try (Progress p = Progress.bytes("Aggregating " + input.getFileName(), input, !Cli.progress(spec, progress), spec.commandLine().getErr())) {
      r = RfmSql.run(RfmSql.Engine.parse(engine), input, l, ref, policy, rej, store, overwrite, p::stepTo);
      p.done();
    }
    spec.commandLine().getErr().printf(Locale.ROOT, "segment: %d transaction lines -> %d customers x %d features (%s) in %s, reference %s, %.1f s%s%s%n",
        r.lines(), r.customers(), r.features().size(), String.join(", ", r.features()), store, r.reference().toLocalDate(), r.seconds(),
        r.withoutCustomer() > 0 ? "; " + r.withoutCustomer() + " lines without a customer id excluded" : "",
        r.rejected() + r.withoutCustomer() > 0 ? (r.rejected() > 0 ? "; " + r.rejected() + " malformed lines skipped" : "") + " (see " + r.rejectsFile() + ")" : "");
    return SegmentCli.EXIT_OK;
  }

  private static String or(String a, String b) {
    return a != null ? a : b;
  }
}
