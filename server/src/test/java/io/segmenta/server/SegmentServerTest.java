package io.segmenta.server;

import static io.segmenta.server.ServerFixture.cli;
import static io.segmenta.server.ServerFixture.request;
import static io.segmenta.server.ServerFixture.send;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.segmenta.Segmenta;
import io.segmenta.kmeans.KMeansModel;
import io.segmenta.server.ServerFixture.Reply;
import io.segmenta.store.FeatureStore;
import io.segmenta.store.Recommender;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.http.HttpClient;
import java.net.http.HttpRequest.BodyPublishers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The real server on an ephemeral loopback port, a run made by the CLI from a generated transaction
 * log (so it has product data), called over HTTP. Answers are checked against what the CLI wrote
 * (assignments.csv, centroids), the raw transaction log and a float64 nearest-centroid oracle.
 */
class SegmentServerTest {
  @TempDir static Path dir;
  static Path store;
  static Path run;
  static SegmentServer server;
  static HttpClient http;
  static Map<String, Integer> assigned;
  static KMeansModel model;
  static FeatureStore features;

  @BeforeAll
  static void start() {
    Path tx = dir.resolve("tx.csv");
    cli("generate", "--rows", "300", "--segments", "3", "--products", "60", "--seed", "5", "--transactions", tx.toString(), "--progress", "never");
    run = dir.resolve("run");
    cli("kmeans", "--transactions", tx.toString(), "--preset", "online-retail", "--k", "3", "--seed", "1", "--scale", "standard",
        "--auto-log1p", "1", "--out", run.toString(), "--progress", "never");
    store = run.resolve("store");
    assigned = ServerFixture.assignments(run.resolve("assignments.csv"));
    model = Segmenta.loadModel(run.resolve("model.segm"));
    features = Segmenta.openStore(store);
    server = SegmentServer.start(ServeOptions.loopback(store, 0));
    http = ServerFixture.client();
  }

  @AfterAll
  static void stop() {
    if (server != null) server.close();
    if (features != null) features.close();
  }

  static Reply get(String path) {
    return send(http, request(server.port(), path).GET().build());
  }

  static Reply post(String path, String body) {
    return send(http, request(server.port(), path).POST(BodyPublishers.ofString(body)).header("Content-Type", "application/json").build());
  }

  @Test
  void healthNamesTheVersion() {
    Reply r = get("/v1/health");
    assertEquals(200, r.status());
    assertEquals("application/json", r.headers().firstValue("content-type").orElse(""));
    assertEquals("ok", r.json().get("status").asText());
    assertEquals(1, r.json().get("version").asLong());
  }

  @Test
  void everyCustomersSegmentIsTheOneTheRunWrote() {
    JsonNode segments = get("/v1/segments").json().get("segments");
    for (Map.Entry<String, Integer> e : assigned.entrySet()) {
      Reply r = get("/v1/customers/" + e.getKey() + "/segment");
      assertEquals(200, r.status(), r.body());
      JsonNode j = r.json();
      assertEquals(e.getKey(), j.get("id").asText());
      assertEquals(e.getValue().intValue(), j.get("segment").asInt(), e.getKey());
      assertEquals(1, j.get("version").asLong());
      assertEquals(segments.get(e.getValue()).get("name").asText(), j.get("name").asText());
      assertTrue(j.get("distance").asDouble() >= 0);
    }
  }

