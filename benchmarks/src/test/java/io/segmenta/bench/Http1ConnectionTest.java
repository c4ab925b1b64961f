package io.segmenta.bench;

import static org.junit.jupiter.api.Assertions.*;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The load generator's HTTP/1.1 client against the JDK's own HTTP server on a loopback port: both body
 * framings, many requests on one keep-alive connection, a body larger than the read buffer, and a
 * non-200 status passed through for the generator to count as an error.
 */
class Http1ConnectionTest {
  private HttpServer server;
  private int port;
  private final AtomicInteger connections = new AtomicInteger();

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/fixed", ex -> {
      byte[] b = ("{\"q\":\"" + ex.getRequestURI().getQuery() + "\"}").getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().add("Content-Type", "application/json");
      ex.sendResponseHeaders(200, b.length);
      try (OutputStream o = ex.getResponseBody()) {
        o.write(b);
      }
    });
    // Length 0 in sendResponseHeaders means chunked in the JDK server.
    server.createContext("/chunked", ex -> {
      ex.sendResponseHeaders(200, 0);
      try (OutputStream o = ex.getResponseBody()) {
        for (int i = 0; i < 3; i++) {
          o.write(("part" + i + ";").getBytes(StandardCharsets.UTF_8));
          o.flush();
        }
      }
    });
    server.createContext("/big", ex -> {
      byte[] b = new byte[100_000];
      for (int i = 0; i < b.length; i++) b[i] = (byte) ('a' + i % 26);
      ex.sendResponseHeaders(200, b.length);
      try (OutputStream o = ex.getResponseBody()) {
        o.write(b);
      }
    });
    server.createContext("/echo", ex -> {
      byte[] in = ex.getRequestBody().readAllBytes();
      ex.sendResponseHeaders(in.length == 0 ? 400 : 201, in.length == 0 ? -1 : in.length);
      try (OutputStream o = ex.getResponseBody()) {
        o.write(in);
      }
    });
    server.start();
    port = server.getAddress().getPort();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  @Test
  void manyRequestsOnOneConnectionBothFramings() throws IOException {
    try (Http1Connection c = new Http1Connection("127.0.0.1", port)) {
      for (int i = 0; i < 200; i++) {
        Http1Connection.Response r = c.send(Http1Connection.get("/fixed?n=" + i));
        assertEquals(200, r.status());
        assertEquals("{\"q\":\"n=" + i + "\"}", new String(r.body(), StandardCharsets.UTF_8));
        Http1Connection.Response ch = c.send(Http1Connection.get("/chunked"));
        assertEquals(200, ch.status());
        assertEquals("part0;part1;part2;", new String(ch.body(), StandardCharsets.UTF_8));
      }
    }
  }

  @Test
  void bodyLargerThanTheBufferAndPostBodiesArriveWhole() throws IOException {
    try (Http1Connection c = new Http1Connection("127.0.0.1", port)) {
      Http1Connection.Response big = c.send(Http1Connection.get("/big"));
      assertEquals(100_000, big.body().length);
      for (int i = 0; i < big.body().length; i++) assertEquals('a' + i % 26, big.body()[i], "byte " + i);
      String json = "{\"rows\": [[1.5, 2, -3e-4]]}";
      Http1Connection.Response echo = c.send(Http1Connection.postJson("/echo", json));
      assertEquals(201, echo.status());
      assertEquals(json, new String(echo.body(), StandardCharsets.UTF_8));
      // The connection is still in step after both.
      assertEquals(200, c.send(Http1Connection.get("/fixed?x")).status());
    }
  }

  @Test
  void anErrorStatusIsReturnedNotHiddenAndAClosedConnectionSaysSo() throws IOException {
    try (Http1Connection c = new Http1Connection("127.0.0.1", port)) {
      assertTrue(c.isOpen());
      // The JDK's server answers 404 with "Connection: close": the answer is whole, the connection ends.
      assertEquals(404, c.send(Http1Connection.get("/nothing-here")).status());
      assertFalse(c.isOpen());
      assertThrows(IOException.class, () -> c.send(Http1Connection.get("/fixed?after-404")));
    }
    try (Http1Connection c = new Http1Connection("127.0.0.1", port)) {
      assertEquals(200, c.send(Http1Connection.get("/fixed?on-a-new-one")).status());
    }
  }
}
