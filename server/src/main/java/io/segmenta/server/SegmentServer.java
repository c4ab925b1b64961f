package io.segmenta.server;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.helidon.http.Header;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.Method;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.segmenta.EngineOptions;
import io.segmenta.Segmenta;
import io.segmenta.kernels.BackendChoice;
import io.segmenta.server.ServerMetrics.Route;
import io.segmenta.store.Recommender.Recommendation;
import io.segmenta.store.SegmentAssignment;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * {@code segment serve}: a store's published segments over HTTP/1.1 (Helidon SE's web server, one
 * virtual thread per request), JSON in and out. Every answer is built from one published run (see
 * {@link ServedRun}) and names its version; a newly published run is served within
 * {@code pollMillis} plus the time to open it. Customer ids are only ever map keys, never paths.
 * Refusals are 4xx with {@code {"error": "..."}} naming what is wrong; a failure of the server
 * itself is a 500 with an incident number that is logged with the stack trace, which never leaves
 * the server.
 */
public final class SegmentServer implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(SegmentServer.class.getName());
  /** Longer ids are refused before any lookup. */
  static final int MAX_ID_LENGTH = 256;
  static final int MAX_RECOMMENDATIONS = 100;
  private static final String JSON = "application/json";
  /** Made once: the header every JSON answer carries. */
  private static final Header CONTENT_TYPE_JSON = HeaderValues.create(HeaderNames.CONTENT_TYPE, JSON);

  private final ServeOptions options;
  private final ServerMetrics metrics = new ServerMetrics();
  private final ObjectMapper json;
  private final byte[] tokenHash;
  private final byte[] openApi;
  private final AtomicLong incidents = new AtomicLong();
  private final Segmenta engine;
  private final PublishedRuns runs;
  private final WebServer server;

  private SegmentServer(ServeOptions options) {
    this.options = options;
    this.json = mapper();
    this.tokenHash = options.token() == null ? null : sha256(options.token().getBytes(StandardCharsets.UTF_8));
    try (InputStream in = SegmentServer.class.getResourceAsStream("openapi.yaml")) {
      this.openApi = in.readAllBytes();
    } catch (IOException | NullPointerException e) {
      throw new IllegalStateException("openapi.yaml is missing from the server's jar", e);
    }
    this.runs = new PublishedRuns(options.store(), options.pollMillis(), metrics::served, metrics::switchFailed);
    Segmenta e = null;
    try {
      // Predictions are small batches: the CPU backend, never a device round trip.
      e = Segmenta.open(EngineOptions.DEFAULTS.withBackend(BackendChoice.CPU));
      this.engine = e;
      this.server = WebServer.builder().host(options.host()).port(options.port()).shutdownHook(false)
          .routing(this::routes).build().start();
    } catch (RuntimeException ex) {
      if (e != null) e.close();
      runs.close();
      throw ex;
    }
  }

  /** The server's JSON reader and writer. */
  static ObjectMapper mapper() {
    return JsonMapper.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION).build();
  }

  /**
   * Starts serving the store's published runs.
   *
   * @throws io.segmenta.store.StoreException if no run was published into the store
   */
  public static SegmentServer start(ServeOptions options) {
    return new SegmentServer(options);
  }

  /** The port listened on (the one chosen when {@code port} was 0). */
  public int port() {
    return server.port();
  }

  /** The version of the run served now. */
  public long version() {
    return runs.version();
  }

  private void routes(HttpRouting.Builder r) {
    r.addFilter(this::filter)
        .get("/v1/health", (req, res) -> answer(res, () -> health()))
        .get("/v1/customers/{id}/segment", (req, res) -> answerBytes(res, () -> segmentOf(id(req))))
        .get("/v1/customers/{id}/recommendations", (req, res) -> answer(res, () -> recommendations(id(req), count(req))))
        // The same with the id in the query, for ids a path segment cannot carry ('/' is decoded before routing).
        .get("/v1/customers/segment", (req, res) -> answerBytes(res, () -> segmentOf(queryId(req))))
        .get("/v1/customers/recommendations", (req, res) -> answer(res, () -> recommendations(queryId(req), count(req))))
        .post("/v1/predict", (req, res) -> answer(res, () -> predict(body(req))))
        .get("/v1/segments", (req, res) -> answer(res, this::segments))
        .get("/v1/openapi.yaml", (req, res) -> {
          res.header(HeaderNames.CONTENT_TYPE, "application/yaml");
          res.send(openApi);
        })
        .get("/metrics", (req, res) -> {
          res.header(HeaderNames.CONTENT_TYPE, metrics.contentType());
          res.send(metrics.scrape());
        })
        .any((req, res) -> answer(res, () -> {
          throw unknownRoute(req.prologue().method(), req.path().path());
        }))
        .error(Throwable.class, (req, res, t) -> failure(res, t));
  }

  /** Bearer token, body limit and metrics, around every request. */
  private void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
    long t0 = System.nanoTime();
    Route route = Route.of(req.path().path());
    try {
      if (tokenHash != null && !authorized(req)) {
        res.header(HeaderNames.WWW_AUTHENTICATE, "Bearer realm=\"segmenta\"");
        error(res, 401, "missing or wrong bearer token: send the header 'Authorization: Bearer <token>'");
        return;
      }
      OptionalLong length = req.headers().contentLength();
      if (length.isPresent() && length.getAsLong() > options.maxBodyBytes()) {
        error(res, 413, "the request body has " + length.getAsLong() + " bytes; the limit is " + options.maxBodyBytes());
        return;
      }
      chain.proceed();
    } finally {
      metrics.observe(route, res.status().code(), System.nanoTime() - t0);
    }
  }

  private boolean authorized(RoutingRequest req) {
    Optional<String> h = req.headers().first(HeaderNames.AUTHORIZATION);
    if (h.isEmpty()) return false;
    String v = h.get();
    if (v.length() < 7 || !v.regionMatches(true, 0, "Bearer ", 0, 7)) return false;
    // Digests of equal length compared in constant time: neither the token's content nor its length leaks.
    return MessageDigest.isEqual(sha256(v.substring(7).strip().getBytes(StandardCharsets.UTF_8)), tokenHash);
  }

  private Map<String, Object> health() {
    return ordered("status", "ok", "version", runs.version());
  }

  private byte[] segmentOf(String id) throws IOException {
    ServedRun run = runs.acquire();
    try {
      SegmentAssignment a = run.lookup.segmentOf(id).orElseThrow(() -> notFound(id, run));
      return segmentJson(json.getFactory(), id, a.segment(), run.name(a.segment()), a.distance(), a.version());
    } finally {
      run.release();
    }
  }

  /**
   * A lookup's answer, {@code {"id":...,"segment":...,"name":...,"distance":...,"version":...}}, written by Jackson's streaming
   * generator: the bytes the ObjectMapper wrote for the same ordered map (escaping of the id and name included), without the map,
   * the boxing and the serializer lookups it cost on every lookup.
   */
  static byte[] segmentJson(JsonFactory factory, String id, int segment, String name, float distance, long version) throws IOException {
    ByteArrayBuilder out = new ByteArrayBuilder(96 + 2 * (id.length() + name.length()));
    try (JsonGenerator g = factory.createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("id", id);
      g.writeNumberField("segment", segment);
      g.writeStringField("name", name);
      g.writeNumberField("distance", distance);
      g.writeNumberField("version", version);
      g.writeEndObject();
    }
    return out.toByteArray();
  }

  private Map<String, Object> recommendations(String id, int n) {
    ServedRun run = runs.acquire();
    try {
      if (run.recommender == null) {
        throw new ApiException(409, "run " + run.version + " has no product data: recommendations need a run made from a transaction log "
            + "with products (segment kmeans --transactions ...)");
      }
      SegmentAssignment a = run.recommender.segmentOf(id).orElseThrow(() -> notFound(id, run));
      List<Recommendation> recs = run.recommender.recommend(id, n).orElseThrow(() -> notFound(id, run));
      List<Map<String, Object>> products = new ArrayList<>();
      for (Recommendation x : recs) {
        products.add(ordered("product", x.product(), "description", x.description(), "lift", x.lift(), "share", x.share()));
      }
      return ordered("id", id, "segment", a.segment(), "name", run.name(a.segment()), "version", a.version(), "products", products);
    } finally {
      run.release();
    }
  }

  private Map<String, Object> predict(JsonNode body) {
    ServedRun run = runs.acquire();
    try {
      if (run.model == null) {
        throw new ApiException(409, "run " + run.version + " carries no K-Means model (it was published before models were kept with "
            + "runs, or by another algorithm): publish a new run with segment kmeans --store");
      }
      float[] rows = Predictor.rows(body, run.model);
      Predictor.Result p = Predictor.predict(engine, run.model, rows);
      List<Map<String, Object>> out = new ArrayList<>(p.segments().length);
      for (int i = 0; i < p.segments().length; i++) {
        int s = p.segments()[i];
        out.add(ordered("segment", s, "name", run.name(s), "distance", p.distances()[i]));
      }
      return ordered("version", run.version, "columns", run.model.columns(), "predictions", out);
    } finally {
      run.release();
    }
  }

  private Map<String, Object> segments() {
    ServedRun run = runs.acquire();
    try {
      if (run.segments == null) {
        throw new ApiException(409, "run " + run.version + " keeps no segment summary (it was published before summaries were kept "
            + "with runs): publish a new run with segment kmeans --store");
      }
      return ordered("version", run.version, "k", run.segments.size(), "segments", run.segments);
    } finally {
      run.release();
    }
  }

  private static ApiException notFound(String id, ServedRun run) {
    return new ApiException(404, "customer '" + id + "' is not in run " + run.version);
  }

  private static String id(ServerRequest req) {
    return checkedId(req.path().pathParameters().get("id"), "path parameter 'id'");
  }

  private static String queryId(ServerRequest req) {
    if (!req.query().contains("id")) throw new ApiException(400, "query parameter 'id' is missing: send ?id=<customer id> (URL-encoded)");
    if (req.query().all("id").size() > 1) throw new ApiException(400, "query parameter 'id' is given more than once");
    return checkedId(req.query().get("id"), "query parameter 'id'");
  }

  private static String checkedId(String id, String what) {
    if (id.isEmpty()) throw new ApiException(400, what + " is empty");
    if (id.length() > MAX_ID_LENGTH) throw new ApiException(400, what + " has " + id.length() + " characters; at most " + MAX_ID_LENGTH);
    for (int i = 0; i < id.length(); i++) {
      if (Character.isISOControl(id.charAt(i))) throw new ApiException(400, what + " holds a control character at position " + (i + 1));
    }
    return id;
  }

  private static int count(ServerRequest req) {
    if (!req.query().contains("n")) return 5;
    String s = req.query().get("n");
    try {
      int n = Integer.parseInt(s.strip());
      if (n >= 1 && n <= MAX_RECOMMENDATIONS) return n;
    } catch (NumberFormatException e) {
      // refused below
    }
    String shown = s.length() > 20 ? s.substring(0, 20) + "..." : s;
    throw new ApiException(400, "query parameter 'n' must be an integer from 1 to " + MAX_RECOMMENDATIONS + ", got '" + shown + "'");
  }

  /** The body as JSON, read up to the limit (bodies sent without a length are counted as they come). */
  private JsonNode body(ServerRequest req) {
    requireJson(req.headers().first(HeaderNames.CONTENT_TYPE));
    byte[] bytes;
    try (InputStream in = req.content().inputStream()) {
      bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, options.maxBodyBytes() + 1));
    } catch (IOException | RuntimeException e) {
      throw new ApiException(400, "the request body could not be read: " + e.getClass().getSimpleName());
    }
    if (bytes.length > options.maxBodyBytes()) {
      throw new ApiException(413, "the request body exceeds the limit of " + options.maxBodyBytes() + " bytes");
    }
    if (bytes.length == 0) throw new ApiException(400, "the request body is empty: send {\"rows\": [...]}");
    int bad = firstNonUtf8(bytes);
    if (bad >= 0) {
      throw new ApiException(400, String.format("the request body is not valid UTF-8: byte 0x%02X at offset %d; send JSON in UTF-8",
          bytes[bad] & 0xFF, bad));
    }
    try {
      return json.readTree(bytes);
    } catch (JsonProcessingException e) {
      var loc = e.getLocation();
      throw new ApiException(400, "the request body is not valid JSON" + (loc == null ? "" : " (line " + loc.getLineNr() + ", column "
          + loc.getColumnNr() + ")") + ": " + jsonProblem(e.getOriginalMessage()));
    } catch (IOException e) {
      throw new ApiException(400, "the request body could not be parsed: " + e.getClass().getSimpleName());
    }
  }

  /**
   * JSON only. A body without a Content-Type is read as JSON (what a bare client sends); any other media type, e.g. the
   * form encoding {@code curl -d} sends by default, is 415 naming it, rather than a confusing parse error.
   */
  static void requireJson(Optional<String> contentType) {
    if (contentType.isEmpty()) return;
    String[] parts = contentType.get().split(";");
    String media = parts[0].strip().toLowerCase(java.util.Locale.ROOT);
    String shown = contentType.get().length() > 80 ? contentType.get().substring(0, 80) + "..." : contentType.get();
    if (!media.equals("application/json") && !media.endsWith("+json")) {
      throw new ApiException(415, "Content-Type '" + shown + "' is not supported: send 'Content-Type: application/json'");
    }
    for (int i = 1; i < parts.length; i++) {
      String[] kv = parts[i].split("=", 2);
      if (kv.length == 2 && kv[0].strip().equalsIgnoreCase("charset")) {
        String cs = kv[1].strip().replace("\"", "");
        if (!cs.equalsIgnoreCase("utf-8") && !cs.equalsIgnoreCase("utf8")) {
          throw new ApiException(415, "charset '" + cs + "' in Content-Type '" + shown + "' is not supported: send JSON in UTF-8");
        }
      }
    }
  }

  /** The offset of the first byte that is not part of well-formed UTF-8, or -1 (ASCII bodies, the usual case, in one scan). */
  static int firstNonUtf8(byte[] bytes) {
    int i = 0;
    while (i < bytes.length && bytes[i] >= 0) i++;
    if (i == bytes.length) return -1;
    var decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
        .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT);
    java.nio.ByteBuffer in = java.nio.ByteBuffer.wrap(bytes);
    java.nio.charset.CoderResult r = decoder.decode(in, java.nio.CharBuffer.allocate(bytes.length), true);
    if (r.isError()) return in.position();
    r = decoder.flush(java.nio.CharBuffer.allocate(2));
    return r.isError() ? in.position() : -1;
  }

  /** Jackson's message without its note on where the source is. */
  private static String jsonProblem(String m) {
    if (m == null) return "malformed";
    int i = m.indexOf(" (start marker at");
    if (i < 0) i = m.indexOf(" at [Source");
    if (i < 0) i = m.indexOf("[Source");
    return (i < 0 ? m : m.substring(0, i)).strip();
  }

  private static ApiException unknownRoute(Method method, String path) {
    Route route = Route.of(path);
    if (route == Route.PREDICT) return new ApiException(405, "method " + method.text() + " is not allowed on " + path + "; use POST");
    if (route != Route.OTHER) return new ApiException(405, "method " + method.text() + " is not allowed on " + path + "; use GET");
    return new ApiException(404, "no such endpoint: " + method.text() + " " + (path.length() > 100 ? path.substring(0, 100) + "..." : path)
        + " (see /v1/openapi.yaml)");
  }

  private interface Body {
    Object get();
  }

  /** An answer already encoded as JSON. */
  private interface Encoded {
    byte[] get() throws IOException;
  }

  private void answer(ServerResponse res, Body body) {
    answerBytes(res, () -> json.writeValueAsBytes(body.get()));
  }

  private void answerBytes(ServerResponse res, Encoded body) {
    byte[] out;
    try {
      out = body.get();
    } catch (ApiException e) {
      error(res, e.status(), e.getMessage());
      return;
    } catch (IOException | RuntimeException e) {
      failure(res, e);
      return;
    }
    res.header(CONTENT_TYPE_JSON);
    res.send(out);
  }

  private void error(ServerResponse res, int status, String message) {
    res.status(status);
    res.header(HeaderNames.CONTENT_TYPE, JSON);
    try {
      res.send(json.writeValueAsBytes(Map.of("error", message)));
    } catch (JsonProcessingException e) {
      res.send("{\"error\": \"unprintable error\"}".getBytes(StandardCharsets.UTF_8));
    }
  }

  /** A failure of the server, not of the request: logged whole here, only an incident number to the client. */
  private void failure(ServerResponse res, Throwable t) {
    long n = incidents.incrementAndGet();
    LOG.log(Level.SEVERE, "incident " + n + ": " + t, t);
    if (!res.isSent()) error(res, 500, "internal error (incident " + n + " in the server's log)");
  }

  private static Map<String, Object> ordered(Object... kv) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]);
    return m;
  }

  private static byte[] sha256(byte[] b) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(b);
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError("every JDK has SHA-256", e);
    }
  }

  @Override
  public void close() {
    try {
      server.stop();
    } finally {
      try {
        runs.close();
      } finally {
        engine.close();
      }
    }
  }
}