  @Test
  void recommendationsAreTheEnginesAndNeverWhatTheCustomerBought() throws IOException {
    Map<String, Set<String>> bought = new HashMap<>();
    List<String> lines = Files.readAllLines(dir.resolve("tx.csv"));
    for (String line : lines.subList(1, lines.size())) {
      String[] f = line.split(",");
      if (!f[0].startsWith("C")) bought.computeIfAbsent(f[6], k -> new HashSet<>()).add(f[1]); // cancellations are not purchases
    }
    int withProducts = 0;
    try (Recommender rec = Segmenta.recommender(store)) {
      for (String id : List.copyOf(assigned.keySet()).subList(0, 60)) {
        Reply r = get("/v1/customers/" + id + "/recommendations?n=4");
        assertEquals(200, r.status(), r.body());
        JsonNode j = r.json();
        assertEquals(assigned.get(id).intValue(), j.get("segment").asInt());
        assertEquals(1, j.get("version").asLong());
        List<Recommender.Recommendation> expected = rec.recommend(id, 4).orElseThrow();
        JsonNode products = j.get("products");
        assertEquals(expected.size(), products.size(), id);
        assertTrue(products.size() <= 4);
        for (int i = 0; i < products.size(); i++) {
          String p = products.get(i).get("product").asText();
          assertEquals(expected.get(i).product(), p);
          assertEquals(expected.get(i).lift(), products.get(i).get("lift").asDouble(), 1e-12);
          assertFalse(bought.getOrDefault(id, Set.of()).contains(p), id + " already bought " + p);
        }
        if (products.size() > 0) withProducts++;
      }
    }
    assertTrue(withProducts > 30, "most customers get recommendations: " + withProducts);
    assertEquals(5, get("/v1/customers/" + assigned.keySet().iterator().next() + "/recommendations").json().get("products").size());
  }

  @Test
  void segmentsCarryNamesSizesAndProfilesOfTheRun() throws IOException {
    JsonNode j = get("/v1/segments").json();
    assertEquals(1, j.get("version").asLong());
    assertEquals(3, j.get("k").asInt());
    long[] sizes = new long[3];
    for (int s : assigned.values()) sizes[s]++;
    double[][] centroids = model.centroidsInInputUnits();
    List<String> profileLines = Files.readAllLines(run.resolve("profiles.csv"));
    for (int s = 0; s < 3; s++) {
      JsonNode seg = j.get("segments").get(s);
      assertEquals(s, seg.get("segment").asInt());
      assertEquals(sizes[s], seg.get("size").asLong());
      assertFalse(seg.get("name").asText().isBlank());
      for (int c = 0; c < model.d(); c++) {
        assertEquals(centroids[s][c], seg.get("centroid").get(model.columns().get(c)).asDouble(), 1e-9 * Math.max(1, Math.abs(centroids[s][c])));
      }
      String meanLine = s + "," + io.segmenta.data.Csv.field(seg.get("name").asText()) + ",";
      String mean = profileLines.stream().filter(l -> l.startsWith(meanLine) && l.contains(",mean,")).findFirst().orElseThrow();
      String[] f = mean.split(",");
      assertEquals(Double.parseDouble(f[5]), seg.get("mean").get(model.columns().get(0)).asDouble(), 0.0);
      assertEquals(Double.parseDouble(f[3]), seg.get("share").asDouble(), 0.0);
    }
  }

  @Test
  void predictAssignsRowsInInputUnitsLikeAFloat64Oracle() {
    List<String> cols = model.columns();
    List<String> ids = List.copyOf(assigned.keySet()).subList(0, 40);
    StringBuilder arrays = new StringBuilder("{\"rows\": [");
    StringBuilder objects = new StringBuilder("{\"rows\": [");
    List<double[]> rows = new ArrayList<>();
    for (int i = 0; i < ids.size(); i++) {
      long r = features.rowOf(ids.get(i));
      double[] x = new double[cols.size()];
      for (int c = 0; c < x.length; c++) x[c] = features.matrix().get(r, c);
      rows.add(x);
      arrays.append(i == 0 ? "" : ",").append('[');
      objects.append(i == 0 ? "" : ",").append('{');
      for (int c = 0; c < x.length; c++) {
        arrays.append(c == 0 ? "" : ",").append(String.format(Locale.ROOT, "%.9g", x[c]));
        objects.append(c == 0 ? "" : ",").append('"').append(cols.get(c)).append("\":").append(String.format(Locale.ROOT, "%.9g", x[c]));
      }
      arrays.append(']');
      objects.append('}');
    }
    for (String body : List.of(arrays + "]}", objects + "]}")) {
      Reply r = post("/v1/predict", body);
      assertEquals(200, r.status(), r.body());
      JsonNode p = r.json().get("predictions");
      assertEquals(1, r.json().get("version").asLong());
      assertEquals(ids.size(), p.size());
      for (int i = 0; i < ids.size(); i++) {
        double[] z = model.scaling().forward(rows.get(i));
        int best = -1;
        double bestD = Double.POSITIVE_INFINITY;
        for (int s = 0; s < model.k(); s++) {
          double d2 = 0;
          for (int c = 0; c < z.length; c++) d2 += (z[c] - model.centroids()[s][c]) * (z[c] - model.centroids()[s][c]);
          if (d2 < bestD) {
            bestD = d2;
            best = s;
          }
        }
        assertEquals(best, p.get(i).get("segment").asInt(), "row " + i);
        assertEquals(Math.sqrt(bestD), p.get(i).get("distance").asDouble(), 1e-4 * Math.max(1, Math.sqrt(bestD)), "row " + i);
        // A training row's prediction is its segment in the run.
        assertEquals(assigned.get(ids.get(i)).intValue(), p.get(i).get("segment").asInt(), ids.get(i));
      }
    }
  }

