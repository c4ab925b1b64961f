package io.segmenta.spark;

import io.segmenta.InvalidInputException;
import io.segmenta.kmeans.KMeansModel;
import io.segmenta.pipeline.KMeansPipeline;
import io.segmenta.pipeline.RunOutputs;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The job for {@code spark-submit} (the shaded {@code -job} jar, Spark itself left out) and for
 * {@code segment spark}, which starts an embedded local Spark from the Maven dependencies. It reads
 * Parquet or CSV (a file or a directory), fits on Spark and writes what {@code segment kmeans}
 * writes: {@code centroids.csv}, {@code model.segm} and {@code summary.json}, with the assignments
 * as Parquet ({@code assignments/}, and CSV in {@code assignments-csv/} when asked), since on a
 * cluster they are too many for one file.
 *
 * <p>Exit status: 0 done, 2 bad input or arguments (the message names the column, file or option).
 */
@Command(name = "segment spark", mixinStandardHelpOptions = true, usageHelpWidth = 120,
    description = "Segmentation on Spark: the engine's compute backends inside every executor.",
    subcommands = {SegmentJob.KMeansJob.class, SegmentJob.GmmJob.class, SegmentJob.RfmJob.class})
public final class SegmentJob implements Callable<Integer> {
  @Spec CommandLine.Model.CommandSpec spec;

  /** The session the subcommands use: the caller's (tests) or one made from {@code --master}. */
  private SparkSession given;

  @Override
  public Integer call() {
    throw new ParameterException(spec.commandLine(), "name a job: kmeans, gmm or rfm");
  }

  public static void main(String[] args) {
    System.exit(run(null, args, new PrintWriter(System.out, true, StandardCharsets.UTF_8), new PrintWriter(System.err, true, StandardCharsets.UTF_8)));
  }

