package io.segmenta.bench;

import static org.junit.jupiter.api.Assertions.*;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The event loop against the JDK's HTTP server on a loopback port: every answer is checked, a wrong
 * one and an error status are each counted exactly, a {@code Connection: close} replaces only that
 * connection, the others are kept alive, and the version published midway is seen. Then against a raw
 * server that writes its answers a few bytes at a time.
 */
class LoadLoopTest {
  private HttpServer server;
  private InetSocketAddress address;
  private final AtomicLong version = new AtomicLong(1);
  private final Set<Integer> clientPorts = ConcurrentHashMap.newKeySet();

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    // {"version": v, "i": i, "sq": i*i}, except a wrong square for i % 7 == 3; chunked for i % 5 == 0.
    server.createContext("/answer", ex -> {
      clientPorts.add(ex.getRemoteAddress().getPort());
      long i = Long.parseLong(ex.getRequestURI().getQuery().substring(2));
      long sq = i % 7 == 3 ? i * i + 1 : i * i;
      byte[] b = ("{\"version\": " + version.get() + ", \"i\": " + i + ", \"sq\": " + sq + "}").getBytes(StandardCharsets.UTF_8);
      ex.sendResponseHeaders(200, i % 5 == 0 ? 0 : b.length);
      try (OutputStream o = ex.getResponseBody()) {
        o.write(b);
      }
    });
    server.start();
    address = new InetSocketAddress("127.0.0.1", server.getAddress().getPort());
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  /** i % 11 == 5 asks for a path the server does not have (404, and it closes the connection); the rest for i's square. */
  private static ServeLoad.Call call(long i) {
    if (i % 11 == 5) return new ServeLoad.Call(LoadLoop.get("/nothing?i=" + i), j -> true);
    return new ServeLoad.Call(LoadLoop.get("/answer?i=" + i), j -> j.get("i").asLong() == i && j.get("sq").asLong() == i * i);
  }

  private static long wrongBelow(long n) {
    long w = 0;
    for (long i = 0; i < n; i++) if (i % 11 != 5 && i % 7 == 3) w++;
    return w;
  }

  private static long notFoundBelow(long n) {
    long e = 0;
    for (long i = 0; i < n; i++) if (i % 11 == 5) e++;
    return e;
  }

  @Test
  void atARateEveryAnswerIsCheckedAndEachWrongOneAndErrorCounted() throws Exception {
    int connections = 4;
    ServeLoad.Phase p = LoadLoop.atRate("test", address, LoadLoopTest::call, 1000, connections, 2, version::incrementAndGet);
    assertEquals(2000, p.sent());
    assertEquals(2000, p.latencyNanos().length);
    assertEquals(wrongBelow(2000), p.wrong(), "every wrong square counted");
    assertEquals(notFoundBelow(2000), p.errors(), "every 404 counted");
    assertTrue(p.firstError().contains("404") || p.firstError().contains("wrong answer"), p.firstError());
    // Both versions were answered: the one before the publication midway and the one after.
    assertTrue(p.versions().contains("v1: ") && p.versions().contains("v2: "), p.versions());
    // Keep-alive: a new connection only after each 404 closed one.
    assertTrue(clientPorts.size() > connections && clientPorts.size() <= connections + p.errors(), clientPorts.size() + " connections");
    for (long l : p.latencyNanos()) assertTrue(l > 0 && l < 5_000_000_000L, l + " ns");
    // At 1,000/s the phase lasts about its 2 s.
    assertTrue(p.seconds() > 1.9 && p.seconds() < 4, p.seconds() + " s");
  }

  @Test
  void atTheMaximumEveryAnswerIsCheckedToo() throws Exception {
    AtomicLong made = new AtomicLong();
    ServeLoad.Request make = i -> {
      made.accumulateAndGet(i + 1, Math::max);
      return call(i);
    };
    ServeLoad.Phase p = LoadLoop.atMaximum("test", address, make, 3, 1, null);
    assertTrue(p.sent() > 100, p.sent() + " requests");
    assertEquals(made.get(), p.sent(), "each request made was answered or counted as failed");
    assertEquals(wrongBelow(made.get()), p.wrong());
    assertEquals(notFoundBelow(made.get()), p.errors());
  }

  @Test
  void answersWrittenAFewBytesAtATimeAndAnnouncedClosesAreNoErrors() throws Exception {
    try (ServerSocket raw = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      AtomicLong answered = new AtomicLong();
      Thread acceptor = Thread.ofPlatform().daemon().start(() -> {
        try {
          while (true) {
            Socket s = raw.accept();
            Thread.ofPlatform().daemon().start(() -> serveInPieces(s, answered));
          }
        } catch (IOException e) {
          // closed at the end of the test
        }
      });
      ServeLoad.Phase p = LoadLoop.atRate("raw", new InetSocketAddress("127.0.0.1", raw.getLocalPort()),
          i -> new ServeLoad.Call(LoadLoop.get("/x"), j -> j.get("ok").asBoolean()), 300, 3, 1, null);
      assertEquals(0, p.errors(), p.firstError());
      assertEquals(0, p.wrong());
      assertEquals(300, p.sent());
      assertEquals(300, answered.get());
      raw.close();
      acceptor.join(5_000);
    }
  }

  /** Answers each request on {@code s} a few bytes a write, alternating the two framings; every 25th answer closes the connection. */
  private static void serveInPieces(Socket s, AtomicLong answered) {
    try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
      s.setTcpNoDelay(true);
      while (true) {
        // The request head ends with an empty line.
        int matched = 0;
        for (int b; matched < 4; ) {
          if ((b = in.read()) < 0) return;
          matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        long n = answered.incrementAndGet();
        boolean close = n % 25 == 0;
        String body = "{\"version\": 1, \"ok\": true}";
        String head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n" + (close ? "Connection: close\r\n" : "");
        String all = n % 2 == 0 ? head + "Content-Length: " + body.length() + "\r\n\r\n" + body
            : head + "Transfer-Encoding: chunked\r\n\r\n" + "7\r\n" + body.substring(0, 7) + "\r\n" + Integer.toHexString(body.length() - 7)
                + "\r\n" + body.substring(7) + "\r\n0\r\n\r\n";
        byte[] b = all.getBytes(StandardCharsets.US_ASCII);
        for (int off = 0; off < b.length; off += 5) {
          out.write(b, off, Math.min(5, b.length - off));
          out.flush();
          if (off == 40) Thread.sleep(1); // at least one read ends mid-answer
        }
        if (close) return;
      }
    } catch (IOException | InterruptedException e) {
      // the client went away
    }
  }
}