  @Test
  void metricsCountRequestsErrorsLatencyAndTheVersion() {
    get("/v1/health");
    get("/v1/customers/no-such-customer/segment");
    Reply m = get("/metrics");
    assertEquals(200, m.status());
    assertTrue(m.headers().firstValue("content-type").orElse("").startsWith("text/plain"), m.headers().toString());
    String t = m.body();
    assertTrue(t.contains("segmenta_http_requests_total{route=\"health\",status=\"200\"}"), t);
    assertTrue(t.contains("segmenta_http_errors_total{route=\"segment\",status=\"404\"}"), t);
    assertTrue(t.contains("segmenta_http_request_duration_seconds_bucket{route=\"segment\",le=\"0.001\"}"), t);
    assertTrue(t.contains("segmenta_served_run_version 1.0"), t);
    // Label values are routes, not paths: a client cannot add series.
    assertFalse(t.contains("no-such-customer"));
  }

  @Test
  void openApiIsTheRepositorysFileAndNamesEveryRoute() throws IOException {
    Reply r = get("/v1/openapi.yaml");
    assertEquals(200, r.status());
    assertEquals(Files.readString(Path.of("src/main/resources/io/segmenta/server/openapi.yaml")), r.body());
    for (String route : List.of("/v1/health:", "/v1/customers/{id}/segment:", "/v1/customers/{id}/recommendations:", "/v1/predict:",
        "/v1/segments:", "/v1/openapi.yaml:", "/metrics:")) {
      assertTrue(r.body().contains("\n  " + route), route);
    }
  }

  @Test
  void keepAliveServesManyRequestsOnOneConnection() {
    // HTTP/1.1 keep-alive: the client's pool reuses one connection for sequential requests.
    HttpClient one = ServerFixture.client();
    for (int i = 0; i < 200; i++) assertEquals(200, send(one, request(server.port(), "/v1/health").GET().build()).status());
  }

