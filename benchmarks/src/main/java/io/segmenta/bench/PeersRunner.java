package io.segmenta.bench;

import io.segmenta.EngineOptions;
import io.segmenta.Segmenta;
import io.segmenta.data.Dataset;
import io.segmenta.datasets.Blobs;
import io.segmenta.kernels.BackendChoice;
import io.segmenta.kmeans.KMeansParams;
import io.segmenta.kmeans.KMeansResult;
import io.segmenta.run.RunControl;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

/**
 * Full Lloyd iterations side by side with scikit-learn, same data, same initial centroids, a fixed
 * number of iterations (tol 0), on each thread count. Each contender's final centroids are scored
 * with one float64 inertia computed here, so agreement is checked independently of either
 * implementation's own inertia.
 */
public final class PeersRunner {
  private PeersRunner() {}

  record Config(int n, int d, int k, int iters, int[] threads, long seed, int repeats, Path out, Path work, List<String> backends,
                List<String> peers, List<String> cases) {
    boolean has(String name) { return cases.contains(name); }
  }

  static final List<String> ALL_CASES = List.of("kmeans", "silhouette", "ward", "dbscan", "gmm");

  static final List<String> ALL_PEERS = List.of("sklearn", "scipy", "elki", "elki-hamerly", "smile", "commons-math");

  /**
   * One contender on one thread count. Rows of one {@code group} (a thread count on the CPU, or
   * "gpu") are compared with the Segmenta row of that group.
   */
  record Row(String contender, String group, String threads, double secondsPerIter, double iterSecondsPerIter, int iterations,
             double inertia64, String note) {}

  static int main(String[] args) throws Exception {
    Config c;
    try {
      c = parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("peers: " + e.getMessage());
      return 2;
    }
    if (c == null) return 0;
    run(c);
    return 0;
  }

  static boolean cudaUsable() {
    for (io.segmenta.kernels.BackendProvider p : io.segmenta.kernels.Backends.providers()) {
      if (p.serves(BackendChoice.CUDA) && p.probe(BackendChoice.CUDA).available()) return true;
    }
    return false;
  }

