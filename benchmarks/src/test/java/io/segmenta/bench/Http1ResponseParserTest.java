package io.segmenta.bench;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The event loop's response parser fed the way non-blocking reads deliver bytes: a response split at
 * every byte, both body framings, several responses (and the start of the next) in one read, a
 * {@code Connection: close}, a body far larger than the buffer, and malformed framing refused.
 */
class Http1ResponseParserTest {
  private static final String FIXED = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\ncontent-length: 11\r\n\r\n{\"a\":\"b\\r\"}";
  private static final String CHUNKED = "HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n"
      + "5;ext=1\r\nhello\r\n1\r\n \r\n9\r\n\r\n\r\nworld\r\n0\r\nX-Trailer: t\r\n\r\n";
  private static final String CLOSE = "HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 3\r\n\r\nnop";

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  private static String body(Http1ResponseParser.Response r) {
    return new String(r.body(), StandardCharsets.ISO_8859_1);
  }

  @Test
  void aResponseSplitAtEveryByteParsesTheSame() throws IOException {
    for (String text : List.of(FIXED, CHUNKED, CLOSE)) {
      byte[] b = bytes(text);
      for (int cut = 0; cut <= b.length; cut++) {
        Http1ResponseParser p = new Http1ResponseParser();
        p.feed(b, 0, cut);
        Http1ResponseParser.Response r = p.next();
        if (cut < b.length) {
          assertNull(r, "whole after only " + cut + " of " + b.length + " bytes");
          p.feed(b, cut, b.length - cut);
          r = p.next();
        }
        assertNotNull(r, "cut at " + cut);
        assertEquals(expectedBody(text), body(r), "cut at " + cut);
        assertNull(p.next());
        assertTrue(p.idle());
      }
      // One byte a read.
      Http1ResponseParser p = new Http1ResponseParser();
      Http1ResponseParser.Response r = null;
      for (int i = 0; i < b.length; i++) {
        assertNull(r, "whole before its last byte");
        p.feed(b, i, 1);
        r = p.next();
      }
      assertNotNull(r);
      assertEquals(expectedBody(text), body(r));
    }
  }

  private static String expectedBody(String text) {
    return text == FIXED ? "{\"a\":\"b\\r\"}" : text == CHUNKED ? "hello \r\n\r\nworld" : "nop";
  }

  @Test
  void statusAndCloseAreReported() throws IOException {
    Http1ResponseParser p = new Http1ResponseParser();
    p.feed(bytes(CHUNKED + CLOSE), 0, CHUNKED.length() + CLOSE.length());
    Http1ResponseParser.Response a = p.next();
    assertEquals(201, a.status());
    assertFalse(a.close());
    Http1ResponseParser.Response b = p.next();
    assertEquals(404, b.status());
    assertTrue(b.close());
  }

  @Test
  void pipelinedResponsesAndTheStartOfTheNextInOneRead() throws IOException {
    String all = FIXED + CHUNKED + FIXED + CLOSE.substring(0, 30);
    Http1ResponseParser p = new Http1ResponseParser();
    p.feed(bytes(all), 0, all.length());
    assertEquals(expectedBody(FIXED), body(p.next()));
    assertEquals(expectedBody(CHUNKED), body(p.next()));
    assertEquals(expectedBody(FIXED), body(p.next()));
    assertNull(p.next());
    assertFalse(p.idle(), "the start of the fourth is kept");
    p.feed(bytes(CLOSE), 30, CLOSE.length() - 30);
    Http1ResponseParser.Response last = p.next();
    assertEquals(404, last.status());
    assertEquals("nop", body(last));
    assertTrue(p.idle());
  }

  @Test
  void aBodyLargerThanTheBufferThroughSmallChannelReads() throws IOException {
    byte[] big = new byte[100_000];
    for (int i = 0; i < big.length; i++) big[i] = (byte) ('a' + i % 26);
    StringBuilder chunked = new StringBuilder("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
    String bigText = new String(big, StandardCharsets.ISO_8859_1);
    for (int off = 0; off < big.length; off += 30_000) {
      String part = bigText.substring(off, Math.min(big.length, off + 30_000));
      chunked.append(Integer.toHexString(part.length())).append("\r\n").append(part).append("\r\n");
    }
    chunked.append("0\r\n\r\n");
    String fixed = "HTTP/1.1 200 OK\r\nContent-Length: " + big.length + "\r\n\r\n" + bigText;
    ReadableByteChannel in = trickle(bytes(fixed + chunked + FIXED), 997);
    Http1ResponseParser p = new Http1ResponseParser();
    List<Http1ResponseParser.Response> got = new ArrayList<>();
    while (p.readFrom(in) >= 0) for (Http1ResponseParser.Response r; (r = p.next()) != null; ) got.add(r);
    assertEquals(3, got.size());
    assertArrayEquals(big, got.get(0).body());
    assertArrayEquals(big, got.get(1).body());
    assertEquals(expectedBody(FIXED), body(got.get(2)));
  }

  @Test
  void framingItCannotFollowIsRefused() {
    for (String bad : List.of("HTTP/1.1 2x0 OK\r\n\r\n", "SSH-2.0-OpenSSH\r\n\r\n", "HTTP/1.1 200 OK\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: 1x\r\n\r\nab", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n0\r\n\r\n")) {
      Http1ResponseParser p = new Http1ResponseParser();
      p.feed(bytes(bad), 0, bad.length());
      assertThrows(IOException.class, p::next, bad);
    }
    // A 204 has no body and needs no length.
    Http1ResponseParser p = new Http1ResponseParser();
    String noContent = "HTTP/1.1 204 No Content\r\n\r\n" + FIXED;
    p.feed(bytes(noContent), 0, noContent.length());
    assertDoesNotThrow(() -> {
      assertEquals(0, p.next().body().length);
      assertEquals(200, p.next().status());
    });
  }

  /** A channel that hands out at most {@code step} bytes a read. */
  private static ReadableByteChannel trickle(byte[] all, int step) {
    return new ReadableByteChannel() {
      int pos;

      @Override
      public int read(ByteBuffer dst) {
        if (pos == all.length) return -1;
        int n = Math.min(step, Math.min(dst.remaining(), all.length - pos));
        dst.put(Arrays.copyOfRange(all, pos, pos + n));
        pos += n;
        return n;
      }

      @Override
      public boolean isOpen() {
        return true;
      }

      @Override
      public void close() {}
    };
  }
}