  /** Request, expected status, words the error must contain: the server's answer to every kind of bad request. */
  static Stream<Arguments> badRequests() {
    String id = "10000";
    String cols = String.join(",", List.of("recency_days", "frequency"));
    return Stream.of(
        Arguments.of("GET", "/v1/customers/nobody/segment", null, 404, List.of("customer 'nobody'", "run 1")),
        Arguments.of("GET", "/v1/customers/nobody/recommendations", null, 404, List.of("customer 'nobody'")),
        Arguments.of("GET", "/v1/customers/" + id + "/recommendations?n=0", null, 400, List.of("'n'", "1 to 100", "'0'")),
        Arguments.of("GET", "/v1/customers/" + id + "/recommendations?n=abc", null, 400, List.of("'n'", "'abc'")),
        Arguments.of("GET", "/v1/customers/" + id + "/recommendations?n=101", null, 400, List.of("'n'", "101")),
        Arguments.of("GET", "/v1/customers/" + "x".repeat(300) + "/segment", null, 400, List.of("'id'", "300 characters", "256")),
        Arguments.of("GET", "/v1/customers/a%01b/segment", null, 400, List.of("'id'", "control character")),
        Arguments.of("GET", "/v1/customers/..%2F..%2Fstore/segment", null, 404, List.of("no such endpoint")),
        Arguments.of("GET", "/v1/customers/..%252Fassignments%252FCURRENT/segment", null, 404, List.of("customer '..%2Fassignments%2FCURRENT'")),
        Arguments.of("GET", "/v1/nothing", null, 404, List.of("no such endpoint", "/v1/nothing", "openapi")),
        Arguments.of("GET", "/v1/predict", null, 405, List.of("GET", "POST")),
        Arguments.of("POST", "/v1/health", "{}", 405, List.of("POST", "GET")),
        Arguments.of("POST", "/v1/predict", "", 400, List.of("body is empty")),
        Arguments.of("POST", "/v1/predict", "{\"rows\": [[1, 2", 400, List.of("not valid JSON", "line 1", "column")),
        Arguments.of("POST", "/v1/predict", "[1, 2]", 400, List.of("JSON object", "rows")),
        Arguments.of("POST", "/v1/predict", "{}", 400, List.of("field 'rows' is missing")),
        Arguments.of("POST", "/v1/predict", "{\"rows\": [], \"extra\": 1}", 400, List.of("unknown field 'extra'")),
        Arguments.of("POST", "/v1/predict", "{\"rows\": {}}", 400, List.of("'rows' must be an array", "an object")),
        Arguments.of("POST", "/v1/predict", "{\"rows\": []}", 400, List.of("'rows' is empty")),
        Arguments.of("POST", "/v1/predict", "{\"rows\": [1]}", 400, List.of("row 1 must be", "number")),
        Arguments.of("POST", "/v1/predict", "{\"rows\": [[1, 2]]}", 400, List.of("row 1 has 2 values", "columns (recency_days")),
        Arguments.of("POST", "/v1/predict", "{\"rows\": [" + validRow() + ", [1, 2]]}", 400, List.of("row 2 has 2 values")),
        Arguments.of("POST", "/v1/predict", "{\"rows\": [" + validRow().replaceFirst("^\\[[^,]+", "[NaN") + "]}", 400,
            List.of("row 1", "column 'recency_days'", "NaN")),
        Arguments.of("POST", "/v1/predict", "{\"rows\": [" + validRow().replaceFirst("^\\[[^,]+", "[\"12\"") + "]}", 400,
            List.of("row 1", "column 'recency_days'", "string \"12\"", "not a number")),
        Arguments.of("POST", "/v1/predict", "{\"rows\": [" + validRow().replaceFirst("^\\[[^,]+", "[null") + "]}", 400,
            List.of("row 1", "column 'recency_days'", "missing (null)")),
        Arguments.of("POST", "/v1/predict", "{\"rows\": [" + validRow().replaceFirst("^\\[[^,]+", "[1e300") + "]}", 400,
            List.of("row 1", "column 'recency_days'", "float32")),
        Arguments.of("POST", "/v1/predict", "{\"rows\": [" + validRow().replaceFirst("^\\[[^,]+", "[true") + "]}", 400,
            List.of("column 'recency_days'", "boolean")),
        Arguments.of("POST", "/v1/predict", "{\"rows\": [{\"recency_days\": 1}]}", 400, List.of("row 1", "columns", "'frequency'", "are missing")),
        Arguments.of("POST", "/v1/predict", "{\"rows\": [{\"recency_days\": 1, \"bogus\": 2}]}", 400, List.of("row 1", "unknown column 'bogus'")),
        Arguments.of("POST", "/v1/predict", "{\"rows\": [{\"recency_days\": 1, \"recency_days\": 2}]}", 400, List.of("Duplicate field 'recency_days'")),
        Arguments.of("POST", "/v1/predict", "{\"rows\": [" + validRow() + "," + validRow().replaceFirst("^\\[[^,]+", "[-5") + "]}", 400,
            List.of("row 2", "column 'recency_days'", "above -1", "log1p")),
        Arguments.of("POST", "/v1/predict", "{\"rows\": [" + (validRow() + ",").repeat(Predictor.MAX_ROWS) + validRow() + "]}", 400,
            List.of("10001 rows", "at most 10000")));
  }