  static Config parse(String[] args) {
    int n = 1_000_000, d = 16, k = 32, iters = 20, repeats = 3;
    int[] threads = {1, 2};
    long seed = 7;
    Path out = Path.of("benchmarks", "results", "peers-latest.md");
    Path work = Path.of("benchmarks", "work");
    // By default the CPU, plus CUDA where a device is usable: the same command adds the GPU rows on a GPU machine.
    List<String> backends = cudaUsable() ? List.of("cpu", "cuda") : List.of("cpu");
    List<String> peers = ALL_PEERS;
    List<String> cases = ALL_CASES;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.equals("--help") || a.equals("-h")) {
        System.out.println("""
            usage: peers [--n 1000000] [--d 16] [--k 32] [--iters 20] [--threads 1,2] [--seed 7] [--repeats 3]
                         [--backends cpu[,cuda,opencl]  (default: cpu, and cuda where a CUDA device is usable)] [--peers sklearn,scipy,elki,elki-hamerly,smile,commons-math|none]
                         [--cases kmeans,silhouette,ward,dbscan,gmm] [--out benchmarks/results/peers-latest.md] [--work benchmarks/work]
            With a GPU backend, a PyTorch baseline runs on the same GPU where python3 has torch with CUDA.
            Gaussian blobs (std 1, centres in [-10, 10]^d), the same k initial centroids (distinct rows chosen by the
            seed) for every contender, --iters Lloyd iterations with tol 0. Prints a Markdown table and writes it to --out.""");
        return null;
      }
      if (i + 1 >= args.length) throw new IllegalArgumentException(a + " needs a value");
      String v = args[++i];
      try {
        switch (a) {
          case "--n" -> n = Integer.parseInt(v);
          case "--d" -> d = Integer.parseInt(v);
          case "--k" -> k = Integer.parseInt(v);
          case "--iters" -> iters = Integer.parseInt(v);
          case "--repeats" -> repeats = Integer.parseInt(v);
          case "--seed" -> seed = Long.parseLong(v);
          case "--threads" -> threads = Arrays.stream(v.split(",")).mapToInt(s -> Integer.parseInt(s.strip())).toArray();
          case "--out" -> out = Path.of(v);
          case "--work" -> work = Path.of(v);
          case "--backends" -> backends = Arrays.stream(v.split(",")).map(String::strip).toList();
          case "--cases" -> cases = Arrays.stream(v.split(",")).map(String::strip).toList();
          // The older switch: false keeps only the K-Means case.
          case "--silhouette" -> cases = Boolean.parseBoolean(v) ? ALL_CASES : List.of("kmeans");
          case "--peers" -> peers = v.isBlank() || v.equals("none") ? List.of() : Arrays.stream(v.split(",")).map(String::strip).toList();
          default -> throw new IllegalArgumentException("unknown option " + a);
        }
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(a + ": not a number: " + v);
      }
    }
    if (n < 1 || d < 1 || k < 1 || k > n || iters < 1 || repeats < 1 || threads.length == 0) {
      throw new IllegalArgumentException("need n, d, k, iters, repeats >= 1, k <= n and at least one thread count");
    }
    for (String b : backends) BackendChoice.parse(b);
    for (String x : cases) if (!ALL_CASES.contains(x)) throw new IllegalArgumentException("--cases: unknown case '" + x + "'; known: " + ALL_CASES);
    for (String p : peers) if (!ALL_PEERS.contains(p)) throw new IllegalArgumentException("--peers: unknown peer '" + p + "'; known: " + ALL_PEERS);
    return new Config(n, d, k, iters, threads, seed, repeats, out, work, backends, peers, cases);
  }

  /** The K-Means case: every contender, same data and initial centroids. */
  static String kmeansCase(Config c, Python py) throws Exception {
    long t0 = System.nanoTime();
    Blobs blobs = Blobs.generate(c.n(), c.d(), c.k(), 1.0, 10.0, c.seed());
    double genSeconds = (System.nanoTime() - t0) / 1e9;
    double[][] init = initialCentroids(blobs.values(), c.n(), c.d(), c.k(), c.seed());
    Dataset data = Dataset.ofRowMajor(blobs.values(), c.n(), c.d());
    List<Row> rows = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    String device = null;

    double warmupSeconds = 0;
    for (String b : c.backends()) {
      BackendChoice choice = BackendChoice.parse(b);
      boolean cpu = choice == BackendChoice.CPU || choice == BackendChoice.SCALAR;
      for (int t : cpu ? c.threads() : new int[] {1}) {
        try (Segmenta engine = Segmenta.open(new EngineOptions(choice, t))) {
          if (cpu) device = engine.backend().device();
          else notes.add("GPU: " + engine.backend().device());
          KMeansParams p = KMeansParams.builder(c.k()).initialCentroids(init).maxIter(c.iters()).tol(0).build();
          long w = System.nanoTime();
          engine.kmeans(data, p); // JIT warm-up (and, on a GPU, module load and first-touch allocation)
          warmupSeconds = Math.max(warmupSeconds, (System.nanoTime() - w) / 1e9);
          double[] wall = new double[c.repeats()];
          double[] iterOnly = new double[c.repeats()];
          KMeansResult last = null;
          for (int r = 0; r < c.repeats(); r++) {
            double[] sum = {0};
            long s0 = System.nanoTime();
            last = engine.kmeans(data, p, new RunControl(stats -> sum[0] += stats.seconds()));
            wall[r] = (System.nanoTime() - s0) / 1e9;
            iterOnly[r] = sum[0];
          }
          int it = last.model().iterations();
          rows.add(new Row("Segmenta (" + engine.backend().name() + ")", cpu ? "cpu-" + t : "gpu", cpu ? "" + t : "device",
              median(wall) / it, median(iterOnly) / it, it, inertia64(blobs.values(), c.n(), c.d(), last.model().centroids()), ""));
        }
      }
    }

    boolean gpu = c.backends().stream().anyMatch(b -> b.equals("cuda") || b.equals("opencl"));
    Python torch = gpu ? Python.find("import torch; assert torch.cuda.is_available()") : null;
    String sklearnVersion = null;
    Path dataFile = c.work().resolve("blobs-" + c.n() + "x" + c.d() + "-k" + c.k() + "-s" + c.seed() + ".f32");
    Path initFile = c.work().resolve("init-" + c.n() + "x" + c.d() + "-k" + c.k() + "-s" + c.seed() + ".f64");
    if (py != null || torch != null) {
      Files.createDirectories(c.work());
      writeFloats(dataFile, blobs.values());
      writeDoubles(initFile, init);
    }
    if (py == null && (c.peers().contains("sklearn") || c.peers().contains("scipy"))) {
      notes.add("scikit-learn and SciPy: not run: no python3 with scikit-learn, numpy and threadpoolctl found (install Debian's python3-sklearn)");
    } else if (py != null && c.peers().contains("sklearn")) {
      for (int t : c.threads()) {
        String json = py.run(c.work(), t, "benchmarks/python/sklearn_lloyd.py", "--data", dataFile.toString(), "--init", initFile.toString(),
            "--n", "" + c.n(), "--d", "" + c.d(), "--k", "" + c.k(), "--iters", "" + c.iters(), "--threads", "" + t,
            "--repeats", "" + c.repeats());
        sklearnVersion = Json.string(json, "sklearn_version");
        int it = (int) Json.number(json, "n_iter");
        double fit = Json.number(json, "fit_seconds_median");
        double[][] centroids = Json.matrix(json, "centroids", c.k(), c.d());
        rows.add(new Row("scikit-learn " + sklearnVersion + " (lloyd, float32)", "cpu-" + t, "" + t, fit / it, Double.NaN, it,
            inertia64(blobs.values(), c.n(), c.d(), centroids), ""));
      }
    }
    if (py != null && c.peers().contains("scipy")) {
      String json = py.run(c.work(), 1, "benchmarks/python/sklearn_lloyd.py", "--impl", "scipy", "--data", dataFile.toString(), "--init",
          initFile.toString(), "--n", "" + c.n(), "--d", "" + c.d(), "--k", "" + c.k(), "--iters", "" + c.iters(), "--threads", "1",
          "--repeats", "" + c.repeats());
      int it = (int) Json.number(json, "n_iter");
      rows.add(new Row(Json.string(json, "impl_version") + " (kmeans2, minit='matrix', float32)", "cpu-1", "1",
          Json.number(json, "fit_seconds_median") / it, Double.NaN, it,
          inertia64(blobs.values(), c.n(), c.d(), Json.matrix(json, "centroids", c.k(), c.d())), ""));
    }
    int maxThreads = Arrays.stream(c.threads()).max().orElse(1);
    for (String peer : c.peers()) {
      JvmPeers.Result r = switch (peer) {
        case "elki" -> JvmPeers.elki(blobs.values(), c.n(), c.d(), init, c.iters(), c.repeats(), false);
        case "elki-hamerly" -> JvmPeers.elki(blobs.values(), c.n(), c.d(), init, c.iters(), c.repeats(), true);
        case "smile" -> JvmPeers.smile(blobs.values(), c.n(), c.d(), c.k(), c.iters(), c.repeats());
        case "commons-math" -> JvmPeers.commonsMath(blobs.values(), c.n(), c.d(), c.k(), c.iters(), c.repeats());
        default -> null;
      };
      if (r == null) continue;
      String group = r.threads().equals("all") ? "cpu-" + maxThreads : "cpu-1";
      rows.add(new Row(r.name(), group, r.threads().equals("all") ? "all (" + Runtime.getRuntime().availableProcessors() + ")" : r.threads(),
          r.fitSeconds() / r.iterations(), Double.NaN, r.iterations(), inertia64(blobs.values(), c.n(), c.d(), r.centroids()), ""));
      notes.add(r.name() + ": " + r.note() + "; converting the data to its input type took " + String.format(Locale.ROOT, "%.2f s", r.loadSeconds())
          + " (not in s/iter)");
    }
    if (gpu && torch == null) notes.add("PyTorch: not run: no python3 with torch and a CUDA device");
    if (torch != null) {
      String json = torch.run(c.work(), 1, "benchmarks/python/torch_lloyd.py", "--data", dataFile.toString(), "--init",
          initFile.toString(), "--n", "" + c.n(), "--d", "" + c.d(), "--k", "" + c.k(), "--iters", "" + c.iters(),
          "--repeats", "" + c.repeats());
      int it = (int) Json.number(json, "n_iter");
      rows.add(new Row("PyTorch " + Json.string(json, "torch_version") + " (matmul Lloyd, float32, " + Json.string(json, "device") + ")",
          "gpu", "device", Json.number(json, "fit_seconds_median") / it, Double.NaN, it,
          inertia64(blobs.values(), c.n(), c.d(), Json.matrix(json, "centroids", c.k(), c.d())), ""));
    }

    String table = markdown(c, rows, notes, device, sklearnVersion, genSeconds, warmupSeconds, String.join(" ", commandLine(c)));
    return table;
  }

  static void run(Config c) throws Exception {
    Python py = Python.find();
    String table = c.has("kmeans") ? kmeansCase(c, py) : header(c);
    if (c.has("silhouette")) table += silhouetteCase(c, py);
    if (c.has("ward")) table += wardCase(c, py);
    if (c.has("dbscan")) table += dbscanCase(c, py);
    if (c.has("gmm")) table += gmmCase(c, py);
    System.out.println(table);
    Path parent = c.out().toAbsolutePath().getParent();
    Files.createDirectories(parent);
    Files.writeString(c.out(), table, StandardCharsets.UTF_8);
    System.err.println("peers: written to " + c.out());
  }

  /**
   * GMM with full covariances, n = 200,000, d = 8, k = 8: the engine against scikit-learn, from the
   * same starting parameters (weights 1/k, the runner's initial means, identity covariances), 20 EM
   * iterations with tol 0; the lower bounds are compared.
   */
  static String gmmCase(Config c, Python py) throws Exception {
    int n = 200_000, d = 8, k = 8, iters = 20;
    Blobs b = Blobs.generate(n, d, k, 1.5, 6.0, c.seed() + 3);
    Dataset data = Dataset.ofRowMajor(b.values(), n, d);
    double[][] means = initialCentroids(b.values(), n, d, k, c.seed() + 3);
    double[][][] cov = new double[k][d][d];
    for (int q = 0; q < k; q++) for (int j = 0; j < d; j++) cov[q][j][j] = 1;
    double[] w = new double[k];
    Arrays.fill(w, 1.0 / k);
    io.segmenta.mixture.GmmParams p = io.segmenta.mixture.GmmParams.builder(k).init(new io.segmenta.mixture.GmmInit(w, means, cov))
        .tol(0).maxIter(iters).build();
    StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%n### GMM, full covariances, n = 200,000, d = 8, k = 8 (%d EM "
        + "iterations, tol 0, same starting parameters)%n%n| contender | threads | s/iter (fit) | s/iter (EM only) | lower bound | "
        + "rel. diff vs Segmenta | Segmenta speed-up |%n|---|---:|---:|---:|---:|---:|---:|%n", iters));
    double[] engineFit = new double[c.threads().length];
    double engineBound = Double.NaN;
    List<EngineOptions> engines = engines(c);
    for (int e = 0; e < engines.size(); e++) {
      try (Segmenta engine = Segmenta.open(engines.get(e))) {
        Runs<io.segmenta.mixture.GmmResult> runs = runs(c.repeats(), () -> engine.gmm(data, p), () -> engine.gmm(data, p));
        double em = median(runs.results().stream().mapToDouble(io.segmenta.mixture.GmmResult::secondsPerIteration).toArray());
        double bound = runs.last().model().lowerBound();
        if (e < c.threads().length) {
          engineFit[e] = runs.median() / iters;
          engineBound = bound;
          sb.append(String.format(Locale.ROOT, "| Segmenta (%s, float64 EM pass) | %d | %.4f | %.4f | %.10f | - | - |%n",
              engine.backend().name(), c.threads()[e], engineFit[e], em, bound));
        } else { // a GPU backend: its lower bound against the CPU's
          sb.append(String.format(Locale.ROOT, "| Segmenta (%s, %s) | - | %.4f | %.4f | %.10f | %.1e | - |%n", engine.backend().name(),
              engine.backend().device(), runs.median() / iters, em, bound, Math.abs(bound - engineBound) / Math.abs(engineBound)));
        }
      }
    }
    if (py == null) return sb.append("\nscikit-learn: not run (no python3 with scikit-learn)\n").toString();
    Files.createDirectories(c.work());
    Path df = c.work().resolve("gmm-blobs.f32");
    Path mf = c.work().resolve("gmm-means.f64");
    writeFloats(df, b.values());
    writeDoubles(mf, means);
    for (int ti = 0; ti < c.threads().length; ti++) {
      int t = c.threads()[ti];
      String json = py.run(c.work(), t, "benchmarks/python/sklearn_gmm.py", "--data", df.toString(), "--means", mf.toString(),
          "--n", "" + n, "--d", "" + d, "--k", "" + k, "--iters", "" + iters, "--threads", "" + t, "--repeats", "" + c.repeats());
      double perIter = Json.number(json, "fit_seconds_median") / Json.number(json, "n_iter");
      double lb = Json.number(json, "lower_bound");
      sb.append(String.format(Locale.ROOT, "| scikit-learn %s (GaussianMixture, float64) | %d | %.4f | - | %.10f | %.1e | %.2fx |%n",
          Json.string(json, "sklearn_version"), t, perIter, lb, Math.abs(lb - engineBound) / Math.abs(engineBound), perIter / engineFit[ti]));
    }
    return sb.toString();
  }

  /** Exact silhouette, n = 20,000, d = 16, on planted blob labels: the engine against scikit-learn. */
  static String silhouetteCase(Config c, Python py) throws Exception {
    int n = 20_000, d = 16, k = 8;
    Blobs b = Blobs.generate(n, d, k, 2.0, 5.0, c.seed());
    Dataset data = Dataset.ofRowMajor(b.values(), n, d);
    StringBuilder sb = new StringBuilder("\n### Exact silhouette, n = 20,000, d = 16, k = 8 (planted blob labels)\n\n");
    sb.append("| contender | threads | seconds | silhouette | abs. diff vs Segmenta |\n|---|---:|---:|---:|---:|\n");
    double engineScore = Double.NaN;
    Dataset warm = Dataset.ofRowMajor(Arrays.copyOf(b.values(), 2000 * d), 2000, d);
    int[] warmLabels = Arrays.copyOf(b.labels(), 2000);
    List<EngineOptions> engines = engines(c);
    for (int e = 0; e < engines.size(); e++) {
      try (Segmenta engine = Segmenta.open(engines.get(e))) {
        Runs<Double> runs = runs(c.repeats(), () -> engine.silhouette(warm, warmLabels), () -> engine.silhouette(data, b.labels()));
        double score = runs.last();
        if (e < c.threads().length) {
          engineScore = score;
          sb.append(String.format(Locale.ROOT, "| Segmenta (%s, fused distance-sum kernel) | %d | %.3f | %.9f | - |%n", engine.backend().name(),
              c.threads()[e], runs.median(), score));
        } else { // a GPU backend: the pairwise kernel in tiles, sums on the host
          sb.append(String.format(Locale.ROOT, "| Segmenta (%s, %s, pairwise tiles) | - | %.3f | %.9f | %.1e |%n", engine.backend().name(),
              engine.backend().device(), runs.median(), score, Math.abs(score - engineScore)));
        }
      }
    }
    if (py == null) {
      sb.append("\nscikit-learn: not run (no python3 with scikit-learn)\n");
      return sb.toString();
    }
    Files.createDirectories(c.work());
    Path df = c.work().resolve("silhouette-blobs.f32");
    Path lf = c.work().resolve("silhouette-labels.i32");
    writeFloats(df, b.values());
    ByteBuffer lb = ByteBuffer.allocate(n * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (int l : b.labels()) lb.putInt(l);
    Files.write(lf, lb.array());
    for (int t : c.threads()) {
      String json = py.run(c.work(), t, "benchmarks/python/sklearn_silhouette.py", "--data", df.toString(), "--labels", lf.toString(),
          "--n", "" + n, "--d", "" + d, "--threads", "" + t, "--repeats", "" + c.repeats());
      double score = Json.number(json, "score");
      sb.append(String.format(Locale.ROOT, "| scikit-learn %s (silhouette_score) | %d | %.3f | %.9f | %.1e |%n", Json.string(json, "sklearn_version"),
          t, Json.number(json, "seconds"), score, Math.abs(score - engineScore)));
    }
    return sb.toString();
  }

  /** Ward linkage, n = 20,000, d = 16: the engine against SciPy, merge heights compared. */
  static String wardCase(Config c, Python py) throws Exception {
    int n = 20_000, d = 16;
    Blobs b = Blobs.generate(n, d, 8, 2.0, 5.0, c.seed() + 1);
    Dataset data = Dataset.ofRowMajor(b.values(), n, d);
    StringBuilder sb = new StringBuilder("\n### Ward linkage, n = 20,000, d = 16\n\n| contender | threads | seconds | top merge height | max rel. diff of heights |\n|---|---:|---:|---:|---:|\n");
    io.segmenta.hierarchy.Hierarchical.linkage(Dataset.ofRowMajor(java.util.Arrays.copyOf(b.values(), 500 * d), 500, d),
        io.segmenta.hierarchy.Linkage.WARD);
    long t0 = System.nanoTime();
    double[][] z = io.segmenta.hierarchy.Hierarchical.linkage(data, io.segmenta.hierarchy.Linkage.WARD);
    double secs = (System.nanoTime() - t0) / 1e9;
    sb.append(String.format(Locale.ROOT, "| Segmenta (NN-chain over centroids, float64) | 1 | %.2f | %.6g | - |%n", secs, z[z.length - 1][2]));
    if (py == null) return sb.append("\nSciPy: not run (no python3 with SciPy)\n").toString();
    Files.createDirectories(c.work());
    Path df = c.work().resolve("ward-blobs.f32");
    writeFloats(df, b.values());
    String json = py.run(c.work(), 1, "benchmarks/python/scipy_ward.py", "--data", df.toString(), "--n", "" + n, "--d", "" + d);
    double[][] h = Json.matrix("{\"h\": [" + json.substring(json.indexOf("\"heights\"") + 11), "h", 1, n - 1);
    double worst = 0;
    for (int i = 0; i < n - 1; i++) worst = Math.max(worst, Math.abs(h[0][i] - z[i][2]) / Math.max(1e-300, h[0][i]));
    sb.append(String.format(Locale.ROOT, "| SciPy %s (linkage, ward) | 1 | %.2f | %.6g | %.1e |%n", Json.string(json, "scipy_version"),
        Json.number(json, "seconds"), h[0][n - 2], worst));
    return sb.toString();
  }

  /** DBSCAN, n = 200,000, d = 2: the engine against scikit-learn, the same labels required. */
  static String dbscanCase(Config c, Python py) throws Exception {
    int n = 200_000, d = 2;
    double eps = 0.05;
    int minPts = 10;
    Blobs b = Blobs.generate(n, d, 20, 0.3, 10.0, c.seed() + 2);
    Dataset data = Dataset.ofRowMajor(b.values(), n, d);
    StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%n### DBSCAN, n = 200,000, d = 2 (eps %.2f, minPts %d)%n%n"
        + "| contender | threads | seconds | clusters | noise | labels identical |%n|---|---:|---:|---:|---:|---|%n", eps, minPts));
    io.segmenta.density.Dbscan.fit(Dataset.ofRowMajor(java.util.Arrays.copyOf(b.values(), 2000 * d), 2000, d), eps, minPts);
    long t0 = System.nanoTime();
    io.segmenta.density.Dbscan.Result r = io.segmenta.density.Dbscan.fit(data, eps, minPts);
    double secs = (System.nanoTime() - t0) / 1e9;
    long noise = java.util.Arrays.stream(r.labels()).filter(l -> l == -1).count();
    long hash = 0;
    for (int i = 0; i < n; i++) hash += (long) (r.labels()[i] + 2) * (i % 9973 + 1);
    sb.append(String.format(Locale.ROOT, "| Segmenta (grid index) | 1 | %.2f | %d | %d | - |%n", secs, r.clusters(), noise));
    if (py == null) return sb.append("\nscikit-learn: not run\n").toString();
    Files.createDirectories(c.work());
    Path df = c.work().resolve("dbscan-blobs.f32");
    writeFloats(df, b.values());
    String json = py.run(c.work(), 1, "benchmarks/python/sklearn_dbscan.py", "--data", df.toString(), "--n", "" + n, "--d", "" + d,
        "--eps", "" + eps, "--min-samples", "" + minPts);
    boolean same = (long) Json.number(json, "labels_hash") == hash && (long) Json.number(json, "noise") == noise;
    sb.append(String.format(Locale.ROOT, "| scikit-learn %s (DBSCAN) | 1 | %.2f | %d | %d | %s |%n", Json.string(json, "sklearn_version"),
        Json.number(json, "seconds"), (long) Json.number(json, "clusters"), (long) Json.number(json, "noise"), same ? "yes" : "no"));
    return sb.toString();
  }

  static String[] commandLine(Config c) {
    return new String[] {"benchmarks/run-peers.sh", "--n", "" + c.n(), "--d", "" + c.d(), "--k", "" + c.k(), "--iters", "" + c.iters(),
        "--threads", Arrays.stream(c.threads()).mapToObj(Integer::toString).reduce((a, b) -> a + "," + b).orElse(""),
        "--seed", "" + c.seed(), "--repeats", "" + c.repeats(), "--backends", String.join(",", c.backends()),
        "--peers", c.peers().isEmpty() ? "none" : String.join(",", c.peers()), "--cases", String.join(",", c.cases())};
  }

  /** Machine, JVM, date and command, for a run without the K-Means case (whose table carries them otherwise). */
  static String header(Config c) {
    return "### Peer comparison\n\n- date: " + LocalDate.now() + "\n- machine: " + Machine.cpu() + ", "
        + Runtime.getRuntime().availableProcessors() + " cores\n- JVM: " + System.getProperty("java.vm.name") + " " + Runtime.version()
        + "\n- command: `" + String.join(" ", commandLine(c)) + "`\n";
  }

  static String markdown(Config c, List<Row> rows, List<String> notes, String device, String sklearnVersion,
                         double genSeconds, double warmupSeconds, String command) {
    StringBuilder sb = new StringBuilder();
    sb.append("### K-Means (Lloyd), n=").append(c.n()).append(", d=").append(c.d()).append(", k=").append(c.k())
        .append(", ").append(c.iters()).append(" iterations, tol 0, same initial centroids\n\n");
    sb.append("- date: ").append(LocalDate.now()).append('\n');
    sb.append("- machine: ").append(Machine.cpu()).append(", ").append(Runtime.getRuntime().availableProcessors()).append(" cores; ")
        .append(device).append('\n');
    sb.append("- JVM: ").append(System.getProperty("java.vm.name")).append(' ').append(Runtime.version()).append('\n');
    if (sklearnVersion != null) sb.append("- scikit-learn ").append(sklearnVersion).append(" (Debian python3-sklearn)\n");
    sb.append("- command: `").append(command).append("`\n");
    sb.append(String.format(Locale.ROOT, "- phases: data generation %.2f s; engine JIT warm-up fit %.2f s (not timed below); "
        + "timed: median of %d fits per row%n", genSeconds, warmupSeconds, c.repeats()));
    sb.append("- s/iter = whole fit wall time / iterations (upload or input checks included); \"iterations only\" leaves out the "
        + "engine's upload. Inertia = float64 sum of squared distances of the data to each contender's final centroids, "
        + "computed by the runner.\n\n");
    double base = Double.NaN;
    double baseInertia = Double.NaN;
    sb.append("| contender | threads | s/iter (fit) | s/iter (iterations only) | iterations | inertia (float64) | rel. diff vs Segmenta | Segmenta speed-up |\n");
    sb.append("|---|---:|---:|---:|---:|---:|---:|---:|\n");
    for (Row r : rows) {
      Row engineRow = rows.stream().filter(x -> x.contender().startsWith("Segmenta") && x.group().equals(r.group())).findFirst().orElse(null);
      base = engineRow == null ? Double.NaN : engineRow.secondsPerIter();
      baseInertia = engineRow == null ? Double.NaN : engineRow.inertia64();
      boolean isEngine = r == engineRow;
      sb.append(String.format(Locale.ROOT, "| %s | %s | %.4f | %s | %d | %.9e | %s | %s |%n", r.contender(), r.threads(),
          r.secondsPerIter(), Double.isNaN(r.iterSecondsPerIter()) ? "-" : String.format(Locale.ROOT, "%.4f", r.iterSecondsPerIter()),
          r.iterations(), r.inertia64(),
          isEngine ? "-" : String.format(Locale.ROOT, "%.1e", Math.abs(r.inertia64() - baseInertia) / baseInertia),
          isEngine ? "-" : String.format(Locale.ROOT, "%.2fx", r.secondsPerIter() / base)));
    }
    for (String note : notes) sb.append("\n- ").append(note);
    sb.append('\n');
    return sb.toString();
  }

  /** k distinct rows chosen by a seeded partial Fisher-Yates shuffle, as float64. */
  static double[][] initialCentroids(float[] x, int n, int d, int k, long seed) {
    SplittableRandom r = new SplittableRandom(seed ^ 0x5DEECE66DL);
    int[] idx = IntStream.range(0, n).toArray();
    double[][] c = new double[k][d];
    for (int i = 0; i < k; i++) {
      int j = i + r.nextInt(n - i);
      int tmp = idx[i];
      idx[i] = idx[j];
      idx[j] = tmp;
      for (int t = 0; t < d; t++) c[i][t] = x[idx[i] * d + t];
    }
    return c;
  }

  /** Sum over rows of the squared distance to the nearest centroid, all in float64. */
  static double inertia64(float[] x, int n, int d, double[][] centroids) {
    return IntStream.range(0, n).parallel().mapToDouble(i -> {
      double best = Double.POSITIVE_INFINITY;
      for (double[] c : centroids) {
        double s = 0;
        for (int j = 0; j < d; j++) {
          double diff = x[i * d + j] - c[j];
          s += diff * diff;
        }
        if (s < best) best = s;
      }
      return best;
    }).sum();
  }

  /** The engines a case runs: the CPU backend at each --threads, then each other --backends entry (after the CPU rows). */
  static List<EngineOptions> engines(Config c) {
    List<EngineOptions> out = new ArrayList<>();
    for (int t : c.threads()) out.add(new EngineOptions(BackendChoice.CPU, t));
    for (String b : c.backends()) if (!b.equals("cpu")) out.add(new EngineOptions(BackendChoice.parse(b), 1));
    return out;
  }

  /** Each timed run's wall seconds and result. */
  record Runs<T>(double[] seconds, List<T> results) {
    double median() {
      return PeersRunner.median(seconds);
    }

    T last() {
      return results.get(results.size() - 1);
    }
  }

  /** {@code warmUp} once (JIT, kernels, buffers), then {@code fit} {@code repeats} times, each timed. */
  static <T> Runs<T> runs(int repeats, java.util.function.Supplier<T> warmUp, java.util.function.Supplier<T> fit) {
    warmUp.get();
    double[] seconds = new double[repeats];
    List<T> results = new ArrayList<>();
    for (int r = 0; r < repeats; r++) {
      long s0 = System.nanoTime();
      results.add(fit.get());
      seconds[r] = (System.nanoTime() - s0) / 1e9;
    }
    return new Runs<>(seconds, results);
  }

  static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }

  static void writeFloats(Path file, float[] v) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    b.asFloatBuffer().put(v);
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
      while (b.hasRemaining()) ch.write(b);
    }
  }

  static void writeDoubles(Path file, double[][] m) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(m.length * m[0].length * 8).order(ByteOrder.LITTLE_ENDIAN);
    for (double[] row : m) for (double v : row) b.putDouble(v);
    b.flip();
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
      while (b.hasRemaining()) ch.write(b);
    }
  }

  /** A python3 that imports scikit-learn, numpy and threadpoolctl. */
  record Python(String exe) {
    static Python find() {
      return find("import sklearn, numpy, threadpoolctl");
    }

    /** The first python3 on which {@code probe} runs without error. */
    static Python find(String probe) {
      for (String exe : List.of("python3", "/usr/bin/python3")) {
        try {
          Process p = new ProcessBuilder(exe, "-c", probe).redirectErrorStream(true).start();
          p.getInputStream().readAllBytes();
          if (p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0) return new Python(exe);
        } catch (IOException e) {
          // not this one
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return null;
        }
      }
      return null;
    }

    String run(Path work, int threads, String... args) throws IOException, InterruptedException {
      List<String> cmd = new ArrayList<>();
      cmd.add(exe);
      cmd.addAll(List.of(args));
      ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT);
      // OpenMP and BLAS read these at start; threadpoolctl in the script limits them again.
      for (String v : List.of("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")) pb.environment().put(v, "" + threads);
      Process p = pb.start();
      String out;
      try (InputStream in = p.getInputStream()) {
        out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
      if (p.waitFor() != 0) throw new IOException(exe + " " + String.join(" ", args) + " failed with exit code " + p.exitValue());
      return out;
    }
  }

  /** Just enough JSON reading for the script's flat output. */
  static final class Json {
    private Json() {}

    static String string(String json, String key) {
      Matcher m = Pattern.compile("\"" + Pattern.quote(key) + "\":\\s*\"([^\"]*)\"").matcher(json);
      if (!m.find()) throw new IllegalStateException("no '" + key + "' in " + json);
      return m.group(1);
    }

    static double number(String json, String key) {
      Matcher m = Pattern.compile("\"" + Pattern.quote(key) + "\":\\s*([-+0-9.eE]+)").matcher(json);
      if (!m.find()) throw new IllegalStateException("no '" + key + "' in " + json);
      return Double.parseDouble(m.group(1));
    }

    static double[][] matrix(String json, String key, int rows, int cols) {
      int at = json.indexOf("\"" + key + "\"");
      if (at < 0) throw new IllegalStateException("no '" + key + "' in output");
      Matcher m = Pattern.compile("[-+]?[0-9]*\\.?[0-9]+(?:[eE][-+]?[0-9]+)?").matcher(json);
      m.region(json.indexOf('[', at), json.length());
      double[][] out = new double[rows][cols];
      for (int i = 0; i < rows; i++) {
        for (int j = 0; j < cols; j++) {
          if (!m.find()) throw new IllegalStateException("'" + key + "' has fewer than " + rows + " x " + cols + " numbers");
          out[i][j] = Double.parseDouble(m.group());
        }
      }
      return out;
    }
  }

  /** The CPU model, for the results header. */
  static final class Machine {
    private Machine() {}

    static String cpu() {
      try {
        for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
          if (line.startsWith("model name")) return line.substring(line.indexOf(':') + 1).strip();
        }
      } catch (IOException | UncheckedIOException e) {
        // not Linux
      }
      return System.getProperty("os.arch");
    }
  }
}
