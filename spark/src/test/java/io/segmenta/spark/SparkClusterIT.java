package io.segmenta.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.segmenta.cli.SegmentCli;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job on Spark's {@code local-cluster[2,1,1024]}: two workers in this JVM, each running an
 * executor in a JVM of its own, started from a SPARK_HOME whose jars/ are Spark's alone. Segmenta's
 * classes reach the executors only in the shaded {@code -job} jar ({@code spark.jars}), so every
 * closure and partial is serialized across processes, as on a real cluster. The result must equal
 * {@code segment kmeans} on the same rows customer by customer, and both executors must have run
 * the Vector API path, not the scalar fallback.
 *
 * <p>Each worker also offers one "gpu" resource through a discovery script (address 3, a GPU this
 * machine does not have) and every task asks for it, so Spark's resource scheduling hands each
 * task GPU 3; with {@code --backend auto} each executor must ask CUDA for device 3, find no driver,
 * run on the CPU and say so in its log.
 */
class SparkClusterIT {
  @TempDir Path dir;

  @Test
  @org.junit.jupiter.api.Timeout(value = 6, unit = java.util.concurrent.TimeUnit.MINUTES)
  void clusterRunEqualsTheEngineAndExecutorsRanTheVectorPath() throws IOException {
    Path jobJar = Path.of(System.getProperty("segmenta.jobJar"));
    assertTrue(Files.isRegularFile(jobJar), "the job jar is built before integration tests: " + jobJar);
    Path sparkHome = Path.of(System.getenv("SPARK_HOME"));
    makeSparkHome(sparkHome, Path.of(System.getProperty("segmenta.sparkHomeClasspath")));

    int n = 4000, d = 4, k = 5;
    float[] x = SharedSpark.blobs(n, d, k, 15, 23);
    StringBuilder csv = new StringBuilder("id,f0,f1,f2,f3\n");
    for (int i = 0; i < n; i++) {
      csv.append("C").append(i);
      for (int j = 0; j < d; j++) csv.append(',').append(x[i * d + j]);
      csv.append('\n');
    }
    Path input = Files.writeString(dir.resolve("rows.csv"), csv);
    StringBuilder init = new StringBuilder("f0,f1,f2,f3\n");
    for (int c = 0; c < k; c++) {
      for (int j = 0; j < d; j++) init.append(j == 0 ? "" : ",").append(x[c * 700 * d + j]);
      init.append('\n');
    }
    Path initFile = Files.writeString(dir.resolve("init.csv"), init);

    String[] common = {"--input", input.toString(), "--id-column", "id", "--k", "" + k, "--init", initFile.toString(), "--scale", "standard"};
    StringWriter eo = new StringWriter(), ee = new StringWriter();
    int es = SegmentCli.run(concat(new String[] {"kmeans"}, common, new String[] {"--out", dir.resolve("engine").toString(), "--progress", "never"}),
        new PrintWriter(eo, true), new PrintWriter(ee, true));
    assertEquals(0, es, ee.toString());

    Path gpus = dir.resolve("gpus.sh");
    Files.writeString(gpus, "#!/bin/sh\necho '{\"name\": \"gpu\", \"addresses\": [\"3\"]}'\n");
    gpus.toFile().setExecutable(true);
    SparkSession spark = SparkSession.builder().master("local-cluster[2,1,1024]").appName("segmenta-cluster-it")
        .config("spark.jars", jobJar.toString())
        .config("spark.worker.resource.gpu.amount", "1").config("spark.worker.resource.gpu.discoveryScript", gpus.toString())
        .config("spark.executor.resource.gpu.amount", "1").config("spark.executor.resource.gpu.discoveryScript", gpus.toString())
        .config("spark.task.resource.gpu.amount", "1")
        .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.ui.enabled", "false").config("spark.executor.memory", "768m")
        // An executor that cannot start fails the application after a few tries instead of being relaunched forever.
        .config("spark.deploy.maxExecutorRetries", "3")
        // The first job waits for both executors, so that both take partitions.
        .config("spark.scheduler.minRegisteredResourcesRatio", "1.0")
        .getOrCreate();
    try {
      StringWriter so = new StringWriter(), se = new StringWriter();
      int ss = SegmentJob.run(spark, concat(new String[] {"kmeans"}, common,
          new String[] {"--partitions", "4", "--backend", "auto", "--out", dir.resolve("cluster").toString()}), new PrintWriter(so, true),
          new PrintWriter(se, true));
      assertEquals(0, ss, se.toString());
      String summary = Files.readString(dir.resolve("cluster/summary.json"));
      assertTrue(summary.contains("\"master\": \"local-cluster[2,1,1024]\""), summary);
      // Both executors stepped, each on the Vector API path.
      assertTrue(summary.contains("\"executor_backends\": [\"0=cpu-vector\", \"1=cpu-vector\"]"), summary);
      // Each executor was given GPU 3 by Spark, asked CUDA for it, and said why it runs on the CPU instead.
      List<String> saidSo = new ArrayList<>();
      // This application's executor logs only: the work directory keeps earlier runs'.
      try (var files = Files.walk(sparkHome.resolve("work").resolve(spark.sparkContext().applicationId()))) {
        for (Path f : files.filter(f -> f.getFileName().toString().equals("stderr")).toList()) {
          for (String line : Files.readAllLines(f)) {
            if (line.contains("Spark gave the task GPU 3") && line.contains("cuda (device 3)")) saidSo.add(f.getParent().getFileName() + ": " + line);
          }
        }
      }
      System.out.println("executor GPU fallbacks: " + saidSo);
      assertEquals(2, saidSo.stream().map(l -> l.substring(0, l.indexOf(':'))).distinct().count(),
          "both executors log their fallback from GPU 3: " + saidSo);

      Map<String, Integer> engine = new HashMap<>();
      for (String line : Files.readAllLines(dir.resolve("engine/assignments.csv")).subList(1, n + 1)) {
        String[] p = line.split(",");
        engine.put(p[0], Integer.parseInt(p[1]));
      }
      List<Row> got = spark.read().parquet(dir.resolve("cluster/assignments").toString()).collectAsList();
      assertEquals(n, got.size());
      for (Row r : got) assertEquals(engine.get(r.getString(0)), r.getInt(1), "customer " + r.getString(0));
      List<String> ec = Files.readAllLines(dir.resolve("engine/centroids.csv"));
      List<String> cc = Files.readAllLines(dir.resolve("cluster/centroids.csv"));
      for (int r = 1; r < ec.size(); r++) {
        String[] a = ec.get(r).split(","), b = cc.get(r).split(",");
        assertEquals(a[1], b[1], "size of segment " + a[0]);
        for (int j = 2; j < a.length; j++) {
          double va = Double.parseDouble(a[j]), vb = Double.parseDouble(b[j]);
          assertEquals(va, vb, 1e-9 * Math.max(1, Math.abs(va)), "segment " + a[0] + ", column " + j);
        }
      }
    } finally {
      spark.stop();
    }
  }

  /**
   * SPARK_HOME/jars: links to the module's dependency jars (Spark's and the engine's third-party
   * ones) but none of Segmenta's own: those reach the executors only in the job jar.
   */
  static void makeSparkHome(Path home, Path classpathFile) throws IOException {
    Path jars = home.resolve("jars");
    Files.createDirectories(jars);
    for (String entry : Files.readString(classpathFile).strip().split(java.io.File.pathSeparator)) {
      Path jar = Path.of(entry);
      if (jar.getFileName().toString().startsWith("segmenta-") || !entry.endsWith(".jar")) continue;
      Path link = jars.resolve(jar.getFileName());
      if (!Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS)) Files.createSymbolicLink(link, jar);
    }
    Files.createDirectories(home.resolve("conf"));
    Path log = Path.of("conf/log4j2.properties");
    if (Files.exists(log)) Files.copy(log, home.resolve("conf/log4j2.properties"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
  }

  private static String[] concat(String[]... parts) {
    List<String> all = new ArrayList<>();
    for (String[] p : parts) all.addAll(List.of(p));
    return all.toArray(new String[0]);
  }
}