  /** Content-Type and encoding: the header as sent (null for none), the raw body, expected status, words the error must contain. */
  static Stream<Arguments> encodings() {
    byte[] ok = ("{\"rows\": [" + validRow() + "]}").getBytes(StandardCharsets.UTF_8);
    byte[] badByte = ("{\"rows\": [" + validRow() + "], \"x\": \"caf\u00ff\"}").getBytes(StandardCharsets.ISO_8859_1);
    int at = badByte.length - 3;
    byte[] cut = java.util.Arrays.copyOf(ok, ok.length + 1);
    cut[ok.length] = (byte) 0xC3; // the first byte of a two-byte sequence, and then the end
    byte[] utf16 = ("\uFEFF{\"rows\": [" + validRow() + "]}").getBytes(StandardCharsets.UTF_16LE);
    byte[] accented = "{\"rows\": [{\"r\u00e9cence\": 1}]}".getBytes(StandardCharsets.UTF_8);
    return Stream.of(
        Arguments.of(null, ok, 200, List.of()),
        Arguments.of("application/json", ok, 200, List.of()),
        Arguments.of("application/json; charset=UTF-8", ok, 200, List.of()),
        Arguments.of("application/vnd.segmenta+json", ok, 200, List.of()),
        Arguments.of("application/x-www-form-urlencoded", ok, 415, List.of("Content-Type 'application/x-www-form-urlencoded'", "application/json")),
        Arguments.of("text/plain", ok, 415, List.of("'text/plain'", "application/json")),
        Arguments.of("application/json; charset=ISO-8859-1", ok, 415, List.of("charset 'ISO-8859-1'", "UTF-8")),
        Arguments.of("application/json", badByte, 400, List.of("not valid UTF-8", "0xFF", "offset " + at)),
        Arguments.of("application/json", cut, 400, List.of("not valid UTF-8", "0xC3", "offset " + ok.length)),
        Arguments.of("application/json", utf16, 400, List.of("not valid UTF-8", "offset 0")),
        // Well-formed UTF-8 beyond ASCII passes the check and reaches the row checks, the name intact.
        Arguments.of("application/json", accented, 400, List.of("row 1", "unknown column 'r\u00e9cence'")));
  }

  @ParameterizedTest(name = "POST /v1/predict, Content-Type {0} -> {2}")
  @MethodSource("encodings")
  void contentTypeAndEncodingAreChecked(String contentType, byte[] body, int status, List<String> words) {
    var b = request(server.port(), "/v1/predict").POST(BodyPublishers.ofByteArray(body));
    if (contentType != null) b = b.header("Content-Type", contentType);
    Reply r = send(http, b.build());
    assertEquals(status, r.status(), r.body());
    if (status == 200) {
      assertEquals(1, r.json().get("predictions").size(), r.body());
      return;
    }
    String error = r.json().get("error").asText();
    for (String w : words) assertTrue(error.contains(w), "'" + w + "' not in: " + error);
    assertNoInternals(r.body());
  }

  /** A valid row in the model's column order, every value a training row's (log1p columns need values above -1). */
  static String validRow() {
    StringBuilder b = new StringBuilder("[");
    for (int c = 0; c < model.d(); c++) b.append(c == 0 ? "" : ", ").append(features.matrix().get(0, c));
    return b.append(']').toString();
  }

  @ParameterizedTest(name = "{0} {1} -> {3}")
  @MethodSource("badRequests")
  void badRequestsGetA4xxNamingWhatIsWrong(String method, String path, String body, int status, List<String> words) {
    var b = request(server.port(), path);
    b = body == null ? b.method(method, BodyPublishers.noBody()) : b.method(method, BodyPublishers.ofString(body));
    Reply r = send(http, b.build());
    assertEquals(status, r.status(), r.body());
    assertEquals("application/json", r.headers().firstValue("content-type").orElse(""), r.body());
    String error = r.json().get("error").asText();
    for (String w : words) assertTrue(error.contains(w), "'" + w + "' not in: " + error);
    assertNoInternals(r.body());
    // The server is still well.
    assertEquals(200, get("/v1/health").status());
  }

  static void assertNoInternals(String body) {
    assertFalse(body.contains("Exception"), body);
    assertFalse(body.matches("(?s).*\\bat [a-z]+\\.[a-z].*\\(.*"), body);
    assertFalse(body.contains(dir.toString()), body);
  }

  @Test
  void theLog1pColumnOfTheTestIsReal() {
    // The log1p row of the table needs a log1p column first in the model: the fixture asks for --auto-log1p 1.
    assertTrue(model.scaling().log1p()[0], "recency_days is log-transformed in this run");
  }