  /** Runs one job on {@code spark} (null: a session from {@code --master}, stopped at the end). */
  public static int run(SparkSession spark, String[] args, PrintWriter out, PrintWriter err) {
    SegmentJob top = new SegmentJob();
    top.given = spark;
    CommandLine cl = new CommandLine(top);
    cl.setOut(out);
    cl.setErr(err);
    cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
      if (e instanceof InvalidInputException || e instanceof IllegalArgumentException || e instanceof java.io.UncheckedIOException
          || e instanceof org.apache.spark.sql.AnalysisException) {
        err.println("segment spark: " + e.getMessage());
        return 2;
      }
      String unreadable = unreadableFile(e);
      if (unreadable != null) {
        err.println("segment spark: " + unreadable);
        return 2;
      }
      throw e;
    });
    return cl.execute(args);
  }

  /**
   * A file Spark could not read (its FAILED_READ_FILE errors: a truncated gzip, a file that is not Parquet), said in words
   * with the file's path; null for any other failure, which stays a bug (exit 1).
   */
  static String unreadableFile(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof org.apache.spark.SparkThrowable st && st.getCondition() != null && st.getCondition().startsWith("FAILED_READ_FILE")) {
        String path = st.getMessageParameters().getOrDefault("path", "a file of the input").replaceFirst("^file:/+", "/");
        Throwable root = t;
        while (root.getCause() != null) root = root.getCause();
        String why = st.getCondition().endsWith("CANNOT_READ_FILE_FOOTER") ? "it is not a Parquet file, or it is truncated (its footer cannot be read)"
            : root instanceof java.io.EOFException ? "it ends early: the file is truncated or not valid gzip"
            : root instanceof java.util.zip.ZipException ? "it is not valid gzip (" + root.getMessage() + ")"
            : root.getMessage() != null && root != t ? root.getMessage() : "Spark could not read it";
        return "cannot read " + path + ": " + why;
      }
    }
    return null;
  }

  /** What every job reads and where it writes. */
  static final class Common {
    @Option(names = "--master", paramLabel = "URL",
        description = "Spark master: local[N], local-cluster[W,C,MB], spark://HOST:PORT (default: spark-submit's, else local[*]).")
    String master;

    @Option(names = "--input", required = true, paramLabel = "PATH", description = "Parquet or CSV: a file or a directory of part files.")
    String input;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "auto",
        description = "parquet, csv (with a header line) or auto: by the name's extension, or by a directory's files (default: ${DEFAULT-VALUE}).")
    String format;

    @Option(names = "--columns", split = ",", paramLabel = "COL",
        description = "Feature columns (default: every numeric column but the id and weight columns).")
    List<String> columns;

    @Option(names = "--id-column", paramLabel = "COL", description = "Column carried into the assignments (customer ids).")
    String idColumn;

    @Option(names = "--weight-column", paramLabel = "COL", description = "Non-negative sample weights.")
    String weightColumn;

    @Option(names = "--partitions", paramLabel = "N", defaultValue = "0",
        description = "Repartition the input into N partitions first (default: 0 = as read). This shuffles the rows, so a seeded "
            + "initialisation may number the segments differently from segment kmeans/gmm on the same file; given initial centroids do not.")
    int partitions;

    @Option(names = "--backend", paramLabel = "BACKEND", defaultValue = "auto",
        description = "Compute backend in each executor: auto (a GPU where the executor has one), cpu, scalar, cuda, opencl (default: ${DEFAULT-VALUE}).")
    String backend;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output directory (on the driver's file system).")
    Path out;

    @Option(names = "--csv", description = "Also write the assignments as CSV part files in DIR/assignments-csv.")
    boolean csv;
  }

  @Command(name = "kmeans", mixinStandardHelpOptions = true, usageHelpWidth = 120,
      description = {"K-Means on Spark (SegmentaKMeans). Writes, under --out: assignments/ (Parquet: the id column if given, segment, "
          + "distance), centroids.csv, model.segm (read by segment predict and lookup) and summary.json."})
  static final class KMeansJob implements Callable<Integer> {
    @CommandLine.ParentCommand SegmentJob parent;
    @CommandLine.Mixin Common in = new Common();
    @Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--k", required = true, paramLabel = "K", description = "Number of segments (>= 2).")
    int k;

    @Option(names = "--init", paramLabel = "INIT", defaultValue = "k-means||",
        description = "k-means|| (MLlib's default), k-means++, random, or a CSV file of k starting centroids in the input's units "
            + "(default: ${DEFAULT-VALUE}).")
    String init;

    @Option(names = "--max-iter", paramLabel = "N", defaultValue = "300", description = "Lloyd iterations (default: ${DEFAULT-VALUE}).")
    int maxIter;

    @Option(names = "--tol", paramLabel = "TOL", defaultValue = "1e-4",
        description = "Stop when the summed squared centroid shift is at most TOL times the mean column variance (default: ${DEFAULT-VALUE}).")
    double tol;

    @Option(names = "--seed", paramLabel = "SEED", defaultValue = "0", description = "Seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--swaps", paramLabel = "N", defaultValue = "0", description = "Quality mode: random swaps after Lloyd (default: 0).")
    int swaps;

    @Option(names = "--scale", paramLabel = "METHOD", defaultValue = "none", description = "none, standard or minmax, fitted on Spark in one pass of column statistics (default: none).")
    String scale;

    @Option(names = "--log1p", split = ",", paramLabel = "COL", description = "Columns to log1p before scaling.")
    List<String> log1p;

    // The flags of segment kmeans --mini-batch, with its defaults.
    @Option(names = "--mini-batch", description = "Mini-batch K-Means: each step (one Spark job) assigns --batch-size rows drawn from the seed "
        + "and moves the centroids to running means; one full pass labels every row.")
    boolean miniBatch;

    @Option(names = "--batch-size", paramLabel = "N", defaultValue = "1024", description = "Rows per mini-batch step (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--max-steps", paramLabel = "N", defaultValue = "10000",
        description = "Mini-batch steps at most; it stops earlier after 10 steps without a better smoothed batch inertia (default: ${DEFAULT-VALUE}).")
    int maxSteps;

    @Override
    public Integer call() throws Exception {
      long t0 = System.nanoTime();
      if (miniBatch && batchSize < 1) throw new ParameterException(spec.commandLine(), "--batch-size must be >= 1, got " + batchSize);
      if (miniBatch && maxSteps < 1) throw new ParameterException(spec.commandLine(), "--max-steps must be >= 1, got " + maxSteps);
      boolean own = parent.given == null;
      SparkSession spark = own ? session(in.master, "segment spark kmeans") : parent.given;
      try {
        Dataset<Row> df = read(spark, in);
        List<String> cols = featureColumns(df, in, spec.commandLine().getErr());
        double readSeconds = (System.nanoTime() - t0) / 1e9;
        SegmentaKMeans est = new SegmentaKMeans().setK(k).setMaxIter(maxIter).setTol(tol).setSeed(seed).setSwaps(swaps).setScale(scale)
            .setBackend(in.backend).setInputCols(cols.toArray(new String[0]));
        if (in.weightColumn != null) est.setWeightCol(in.weightColumn);
        if (log1p != null) est.setLog1pCols(log1p.toArray(new String[0]));
        if (miniBatch) est.setBatchSize(batchSize).setMaxSteps(maxSteps);
        String how = init.strip();
        if (List.of("k-means||", "k-means++", "random").contains(how)) {
          est.setInitMode(how);
        } else {
          Path file = Path.of(how);
          if (!Files.isRegularFile(file)) {
            throw new ParameterException(spec.commandLine(), "--init: '" + how + "' is neither k-means||, k-means++, random nor a file");
          }
          est.setInitialCentroids(KMeansPipeline.readCentroids(file, k, cols.size()));
        }
        SegmentaKMeansModel model = est.fit(df);
        SparkKMeansFit.Result r = model.summary();
        long w0 = System.nanoTime();
        Files.createDirectories(in.out);
        Files.deleteIfExists(in.out.resolve("summary.json"));
        List<org.apache.spark.sql.Column> keep = new ArrayList<>();
        if (in.idColumn != null) keep.add(functions.col(in.idColumn));
        keep.add(functions.col("prediction").as("segment"));
        keep.add(functions.col("distance"));
        Dataset<Row> assigned = model.setDistanceCol("distance").transform(df).select(keep.toArray(new org.apache.spark.sql.Column[0]));
        long[] sizes = writeAssignments(spark, assigned, in, model.engineModel().k());
        RunOutputs.writeCentroids(in.out.resolve("centroids.csv"), model.engineModel(), sizes);
        model.exportModelFile(in.out.resolve("model.segm"));
        double writeSeconds = (System.nanoTime() - w0) / 1e9;
        writeSummary(in.out, spark, model.engineModel(), r, sizes, cols, readSeconds, writeSeconds, (System.nanoTime() - t0) / 1e9);
        PrintWriter out = spec.commandLine().getOut();
        out.printf(java.util.Locale.ROOT, "segment spark: %d rows, %d segments, inertia %.6g, %d iterations, %d partitions, %.2f s fit; "
            + "backends %s; outputs in %s%n", r.rows(), sizes.length, model.trainingCost(), model.numIter(), r.partitions(), r.seconds(),
            r.executorBackends(), in.out);
        return 0;
      } finally {
        if (own) spark.stop();
      }
    }
  }

  @Command(name = "gmm", mixinStandardHelpOptions = true, usageHelpWidth = 120,
      description = {"Gaussian mixture on Spark (SegmentaGaussianMixture). Writes, under --out: assignments/ (Parquet: the id column if "
          + "given, segment, probability), components.csv (segment, size, weight, means in the input's units), model.segm and summary.json."})
  static final class GmmJob implements Callable<Integer> {
    @CommandLine.ParentCommand SegmentJob parent;
    @CommandLine.Mixin Common in = new Common();
    @Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--k", required = true, paramLabel = "K", description = "Number of components (>= 2).")
    int k;

    @Option(names = "--covariance", paramLabel = "TYPE", defaultValue = "full", description = "full, tied, diag or spherical (default: ${DEFAULT-VALUE}).")
    String covariance;

    @Option(names = "--max-iter", paramLabel = "N", defaultValue = "100", description = "EM iterations (default: ${DEFAULT-VALUE}).")
    int maxIter;

    @Option(names = "--tol", paramLabel = "TOL", defaultValue = "1e-3",
        description = "Stop when the mean log-likelihood changes by less than TOL (default: ${DEFAULT-VALUE}, as the engine's segment gmm).")
    double tol;

    @Option(names = "--reg-covar", paramLabel = "R", defaultValue = "1e-6", description = "Added to the covariances' diagonals (default: ${DEFAULT-VALUE}).")
    double regCovar;

    @Option(names = "--n-init", paramLabel = "N", defaultValue = "1", description = "Initialisations; the highest lower bound wins (default: 1).")
    int nInit;

    @Option(names = "--seed", paramLabel = "SEED", defaultValue = "0", description = "Seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--scale", paramLabel = "METHOD", defaultValue = "none", description = "none, standard or minmax (default: none).")
    String scale;

    @Override
    public Integer call() throws Exception {
      long t0 = System.nanoTime();
      boolean own = parent.given == null;
      SparkSession spark = own ? session(in.master, "segment spark gmm") : parent.given;
      try {
        Dataset<Row> df = read(spark, in);
        List<String> cols = featureColumns(df, in, spec.commandLine().getErr());
        double readSeconds = (System.nanoTime() - t0) / 1e9;
        long f0 = System.nanoTime();
        SegmentaGaussianMixture est = new SegmentaGaussianMixture().setK(k).setCovarianceType(covariance).setMaxIter(maxIter).setTol(tol)
            .setRegCovar(regCovar).setNInit(nInit).setSeed(seed).setScale(scale).setBackend(in.backend).setInputCols(cols.toArray(new String[0]));
        if (in.weightColumn != null) est.setWeightCol(in.weightColumn);
        SegmentaGaussianMixtureModel model = est.fit(df);
        double fitSeconds = (System.nanoTime() - f0) / 1e9;
        Files.createDirectories(in.out);
        Files.deleteIfExists(in.out.resolve("summary.json"));
        List<org.apache.spark.sql.Column> keep = new ArrayList<>();
        if (in.idColumn != null) keep.add(functions.col(in.idColumn));
        keep.add(functions.col("prediction").as("segment"));
        keep.add(org.apache.spark.sql.functions.array_max(org.apache.spark.ml.functions.vector_to_array(functions.col("probability"), "float64"))
            .as("probability"));
        io.segmenta.mixture.GmmModel g = model.engineModel();
        long[] sizes = writeAssignments(spark, model.transform(df).select(keep.toArray(new org.apache.spark.sql.Column[0])), in, g.k());
        RunOutputs.atomically(in.out.resolve("components.csv"), w -> {
          w.write("segment,size,weight");
          for (String c : g.columns()) w.write("," + RunOutputs.csvField(c));
          w.write("\n");
          double[] wt = g.weights();
          double[][] mu = g.means();
          for (int c = 0; c < g.k(); c++) {
            w.write(c + "," + sizes[c] + "," + RunOutputs.num(wt[c]));
            for (double v : g.scaling().inverse(mu[c])) w.write("," + RunOutputs.num(v));
            w.write("\n");
          }
        });
        model.exportModelFile(in.out.resolve("model.segm"));
        RunOutputs.Json j = new RunOutputs.Json();
        j.field("algorithm", "gmm");
        j.field("engine", "spark " + spark.version());
        j.field("master", spark.sparkContext().master());
        j.field("k", g.k());
        j.field("d", g.d());
        j.field("covariance_type", covariance);
        j.field("lower_bound", g.lowerBound());
        j.field("log_likelihood", g.logLikelihood());
        j.field("iterations", g.iterations());
        j.field("converged", g.converged());
        j.field("partitions", df.rdd().getNumPartitions());
        j.field("seconds", fitSeconds);
        j.field("read_seconds", readSeconds);
        j.field("whole_seconds", (System.nanoTime() - t0) / 1e9);
        j.strings("columns", cols);
        j.field("seed", seed);
        j.field("tol", tol);
        j.field("reg_covar", regCovar);
        j.field("scale", scale);
        j.longs("segment_sizes", sizes);
        RunOutputs.finish(in.out, j);
        spec.commandLine().getOut().printf(java.util.Locale.ROOT, "segment spark: gmm, %d components (%s), lower bound %.6g, %d iterations, %.2f s fit; "
            + "outputs in %s%n", g.k(), covariance, g.lowerBound(), g.iterations(), fitSeconds, in.out);
        return 0;
      } finally {
        if (own) spark.stop();
      }
    }
  }

  @Command(name = "rfm", mixinStandardHelpOptions = true, usageHelpWidth = 120,
      description = {"Per-customer RFM features of a transaction log on Spark (SparkRfm; the definitions of segment rfm). Writes, under --out: "
          + "features/ (Parquet: customer_id and the features), rejects/ (Parquet: the lines excluded, with reject_reason) and summary.json."})
  static final class RfmJob implements Callable<Integer> {
    @CommandLine.ParentCommand SegmentJob parent;
    @Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--master", paramLabel = "URL", description = "Spark master (default: spark-submit's, else local[*]).")
    String master;

    @Option(names = "--transactions", required = true, paramLabel = "PATH", description = "The log: CSV with a header (gzip allowed), or Parquet.")
    String input;

    @Option(names = "--preset", paramLabel = "NAME", defaultValue = "online-retail", description = "The log's layout, as segment rfm's presets (default: ${DEFAULT-VALUE}).")
    String preset;

    @Option(names = "--reference-date", paramLabel = "YYYY-MM-DD", description = "Measure recency and tenure to this day (default: the day after the last transaction).")
    java.time.LocalDate reference;

    @Option(names = "--on-error", paramLabel = "POLICY", defaultValue = "fail", description = "Malformed lines: fail (naming the first) or skip (counted, written to rejects/); as segment rfm (default: ${DEFAULT-VALUE}).")
    String onError;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output directory.")
    Path out;

    @Override
    public Integer call() throws Exception {
      long t0 = System.nanoTime();
      if (!List.of("skip", "fail").contains(onError)) throw new ParameterException(spec.commandLine(), "--on-error: '" + onError + "' is not skip or fail");
      Path p = Path.of(input);
      if (!Files.exists(p) && !input.contains("://")) throw new InvalidInputException("--transactions: " + input + " does not exist");
      io.segmenta.ingest.TransactionLayout layout = io.segmenta.ingest.TransactionLayout.preset(preset);
      boolean own = parent.given == null;
      SparkSession spark = own ? session(master, "segment spark rfm") : parent.given;
      try {
        boolean parquet = input.toLowerCase(java.util.Locale.ROOT).endsWith(".parquet") || (Files.isDirectory(p) && detect(p).equals("parquet"));
        Dataset<Row> tx = parquet ? spark.read().parquet(input) : SparkRfm.readCsv(spark, input);
        SparkRfm.Result r = SparkRfm.compute(tx, layout, reference, onError.equals("fail"));
        Files.createDirectories(out);
        Files.deleteIfExists(out.resolve("summary.json"));
        r.features().write().mode("overwrite").parquet(out.resolve("features").toAbsolutePath().toString());
        r.rejects().write().mode("overwrite").parquet(out.resolve("rejects").toAbsolutePath().toString());
        long customers = spark.read().parquet(out.resolve("features").toAbsolutePath().toString()).count();
        RunOutputs.Json j = new RunOutputs.Json();
        j.field("algorithm", "rfm");
        j.field("engine", "spark " + spark.version());
        j.field("master", spark.sparkContext().master());
        j.field("input", input);
        j.field("preset", preset);
        j.field("lines", r.lines());
        j.field("lines_without_customer", r.withoutCustomer());
        j.field("lines_rejected", r.rejected());
        j.field("customers", customers);
        j.strings("features", r.featureNames());
        j.field("reference", r.reference().toString());
        j.field("seconds", (System.nanoTime() - t0) / 1e9);
        RunOutputs.finish(out, j);
        spec.commandLine().getOut().printf(java.util.Locale.ROOT, "segment spark: rfm, %d lines -> %d customers x %d features; %d lines without a "
            + "customer id and %d malformed excluded (see %s); outputs in %s%n", r.lines(), customers, r.featureNames().size(), r.withoutCustomer(),
            r.rejected(), out.resolve("rejects"), out);
        return 0;
      } finally {
        if (own) spark.stop();
      }
    }
  }

  /** A session for {@code master}; on a local master the driver binds to loopback and keeps no UI. */
  static SparkSession session(String master, String app) {
    SparkSession.Builder b = SparkSession.builder().appName(app);
    String m = master;
    if (m == null && !new org.apache.spark.SparkConf().contains("spark.master")) m = "local[*]";
    if (m != null) b.master(m);
    if (m != null && m.startsWith("local")) {
      b.config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1");
    }
    return b.getOrCreate();
  }

  static Dataset<Row> read(SparkSession spark, Common in) throws java.io.IOException {
    String fmt = in.format.strip().toLowerCase(java.util.Locale.ROOT);
    Path p = Path.of(in.input);
    if (!Files.exists(p) && !in.input.contains("://")) throw new InvalidInputException("--input: " + in.input + " does not exist");
    if (fmt.equals("auto")) fmt = detect(p);
    Dataset<Row> df = switch (fmt) {
      case "parquet" -> spark.read().parquet(in.input);
      case "csv" -> {
        checkHeader(spark, in.input);
        yield spark.read().option("header", true).option("inferSchema", true).option("mode", "FAILFAST").csv(in.input);
      }
      default -> throw new InvalidInputException("--format: '" + in.format + "' is not parquet, csv or auto");
    };
    if (in.partitions > 0) df = df.repartition(in.partitions);
    return df;
  }

  /**
   * Spark renames duplicate CSV header names (a, a becomes a0, a1) and names an empty one _c2, silently; segment kmeans
   * refuses both, and so does this, naming the name and its positions. Header names compare as Spark resolves them (case-insensitively).
   */
  static void checkHeader(SparkSession spark, String input) {
    List<Row> first = spark.read().option("header", false).option("inferSchema", false).csv(input).limit(1).collectAsList();
    if (first.isEmpty()) return;
    Row h = first.get(0);
    java.util.Map<String, Integer> seen = new java.util.HashMap<>();
    for (int i = 0; i < h.length(); i++) {
      String name = h.isNullAt(i) ? "" : h.getString(i).strip();
      if (name.isEmpty()) throw new InvalidInputException(input + ": the header's column " + (i + 1) + " has no name");
      Integer before = seen.putIfAbsent(name.toLowerCase(java.util.Locale.ROOT), i + 1);
      if (before != null) {
        throw new InvalidInputException(input + ": the header names column '" + name + "' twice, at columns " + before + " and " + (i + 1));
      }
    }
  }

  private static String detect(Path p) throws java.io.IOException {
    String name = p.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
    if (Files.isDirectory(p)) {
      try (var files = Files.list(p)) {
        List<String> names = files.map(f -> f.getFileName().toString().toLowerCase(java.util.Locale.ROOT)).filter(f -> !f.startsWith(".") && !f.startsWith("_")).toList();
        if (!names.isEmpty() && names.stream().allMatch(f -> f.endsWith(".parquet"))) return "parquet";
        if (!names.isEmpty() && names.stream().allMatch(f -> f.matches(".*\\.(csv|csv\\.gz|tsv)"))) return "csv";
        throw new InvalidInputException("--input: cannot tell the format of the directory " + p + " (" + names.size()
            + " files, not all .parquet nor all .csv): give --format parquet or csv");
      }
    }
    if (name.endsWith(".parquet")) return "parquet";
    if (name.endsWith(".csv") || name.endsWith(".csv.gz")) return "csv";
    throw new InvalidInputException("--input: cannot tell the format of " + p + " from its name: give --format parquet or csv");
  }

  static List<String> featureColumns(Dataset<Row> df, Common in, PrintWriter err) {
    List<String> names = Arrays.asList(df.columns());
    for (String c : new String[] {in.idColumn, in.weightColumn}) {
      if (c != null && !names.contains(c)) throw new InvalidInputException("column '" + c + "' is not in the input (columns: " + String.join(", ", names) + ")");
    }
    if (in.columns != null && !in.columns.isEmpty()) return in.columns;
    List<String> cols = new ArrayList<>();
    List<String> left = new ArrayList<>();
    for (StructField f : df.schema().fields()) {
      if (f.name().equals(in.idColumn) || f.name().equals(in.weightColumn)) continue;
      if (f.dataType() instanceof NumericType) cols.add(f.name());
      else left.add(f.name() + " (" + f.dataType().simpleString() + ")");
    }
    if (cols.isEmpty()) throw new InvalidInputException("the input has no numeric column to segment on (columns: " + String.join(", ", names) + ")");
    if (!left.isEmpty() && isCsv(in)) {
      // A CSV column is typed by inference: one bad cell turns a column of numbers into strings, which must not
      // make it vanish from the features.
      for (StructField f : df.schema().fields()) {
        if (!(f.dataType() instanceof org.apache.spark.sql.types.StringType) || f.name().equals(in.idColumn)) continue;
        org.apache.spark.sql.Column asNumber = org.apache.spark.sql.functions.expr("try_cast(`" + f.name().replace("`", "``") + "` AS DOUBLE)");
        List<Row> sample = df.select(org.apache.spark.sql.functions.col(f.name()), asNumber.as("n"))
            .where(org.apache.spark.sql.functions.col(f.name()).isNotNull()).limit(1000).collectAsList();
        long numbers = sample.stream().filter(r -> !r.isNullAt(1)).count();
        Row other = sample.stream().filter(r -> r.isNullAt(1)).findFirst().orElse(null);
        if (other != null && numbers * 2 >= sample.size()) {
          throw new InvalidInputException(in.input + ": column '" + f.name() + "' holds numbers and the value '" + other.getString(0)
              + "', which is not one: fix the value, or choose the feature columns with --columns");
        }
      }
    }
    if (!left.isEmpty()) err.println("segment spark: left out of the features (not numeric): " + String.join(", ", left) + "; --columns chooses them");
    return cols;
  }

  private static boolean isCsv(Common in) {
    String fmt = in.format.strip().toLowerCase(java.util.Locale.ROOT);
    if (fmt.equals("csv")) return true;
    if (!fmt.equals("auto")) return false;
    try {
      return detect(Path.of(in.input)).equals("csv");
    } catch (java.io.IOException | RuntimeException e) {
      return false;
    }
  }

  /**
   * Writes {@code assigned} (id, segment, ...) as Parquet in DIR/assignments, and as CSV in
   * DIR/assignments-csv when asked; returns the size of each of the {@code k} segments.
   */
  static long[] writeAssignments(SparkSession spark, Dataset<Row> assigned, Common in, int k) {
    String parquet = in.out.resolve("assignments").toAbsolutePath().toString();
    assigned.write().mode("overwrite").parquet(parquet);
    Dataset<Row> written = spark.read().parquet(parquet);
    if (in.csv) written.write().mode("overwrite").option("header", true).csv(in.out.resolve("assignments-csv").toAbsolutePath().toString());
    long[] sizes = new long[k];
    for (Row row : written.groupBy("segment").count().collectAsList()) sizes[row.getInt(0)] = row.getLong(1);
    return sizes;
  }

  private static void writeSummary(Path dir, SparkSession spark, KMeansModel m, SparkKMeansFit.Result r, long[] sizes, List<String> cols,
                                   double readSeconds, double writeSeconds, double wholeSeconds) {
    RunOutputs.Json j = new RunOutputs.Json();
    j.field("algorithm", "kmeans");
    j.field("engine", "spark " + spark.version());
    j.field("master", spark.sparkContext().master());
    j.field("k", m.k());
    j.field("n", r.rows());
    j.field("d", m.d());
    j.field("inertia", m.inertia());
    j.field("inertia_space", m.scaling().isIdentity() ? "input units" : m.scaling().method().label() + "-scaled columns");
    j.field("iterations", m.iterations());
    j.field("converged", m.converged());
    j.field("partitions", r.partitions());
    List<String> backends = new ArrayList<>();
    for (Map.Entry<String, String> e : r.executorBackends().entrySet()) backends.add(e.getKey() + "=" + e.getValue());
    j.strings("executor_backends", backends);
    j.field("seconds", r.seconds());
    j.field("first_pass_seconds", r.firstPassSeconds());
    j.numbers("iteration_seconds", r.iterationSeconds().stream().mapToDouble(Double::doubleValue).toArray());
    j.field("read_seconds", readSeconds);
    j.field("write_seconds", writeSeconds);
    j.field("whole_seconds", wholeSeconds);
    j.strings("columns", cols);
    j.field("init", m.params().init().label());
    j.field("max_iter", m.params().maxIter());
    j.field("tol", m.params().tol());
    j.field("seed", m.params().seed());
    j.field("scale", m.params().scale().label());
    j.strings("log1p_columns", m.scaling().log1pColumns(m.columns()));
    j.longs("segment_sizes", sizes);
    RunOutputs.finish(dir, j);
  }
}
