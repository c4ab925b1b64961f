package io.segmenta.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.segmenta.EngineOptions;
import io.segmenta.Segmenta;
import io.segmenta.data.Dataset;
import io.segmenta.kernels.BackendChoice;
import io.segmenta.kmeans.KMeansParams;
import io.segmenta.kmeans.KMeansResult;
import io.segmenta.store.FeatureStore;
import io.segmenta.store.FeatureStoreWriter;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The load of issue 17 on {@code segment serve}, on loopback only, bounded in count and time: a store
 * of {@code --rows} customers, the server started as its own JVM ({@code segmenta-server.jar}), then
 * lookups and predictions over {@code --concurrency} keep-alive connections driven by one event loop
 * ({@link LoadLoop}), at fixed rates (open loop: latency counted from each request's scheduled time, so a
 * stalled server cannot hide its queue) and at the maximum (closed loop). A new run is published in the middle
 * of every phase; every answer is checked against the labels (lookups) or the model's predictions
 * (predict) of the version it names. Prints one Markdown table. Stops by itself and stops the server.
 */
public final class ServeLoad {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern LISTENING = Pattern.compile("on http://127\\.0\\.0\\.1:(\\d+)/v1/");

  private ServeLoad() {}

  /** What a version must answer. */
  record Expected(int[] labels, int[] predicted) {}

  /** One phase's figures. */
  record Phase(String name, double targetRate, long sent, double seconds, long[] latencyNanos, long errors, long wrong, String versions,
      String firstError, long[] quietLatencyNanos, double publishSeconds, Cpu serverCpu, Cpu loadCpu, double otherCores,
      double stolenCores, long[] reclaim) {
    Phase withCpu(Cpu server, Cpu load, double others, double stolen, long[] reclaim) {
      return new Phase(name, targetRate, sent, seconds, latencyNanos, errors, wrong, versions, firstError, quietLatencyNanos, publishSeconds,
          server, load, others, stolen, reclaim);
    }
  }

  /**
   * The run time (ns) and timeslices of the kernel's DAMON threads ({@code kdamond.*}) from /proc/PID/schedstat, summed: a VM
   * platform's memory reclaim that takes a core in bursts (RESULTS.md, "segment serve under load"), shown per phase so that a run
   * says how much of it there was. {0, 0} where there is none.
   */
  static long[] reclaimThreads() {
    long[] sum = new long[2];
    try (java.util.stream.Stream<Path> procs = Files.list(Path.of("/proc"))) {
      for (Path p : (Iterable<Path>) procs::iterator) {
        String n = p.getFileName().toString();
        if (!n.chars().allMatch(Character::isDigit)) continue;
        try {
          if (!Files.readString(p.resolve("comm")).startsWith("kdamond")) continue;
          String[] f = Files.readString(p.resolve("schedstat")).trim().split(" ");
          sum[0] += Long.parseLong(f[0]);
          sum[1] += Long.parseLong(f[2]);
        } catch (java.io.IOException | RuntimeException gone) {
          // a process that ended meanwhile
        }
      }
    } catch (java.io.IOException e) {
      return new long[2];
    }
    return sum;
  }

  /**
   * CPU time of a process, user and kernel together, in clock ticks of /proc (USER_HZ, 100 a second on Linux). Not split: the
   * kernel divides the total between user and system by sampling, which on this VM put the same load anywhere from 20% to 85% in the
   * kernel.
   */
  record Cpu(long ticks) {
    static final double TICK_NANOS = 1e7;

    /** From /proc/PID/stat (utime + stime, fields 14 and 15, counted after the command name, which may hold spaces); 0 where there is none. */
    static Cpu of(long pid) {
      try {
        String s = Files.readString(Path.of("/proc", pid < 0 ? "self" : Long.toString(pid), "stat"));
        String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
        return new Cpu(Long.parseLong(f[11]) + Long.parseLong(f[12]));
      } catch (java.io.IOException | RuntimeException e) {
        return new Cpu(0);
      }
    }

    /** The whole machine's from /proc/stat: user, nice and system ticks, and the ticks the hypervisor gave to others (steal). */
    static long[] machine() {
      try (BufferedReader r = Files.newBufferedReader(Path.of("/proc/stat"))) {
        String[] f = r.readLine().trim().split(" +");
        return new long[] {Long.parseLong(f[1]) + Long.parseLong(f[2]) + Long.parseLong(f[3]), Long.parseLong(f[8])};
      } catch (java.io.IOException | RuntimeException e) {
        return new long[] {0, 0};
      }
    }

