package io.segmenta.server;

import static io.segmenta.server.ServerFixture.request;
import static io.segmenta.server.ServerFixture.send;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.segmenta.Segmenta;
import io.segmenta.kmeans.KMeansParams;
import io.segmenta.kmeans.KMeansResult;
import io.segmenta.server.ServerFixture.Reply;
import io.segmenta.store.FeatureStore;
import io.segmenta.store.FeatureStoreWriter;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Customer ids as real systems have them ("ACME/7", spaces, '?', '%', '#', quotes, backslashes, non-ASCII) are looked up
 * exactly over HTTP: through the path when a path segment can carry them, through {@code ?id=} always.
 * Each answer is checked against the labels of the published fit.
 */
class AwkwardIdsTest {
  static final List<String> IDS = List.of("ACME/7", "a b", "what?", "100%", "#1", "Zoë-ß", "..", "plain", "a+b", "semi;colon",
      // Characters the JSON answer must escape or encode: it is written straight to bytes.
      "quote\"back\\slash", "emoji \uD83D\uDE00", "sep\u2028arator", "</script>");

  @TempDir Path dir;

  @Test
  void everyIdIsFoundByQueryAndEveryPathSafeIdByPath() {
    Path storeDir = dir.resolve("store");
    try (FeatureStoreWriter w = FeatureStoreWriter.create(storeDir, List.of("a", "b"), true, false, "test")) {
      for (int i = 0; i < IDS.size(); i++) w.append(IDS.get(i), new float[] {i % 2 == 0 ? 0 : 10, i});
      w.commit().close();
    }
    KMeansResult fit;
    try (Segmenta engine = Segmenta.open(); FeatureStore store = Segmenta.openStore(storeDir)) {
      fit = engine.kmeans(store.dataset(), KMeansParams.builder(2).seed(1).build());
      Segmenta.publish(store, fit);
    }
    try (SegmentServer server = SegmentServer.start(ServeOptions.loopback(storeDir, 0))) {
      HttpClient http = ServerFixture.client();
      for (int i = 0; i < IDS.size(); i++) {
        String id = IDS.get(i);
        int label = fit.labels()[i];
        // URLEncoder writes '+' for a space, which a query decodes back; %20 is used in the path.
        Reply q = send(http, request(server.port(), "/v1/customers/segment?id=" + URLEncoder.encode(id, StandardCharsets.UTF_8)).GET().build());
        assertEquals(200, q.status(), id + ": " + q.body());
        assertEquals(id, q.json().get("id").asText());
        assertEquals(label, q.json().get("segment").asInt(), id);
        if (!id.contains("/") && !id.equals("..")) {
          String seg = URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20");
          Reply p = send(http, request(server.port(), "/v1/customers/" + seg + "/segment").GET().build());
          assertEquals(200, p.status(), id + ": " + p.body());
          assertEquals(id, p.json().get("id").asText());
          assertEquals(label, p.json().get("segment").asInt(), id);
        }
      }
      Reply missing = send(http, request(server.port(), "/v1/customers/segment").GET().build());
      assertEquals(400, missing.status());
      assertTrue(missing.json().get("error").asText().contains("query parameter 'id' is missing"), missing.body());
      Reply twice = send(http, request(server.port(), "/v1/customers/segment?id=plain&id=a").GET().build());
      assertEquals(400, twice.status());
      assertTrue(twice.json().get("error").asText().contains("more than once"), twice.body());
      Reply unknown = send(http, request(server.port(), "/v1/customers/segment?id=ACME%2F8").GET().build());
      assertEquals(404, unknown.status());
      assertTrue(unknown.json().get("error").asText().contains("customer 'ACME/8' is not in run 1"), unknown.body());
      Reply noProducts = send(http, request(server.port(), "/v1/customers/recommendations?id=ACME%2F7").GET().build());
      assertEquals(409, noProducts.status(), noProducts.body());
    }
  }
}