  @Test
  void bodiesOverTheLimitAre413WithOrWithoutALength() {
    try (SegmentServer small = SegmentServer.start(ServeOptions.loopback(store, 0).withMaxBodyBytes(1024))) {
      String big = "{\"rows\": [" + (validRow() + ",").repeat(60) + validRow() + "]}";
      assertTrue(big.length() > 1024);
      Reply withLength = send(http, request(small.port(), "/v1/predict").POST(BodyPublishers.ofString(big)).build());
      assertEquals(413, withLength.status(), withLength.body());
      assertTrue(withLength.json().get("error").asText().contains("1024"));
      // Chunked: no Content-Length, counted as it arrives.
      Reply chunked = send(http, request(small.port(), "/v1/predict")
          .POST(BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big.getBytes(StandardCharsets.UTF_8)))).build());
      assertEquals(413, chunked.status(), chunked.body());
      assertTrue(chunked.json().get("error").asText().contains("limit of 1024 bytes"));
      String fits = "{\"rows\": [" + validRow() + "]}";
      assertEquals(200, send(http, request(small.port(), "/v1/predict").POST(BodyPublishers.ofString(fits)).build()).status());
    }
  }

  @Test
  void withATokenEveryRequestNeedsTheBearerToken() {
    String token = "s3cret-token-0123456789";
    try (SegmentServer guarded = SegmentServer.start(ServeOptions.loopback(store, 0).withToken(token))) {
      for (String path : List.of("/v1/health", "/v1/customers/10000/segment", "/v1/segments", "/v1/openapi.yaml", "/metrics", "/v1/nothing")) {
        Reply none = send(http, request(guarded.port(), path).GET().build());
        assertEquals(401, none.status(), path);
        assertTrue(none.json().get("error").asText().contains("Authorization: Bearer"));
        assertEquals("Bearer realm=\"segmenta\"", none.headers().firstValue("www-authenticate").orElse(""));
        for (String wrong : List.of("Bearer " + token + "x", "Bearer " + token.substring(1), "Basic " + token, token, "Bearer ", "Bearer")) {
          assertEquals(401, send(http, request(guarded.port(), path).header("Authorization", wrong).GET().build()).status(), wrong);
        }
      }
      Reply ok = send(http, request(guarded.port(), "/v1/health").header("Authorization", "Bearer " + token).GET().build());
      assertEquals(200, ok.status());
      assertEquals(200, send(http, request(guarded.port(), "/v1/predict").header("Authorization", "bearer " + token)
          .POST(BodyPublishers.ofString("{\"rows\": [" + validRow() + "]}")).build()).status());
    }
  }

  @Test
  void beyondLoopbackItRefusesToStartWithoutAToken() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ServeOptions.loopback(store, 0).withHost("0.0.0.0"));
    assertTrue(e.getMessage().contains("--token-file"), e.getMessage());
    // A token makes such an address acceptable (the options only: nothing is bound here).
    assertEquals("0.0.0.0", ServeOptions.loopback(store, 0).withToken("0123456789abcdef").withHost("0.0.0.0").host());
    assertThrows(IllegalArgumentException.class, () -> ServeOptions.loopback(store, 0).withToken("short"));
    // The command line: exit 2 with the reason, before anything listens.
    StringWriter err = new StringWriter();
    picocli.CommandLine cl = new picocli.CommandLine(new ServeCommand());
    cl.setErr(new PrintWriter(err));
    assertEquals(2, cl.execute("--store", store.toString(), "--host", "0.0.0.0", "--port", "0"));
    assertTrue(err.toString().contains("not a loopback address") && err.toString().contains("--token-file"), err.toString());
    assertEquals(2, new picocli.CommandLine(new ServeCommand()).setErr(new PrintWriter(new StringWriter()))
        .execute("--store", dir.resolve("no-store").toString(), "--port", "0"));
  }

  @Test
  void aStoreWithoutAPublishedRunIsRefused() {
    var e = assertThrows(io.segmenta.InvalidInputException.class, () -> SegmentServer.start(ServeOptions.loopback(dir.resolve("empty"), 0)));
    assertTrue(e.getMessage().contains("no segmentation has been published"), e.getMessage());
    assertNotNull(server);
  }
}