    Cpu minus(Cpu o) {
      return new Cpu(ticks - o.ticks);
    }

    /** Microseconds of CPU per request. */
    String perRequest(long requests) {
      if (requests == 0 || ticks == 0) return "-";
      return String.format(Locale.ROOT, "%.0f", ticks * TICK_NANOS / 1e3 / requests);
    }
  }

  /** When the phase's publication ran (System.nanoTime), set by {@link #midway}. */
  private static volatile long publishStart, publishEnd;

  /** Where each phase's requests go as CSV (due time, latency), to see when the slow ones came; null for none. */
  private static Path timeline;

  public static void main(String[] args) throws Exception {
    int rows = 100_000, d = 8, k = 8, seconds = 10, concurrency = 32, predictRows = 1;
    double lookupRate = 5_000, predictRate = 1_000;
    String serverJar = "server/target/segmenta-server.jar", flags = "kernels/target/classes/segmenta-jvm.args", heap = "1g";
    Path work = Path.of("benchmarks", "work", "serve-load");
    String phaseList = "lookup-rate,lookup-max,predict-rate,predict-max";
    List<String> serverOpts = new ArrayList<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--rows" -> rows = Integer.parseInt(args[i + 1]);
        case "--seconds" -> seconds = Integer.parseInt(args[i + 1]);
        case "--concurrency" -> concurrency = Integer.parseInt(args[i + 1]);
        case "--lookup-rate" -> lookupRate = Double.parseDouble(args[i + 1]);
        case "--predict-rate" -> predictRate = Double.parseDouble(args[i + 1]);
        case "--predict-rows" -> predictRows = Integer.parseInt(args[i + 1]);
        case "--server-jar" -> serverJar = args[i + 1];
        case "--server-heap" -> heap = args[i + 1];
        case "--work" -> work = Path.of(args[i + 1]);
        case "--phases" -> phaseList = args[i + 1];
        case "--server-opt" -> serverOpts.add(args[i + 1]);
        case "--timeline" -> timeline = Path.of(args[i + 1]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    if (seconds < 1 || seconds > 300) throw new IllegalArgumentException("--seconds must be from 1 to 300 per phase");
    String load0 = loadAverage();
    Path storeDir = work.resolve("store");
    makeStore(storeDir, rows, d);
    Map<Long, Expected> expected = new ConcurrentHashMap<>();
    List<Phase> phases = new ArrayList<>();
    try (Segmenta engine = Segmenta.open(EngineOptions.DEFAULTS.withBackend(BackendChoice.CPU)); FeatureStore store = Segmenta.openStore(storeDir)) {
      // The probe rows of /v1/predict: customers of the store, in the input's units.
      int probes = 1000;
      float[][] probe = new float[probes][d];
      SplittableRandom pick = new SplittableRandom(5);
      for (int i = 0; i < probes; i++) for (int j = 0; j < d; j++) probe[i][j] = store.matrix().get(pick.nextInt(rows), j);
      List<String> bodies = new ArrayList<>();
      for (int i = 0; i < probes; i++) {
        StringBuilder b = new StringBuilder("{\"rows\": [");
        for (int r = 0; r < predictRows; r++) {
          float[] x = probe[(i + r) % probes];
          b.append(r == 0 ? "[" : ",[");
          for (int j = 0; j < d; j++) b.append(j == 0 ? "" : ",").append(x[j]);
          b.append(']');
        }
        bodies.add(b.append("]}").toString());
      }
      // Fits first (the server's JVM is not running yet); each phase publishes the next one mid-way.
      List<KMeansResult> fits = new ArrayList<>();
      for (int f = 0; f < 6; f++) {
        fits.add(engine.kmeans(store.dataset(), KMeansParams.builder(k + f % 3).seed(f + 1).maxIter(30).build()));
      }
      AtomicInteger nextFit = new AtomicInteger();
      Runnable publishNext = () -> {
        KMeansResult r = fits.get(nextFit.getAndIncrement() % fits.size());
        long v = io.segmenta.store.PublishedAssignments.nextVersion(store.dir());
        expected.put(v, new Expected(r.labels().clone(), engine.predict(r.model(), Dataset.of(probe))));
        if (Segmenta.publish(store, r) != v) throw new IllegalStateException("another process publishes into " + store.dir());
      };
      publishNext.run();
      List<String> cmd = new ArrayList<>(List.of(javaBin(), "@" + flags, "-Xms" + heap, "-Xmx" + heap));
      cmd.addAll(serverOpts);
      cmd.addAll(List.of("-jar", serverJar, "serve", "--store", storeDir.toString(), "--port", "0"));
      Process server = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      try {
        int port = awaitPort(server, work.resolve("server.log"));
        int n = rows;
        int pc = probes;
        // Requests encoded once, so the generator spends its time on sending and checking.
        byte[][] lookups = new byte[n][];
        for (int r = 0; r < n; r++) lookups[r] = LoadLoop.get("/v1/customers/c" + r + "/segment");
        byte[][] predicts = new byte[pc][];
        for (int p = 0; p < pc; p++) predicts[p] = LoadLoop.postJson("/v1/predict", bodies.get(p));
        Request lookup = i -> {
          int row = (int) ((i * 0x9E3779B97F4A7C15L >>> 1) % n);
          return new Call(lookups[row], j -> {
            Expected e = expected.get(j.get("version").asLong());
            return e != null && j.get("segment").asInt() == e.labels()[row] && j.get("id").asText().equals("c" + row);
          });
        };
        int pr = predictRows;
        Request predict = i -> {
          int p = (int) (i % pc);
          return new Call(predicts[p], j -> {
            Expected e = expected.get(j.get("version").asLong());
            JsonNode out = j.get("predictions");
            if (e == null || out.size() != pr) return false;
            for (int r = 0; r < pr; r++) if (out.get(r).get("segment").asInt() != e.predicted()[(p + r) % pc]) return false;
            return true;
          });
        };
        java.net.InetSocketAddress http = new java.net.InetSocketAddress("127.0.0.1", port);
        LoadLoop.atMaximum("warm-up (lookups, max)", http, lookup, concurrency, 5, null);
        LoadLoop.atMaximum("warm-up (predict, max)", http, predict, concurrency, 3, null);
        // A service that has run a while has also switched runs before: one publication during the warm-up, at the fixed rate.
        LoadLoop.atRate("warm-up (lookups at the rate)", http, lookup, lookupRate, concurrency, 4, publishNext);
        List<String> wanted = List.of(phaseList.split(","));
        for (String w : wanted) {
          if (!List.of("lookup-rate", "lookup-max", "predict-rate", "predict-max").contains(w)) {
            throw new IllegalArgumentException("--phases: unknown phase '" + w + "' (lookup-rate, lookup-max, predict-rate, predict-max)");
          }
        }
        long pid = server.pid();
        // CpuMeter.start(pid) is read before the phase runs: Java evaluates the receiver before the argument.
        if (wanted.contains("lookup-rate")) {
          String name = "lookups at " + (long) lookupRate + "/s";
          phases.add(CpuMeter.start(pid).over(LoadLoop.atRate(name, http, lookup, lookupRate, concurrency, seconds, publishNext)));
        }
        if (wanted.contains("lookup-max")) {
          String name = "lookups at the maximum (" + concurrency + " clients)";
          phases.add(CpuMeter.start(pid).over(LoadLoop.atMaximum(name, http, lookup, concurrency, seconds, publishNext)));
        }
        if (wanted.contains("predict-rate")) {
          String name = "predict (" + predictRows + " row) at " + (long) predictRate + "/s";
          phases.add(CpuMeter.start(pid).over(LoadLoop.atRate(name, http, predict, predictRate, concurrency, seconds, publishNext)));
        }
        if (wanted.contains("predict-max")) {
          String name = "predict (" + predictRows + " row) at the maximum (" + concurrency + " clients)";
          phases.add(CpuMeter.start(pid).over(LoadLoop.atMaximum(name, http, predict, concurrency, seconds, publishNext)));
        }
      } finally {
        server.destroy();
        if (!server.waitFor(10, TimeUnit.SECONDS)) server.destroyForcibly();
      }
    }
    String load1 = loadAverage();
    System.out.printf(Locale.ROOT, "%n%d customers x %d features, k = %d..%d, %d s per phase, a run published in the middle of each; "
        + "load average before %s, after %s; %d cores%n%n", rows, d, k, k + 2, seconds, load0, load1, Runtime.getRuntime().availableProcessors());
    System.out.println("| phase | target/s | requests | achieved/s | p50 ms | p99 ms | p99.9 ms | max ms | p99 ms outside publication | "
        + "publication s | errors | wrong answers | versions answered | server CPU us/request | generator CPU us/request | "
        + "other processes, cores | stolen, cores | kernel reclaim (kdamond) ms, timeslices |");
    System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|");
    for (Phase p : phases) {
      long[] l = p.latencyNanos();
      Arrays.sort(l);
      long[] ql = p.quietLatencyNanos();
      Arrays.sort(ql);
      System.out.printf(Locale.ROOT, "| %s | %s | %d | %.0f | %.3f | %.3f | %.3f | %.3f | %.3f | %.2f | %d | %d | %s | %s | %s | %.2f | %.2f | %.0f, %d |%n",
          p.name(), p.targetRate() > 0 ? String.format(Locale.ROOT, "%.0f", p.targetRate()) : "max", p.sent(), p.sent() / p.seconds(), ms(l, 0.50),
          ms(l, 0.99), ms(l, 0.999), l.length == 0 ? 0 : l[l.length - 1] / 1e6, ms(ql, 0.99), p.publishSeconds(), p.errors(), p.wrong(),
          p.versions(), p.serverCpu().perRequest(p.sent()), p.loadCpu().perRequest(p.sent()), p.otherCores(), p.stolenCores(),
          p.reclaim()[0] / 1e6, p.reclaim()[1]);
    }
    for (Phase p : phases) if (p.firstError() != null) System.out.println("first error in '" + p.name() + "': " + p.firstError());
    boolean clean = phases.stream().allMatch(p -> p.errors() == 0 && p.wrong() == 0);
    System.out.println(clean ? "every answer checked: no errors, no wrong or mixed answers" : "ERRORS or WRONG ANSWERS above");
    System.exit(clean ? 0 : 1);
  }

  /**
   * The CPU time the server's process and this one spend in a phase (the server's includes opening the run published midway, this
   * one's the publication itself), and what the rest of the machine used meanwhile, so that a run that shared the cores says so.
   */
  private record CpuMeter(long serverPid, Cpu server, Cpu load, long[] machine, long[] reclaim) {
    static CpuMeter start(long serverPid) {
      return new CpuMeter(serverPid, Cpu.of(serverPid), Cpu.of(-1), Cpu.machine(), reclaimThreads());
    }

    Phase over(Phase p) {
      Cpu s = Cpu.of(serverPid).minus(server), g = Cpu.of(-1).minus(load);
      long[] m = Cpu.machine();
      double ticks = p.seconds() * 1e9 / Cpu.TICK_NANOS;
      long[] k = reclaimThreads();
      return p.withCpu(s, g, Math.max(0, m[0] - machine[0] - s.ticks() - g.ticks()) / ticks, (m[1] - machine[1]) / ticks,
          new long[] {k[0] - reclaim[0], k[1] - reclaim[1]});
    }
  }

  interface Request {
    Call make(long i);
  }

  interface Check {
    boolean ok(JsonNode answer);
  }

  record Call(byte[] request, Check check) {}

  /** Counts one phase's outcomes. */
  static final class Tally {
    final long[] lat;
    final long[] at;
    final AtomicLong count = new AtomicLong();
    final AtomicLong errors = new AtomicLong();
    final AtomicLong wrong = new AtomicLong();
    final Map<Long, AtomicLong> versions = new ConcurrentHashMap<>();
    volatile String firstError;

    Tally(int capacity) {
      lat = new long[capacity];
      at = new long[capacity];
    }

    /** Records one request's latency, from {@code startNanos} (its due time, or its send time in a closed loop) to {@code nowNanos}. */
    void timed(long startNanos, long nowNanos) {
      long idx = count.getAndIncrement();
      if (idx < lat.length) {
        lat[(int) idx] = nowNanos - startNanos;
        at[(int) idx] = startNanos;
      }
    }

    /** Checks one answer: a status other than 200 is an error, a 200 whose JSON {@code check} refuses is a wrong answer. */
    void check(int status, byte[] body, Check check) {
      if (status != 200) {
        error(status + " " + new String(body, StandardCharsets.UTF_8));
        return;
      }
      try {
        JsonNode j = JSON.readTree(body);
        versions.computeIfAbsent(j.get("version").asLong(), v -> new AtomicLong()).incrementAndGet();
        if (!check.ok(j)) {
          wrong.incrementAndGet();
          if (firstError == null) firstError = "wrong answer: " + j;
        }
      } catch (java.io.IOException | RuntimeException e) {
        // Not JSON, or a field missing: an error, as the server answered something other than a lookup's answer.
        error(e.toString());
      }
    }

    private void writeTimeline(String name, long n, long from, long to) {
      long t0 = Long.MAX_VALUE;
      for (int i = 0; i < n; i++) t0 = Math.min(t0, at[i]);
      StringBuilder b = new StringBuilder("due_ms,latency_ms\n");
      for (int i = 0; i < n; i++) b.append((at[i] - t0) / 1e6).append(',').append(lat[i] / 1e6).append('\n');
      if (from != 0) b.append("# publication from ").append((from - t0) / 1e6).append(" ms to ").append((to - 1_000_000_000L - t0) / 1e6).append(" ms\n");
      try {
        Files.createDirectories(timeline);
        Files.writeString(timeline.resolve(name.replaceAll("[^A-Za-z0-9]+", "-") + ".csv"), b);
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }

    void error(String what) {
      errors.incrementAndGet();
      if (firstError == null) firstError = what;
    }

    Phase phase(String name, double rate, double seconds) {
      long n = Math.min(count.get(), lat.length);
      StringBuilder v = new StringBuilder();
      versions.entrySet().stream().sorted(Map.Entry.comparingByKey())
          .forEach(e -> v.append(v.isEmpty() ? "" : ", ").append('v').append(e.getKey()).append(": ").append(e.getValue().get()));
      // The requests due outside the publication and the second after it (the server's switch to the new run).
      long from = publishStart, to = publishEnd + 1_000_000_000L;
      long[] quiet = new long[(int) n];
      int q = 0;
      for (int i = 0; i < n; i++) if (from == 0 || at[i] < from || at[i] > to) quiet[q++] = lat[i];
      if (timeline != null) writeTimeline(name, n, from, to);
      return new Phase(name, rate, count.get(), seconds, Arrays.copyOf(lat, (int) n), errors.get(), wrong.get(), v.toString(), firstError,
          Arrays.copyOf(quiet, q), from == 0 ? 0 : (publishEnd - from) / 1e9, new Cpu(0), new Cpu(0), 0, 0, new long[2]);
    }
  }

  /** Runs {@code publish} (when not null) in its own thread, half-way through a phase of {@code seconds}, timing it. */
  static Thread midway(Runnable publish, int seconds) {
    publishStart = 0;
    publishEnd = 0;
    return Thread.ofPlatform().start(() -> {
      if (publish == null) return;
      try {
        Thread.sleep(seconds * 500L);
        long t = System.nanoTime();
        publish.run();
        publishEnd = System.nanoTime();
        publishStart = t;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
  }

  private static void makeStore(Path dir, int rows, int d) {
    List<String> cols = new ArrayList<>();
    for (int j = 0; j < d; j++) cols.add("f" + j);
    SplittableRandom rnd = new SplittableRandom(11);
    try (FeatureStoreWriter w = FeatureStoreWriter.create(dir, cols, true, true, "serve load")) {
      float[] row = new float[d];
      for (int i = 0; i < rows; i++) {
        int c = i % 10;
        for (int j = 0; j < d; j++) row[j] = (float) (c * (j % 3 + 1) + rnd.nextGaussian());
        w.append("c" + i, row);
      }
      w.commit().close();
    }
  }

  /** Waits for the server's "listening" line (60 s at most); its output goes on into {@code log}. */
  private static int awaitPort(Process server, Path log) throws Exception {
    Files.createDirectories(log.getParent());
    BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
    java.io.Writer w = Files.newBufferedWriter(log);
    CountDownLatch found = new CountDownLatch(1);
    AtomicInteger port = new AtomicInteger(-1);
    Thread.ofPlatform().daemon().start(() -> {
      try (w) {
        for (String line; (line = out.readLine()) != null; ) {
          w.write(line + "\n");
          w.flush();
          Matcher m = LISTENING.matcher(line);
          if (m.find()) {
            port.set(Integer.parseInt(m.group(1)));
            found.countDown();
          }
        }
      } catch (java.io.IOException e) {
        // the server ended
      }
      found.countDown();
    });
    if (!found.await(60, TimeUnit.SECONDS) || port.get() < 0) {
      throw new IllegalStateException("the server did not start; see " + log);
    }
    return port.get();
  }

  private static String javaBin() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  private static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (java.io.IOException e) {
      return "unknown";
    }
  }

  private static double ms(long[] sorted, double q) {
    if (sorted.length == 0) return 0;
    return sorted[(int) Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] / 1e6;
  }
}
