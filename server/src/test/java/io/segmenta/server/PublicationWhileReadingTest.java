package io.segmenta.server;

import static io.segmenta.server.ServerFixture.request;
import static io.segmenta.server.ServerFixture.send;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.segmenta.Segmenta;
import io.segmenta.data.Dataset;
import io.segmenta.kmeans.KMeansModel;
import io.segmenta.kmeans.KMeansParams;
import io.segmenta.kmeans.KMeansResult;
import io.segmenta.preprocess.ScaleMethod;
import io.segmenta.server.ServerFixture.Reply;
import io.segmenta.store.FeatureStore;
import io.segmenta.store.FeatureStoreWriter;
import java.net.http.HttpClient;
import java.net.http.HttpRequest.BodyPublishers;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs published while clients read: every answer (lookups, predictions, segment lists) is checked
 * against the labels, model and k of the version it names, and each new run is served within a
 * second of its publication.
 */
class PublicationWhileReadingTest {
  static final int N = 3000;
  static final int D = 3;
  @TempDir Path dir;

  /** What each published version must answer. */
  record Expected(int k, int[] labels, int[] predicted) {}

  @Test
  void everyAnswerMatchesTheVersionItNames() throws Exception {
    Path storeDir = dir.resolve("store");
    Random rnd = new Random(7);
    float[][] centres = {{0, 0, 0}, {6, 0, 1}, {0, 6, 2}, {6, 6, 3}, {3, 3, 9}};
    try (FeatureStoreWriter w = FeatureStoreWriter.create(storeDir, List.of("a", "b", "c"), true, false, "test")) {
      for (int i = 0; i < N; i++) {
        float[] c = centres[i % centres.length];
        w.append("c" + i, new float[] {c[0] + (float) rnd.nextGaussian(), c[1] + (float) rnd.nextGaussian(), c[2] + (float) rnd.nextGaussian()});
      }
      w.commit().close();
    }
    // Rows sent to /v1/predict, in the input's units.
    float[][] probe = new float[20][];
    StringBuilder body = new StringBuilder("{\"rows\": [");
    for (int i = 0; i < probe.length; i++) {
      probe[i] = new float[] {(float) (rnd.nextDouble() * 8 - 1), (float) (rnd.nextDouble() * 8 - 1), (float) (rnd.nextDouble() * 10)};
      body.append(i == 0 ? "[" : ",[").append(probe[i][0]).append(',').append(probe[i][1]).append(',').append(probe[i][2]).append(']');
    }
    String predictBody = body.append("]}").toString();
    Map<Long, Expected> expected = new ConcurrentHashMap<>();

    try (Segmenta engine = Segmenta.open(); FeatureStore store = Segmenta.openStore(storeDir)) {
      // Fitted first, so that only publication happens while the clients read.
      List<KMeansResult> fits = List.of(fit(engine, store, 3, 1), fit(engine, store, 4, 2), fit(engine, store, 5, 3));
      publish(engine, store, fits.get(0), probe, expected);
      try (SegmentServer server = SegmentServer.start(ServeOptions.loopback(storeDir, 0))) {
        AtomicBoolean stop = new AtomicBoolean();
        ConcurrentLinkedQueue<String> wrong = new ConcurrentLinkedQueue<>();
        Map<Long, AtomicLong> seen = new ConcurrentHashMap<>();
        AtomicLong answers = new AtomicLong();
        ExecutorService readers = Executors.newVirtualThreadPerTaskExecutor();
        for (int t = 0; t < 4; t++) {
          int kind = t % 3;
          long seed = t;
          readers.submit(() -> {
            HttpClient http = ServerFixture.client();
            Random r = new Random(seed);
            while (!stop.get()) {
              try {
                check(kind, http, server.port(), r.nextInt(N), predictBody, expected, seen, wrong);
                answers.incrementAndGet();
              } catch (RuntimeException | AssertionError e) {
                wrong.add(e.toString());
              }
            }
            return null;
          });
        }
        for (KMeansResult fit : fits.subList(1, 3)) {
          long before = System.nanoTime();
          long current = server.version();
          while (seen.getOrDefault(current, new AtomicLong()).get() < 30 && System.nanoTime() - before < 20_000_000_000L) Thread.sleep(10);
          long v = publish(engine, store, fit, probe, expected);
          long published = System.nanoTime();
          HttpClient http = ServerFixture.client();
          while (send(http, request(server.port(), "/v1/health").GET().build()).json().get("version").asLong() != v) {
            assertTrue(System.nanoTime() - published < 1_000_000_000L, "run " + v + " not served within a second of its publication");
            Thread.sleep(10);
          }
        }
        long last = server.version();
        long end = System.nanoTime() + 20_000_000_000L;
        while (seen.getOrDefault(last, new AtomicLong()).get() < 30 && System.nanoTime() < end) Thread.sleep(10);
        stop.set(true);
        readers.shutdown();
        assertTrue(readers.awaitTermination(30, java.util.concurrent.TimeUnit.SECONDS));
        assertTrue(wrong.isEmpty(), wrong.size() + " wrong answers, e.g. " + wrong.peek());
        assertTrue(answers.get() > 100, "answers: " + answers.get());
        for (long v = 1; v <= 3; v++) assertTrue(seen.getOrDefault(v, new AtomicLong()).get() >= 30, "version " + v + " was never answered: " + seen);
      }
    }
  }

  private static KMeansResult fit(Segmenta engine, FeatureStore store, int k, long seed) {
    return engine.kmeans(store.dataset(), KMeansParams.builder(k).seed(seed).nInit(2).scale(ScaleMethod.STANDARD).build());
  }

  private static long publish(Segmenta engine, FeatureStore store, KMeansResult r, float[][] probe, Map<Long, Expected> expected) {
    KMeansModel m = r.model();
    int k = m.k();
    int[] predicted = engine.predict(m, Dataset.of(probe));
    long next = io.segmenta.store.PublishedAssignments.nextVersion(store.dir());
    expected.put(next, new Expected(k, r.labels().clone(), predicted));
    long v = Segmenta.publish(store, r);
    assertEquals(next, v);
    return v;
  }

  private static void check(int kind, HttpClient http, int port, int row, String predictBody, Map<Long, Expected> expected,
      Map<Long, AtomicLong> seen, ConcurrentLinkedQueue<String> wrong) {
    Reply reply = switch (kind) {
      case 0 -> send(http, request(port, "/v1/customers/c" + row + "/segment").GET().build());
      case 1 -> send(http, request(port, "/v1/predict").POST(BodyPublishers.ofString(predictBody)).build());
      default -> send(http, request(port, "/v1/segments").GET().build());
    };
    if (reply.status() != 200) {
      wrong.add(reply.status() + " " + reply.body());
      return;
    }
    JsonNode j = reply.json();
    long v = j.get("version").asLong();
    Expected e = expected.get(v);
    if (e == null) {
      wrong.add("unknown version " + v);
      return;
    }
    seen.computeIfAbsent(v, x -> new AtomicLong()).incrementAndGet();
    switch (kind) {
      case 0 -> {
        if (j.get("segment").asInt() != e.labels()[row]) wrong.add("c" + row + ": segment " + j.get("segment") + " in version " + v);
        if (!j.get("name").asText().equals("segment " + j.get("segment").asInt())) wrong.add("name " + j.get("name"));
      }
      case 1 -> {
        JsonNode p = j.get("predictions");
        for (int i = 0; i < e.predicted().length; i++) {
          if (p.get(i).get("segment").asInt() != e.predicted()[i]) wrong.add("probe " + i + ": segment " + p.get(i).get("segment") + " in version " + v);
        }
      }
      default -> {
        if (j.get("k").asInt() != e.k() || j.get("segments").size() != e.k()) wrong.add("version " + v + " listed " + j.get("k") + " segments");
        long total = 0;
        for (JsonNode s : j.get("segments")) {
          total += s.get("size").asLong();
          if (s.get("centroid").size() != D) wrong.add("centroid of " + D + " columns expected");
        }
        if (total != N) wrong.add("sizes add up to " + total);
      }
    }
  }
}
