package io.segmenta.bench;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One keep-alive HTTP/1.1 connection of the load generator: writes a request already encoded as bytes
 * and reads one response (status line, headers, a {@code Content-Length} or chunked body).
 *
 * <p>Why not {@link java.net.http.HttpClient}: on this 2-core machine its per-request cost (a selector
 * thread, futures, header maps, a copy per body) capped the checked load at about 2,300 requests/s, so the
 * generator, not the server, was measured. This does one write and usually one read per request, like
 * {@code wrk}, and still hands every body to the caller's check. It is a client for a server we wrote
 * the answers of, not a general one: no redirects, no TLS, no 100-continue, no trailers.
 */
final class Http1Connection implements AutoCloseable {
  /** One response: its status and body (a fresh array the caller may keep). */
  record Response(int status, byte[] body) {}

  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;
  private byte[] buf = new byte[16 * 1024];
  private int start;
  private int end;
  private boolean open = true;

  Http1Connection(String host, int port) throws IOException {
    socket = new Socket();
    socket.setTcpNoDelay(true);
    socket.connect(new InetSocketAddress(host, port), 5_000);
    socket.setSoTimeout(10_000);
    in = socket.getInputStream();
    out = socket.getOutputStream();
  }

  /** False once the server said {@code Connection: close}: open a new one for the next request. */
  boolean isOpen() {
    return open;
  }

  /** A GET with the given path, encoded once. */
  static byte[] get(String path) {
    return ("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: application/json\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
  }

  /** A POST of a JSON body, encoded once. */
  static byte[] postJson(String path, String json) {
    byte[] body = json.getBytes(StandardCharsets.UTF_8);
    byte[] head = ("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: " + body.length
        + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    byte[] all = Arrays.copyOf(head, head.length + body.length);
    System.arraycopy(body, 0, all, head.length, body.length);
    return all;
  }

  /** Sends {@code request} and reads its response; an I/O error leaves the connection unusable. */
  Response send(byte[] request) throws IOException {
    compact();
    out.write(request);
    out.flush();
    int lineEnd = findCrlf(start);
    int status = parseStatus(start, lineEnd);
    long contentLength = -1;
    boolean chunked = false, close = false;
    int p = lineEnd + 2;
    for (int e; (e = findCrlf(p)) != p; p = e + 2) {
      // Header names are compared case-insensitively, as HTTP requires.
      if (startsWithIgnoreCase(p, e, "content-length:")) contentLength = parseLong(p + 15, e);
      else if (startsWithIgnoreCase(p, e, "transfer-encoding:")) chunked = contains(p, e, "chunked");
      else if (startsWithIgnoreCase(p, e, "connection:")) close = contains(p, e, "close");
    }
    start = p + 2;
    byte[] body;
    if (chunked) body = readChunked();
    else if (contentLength >= 0) body = take((int) contentLength);
    else throw new IOException("response without Content-Length or chunked encoding (status " + status + ")");
    if (close) {
      // The answer is whole; only this connection ends (the JDK's server does this after a 404, say).
      open = false;
      socket.close();
    }
    return new Response(status, body);
  }

  private byte[] readChunked() throws IOException {
    byte[] body = new byte[0];
    while (true) {
      int e = findCrlf(start);
      int semi = start;
      while (semi < e && buf[semi] != ';') semi++;
      int size = Integer.parseInt(new String(buf, start, semi - start, StandardCharsets.US_ASCII).trim(), 16);
      start = e + 2;
      if (size == 0) {
        // Trailers (none expected) end with an empty line.
        for (int t; (t = findCrlf(start)) != start; ) start = t + 2;
        start += 2;
        return body;
      }
      byte[] chunk = take(size);
      body = Arrays.copyOf(body, body.length + size);
      System.arraycopy(chunk, 0, body, body.length - size, size);
      int crlf = findCrlf(start);
      if (crlf != start) throw new IOException("chunk not followed by CRLF");
      start += 2;
    }
  }

  private byte[] take(int n) throws IOException {
    while (end - start < n) fill();
    byte[] b = Arrays.copyOfRange(buf, start, start + n);
    start += n;
    return b;
  }

  /** Index of the next CRLF at or after {@code from}, reading more as needed. */
  private int findCrlf(int from) throws IOException {
    int i = from;
    while (true) {
      for (; i + 1 < end; i++) if (buf[i] == '\r' && buf[i + 1] == '\n') return i;
      fill();
    }
  }

  /** Moves the unread bytes to the front; only between responses, so no index held while parsing moves. */
  private void compact() {
    if (start > 0) {
      System.arraycopy(buf, start, buf, 0, end - start);
      end -= start;
      start = 0;
    }
  }

  /** Reads more bytes; grows the buffer rather than moving bytes, so indices stay valid. */
  private void fill() throws IOException {
    if (end == buf.length) buf = Arrays.copyOf(buf, buf.length * 2);
    int n = in.read(buf, end, buf.length - end);
    if (n < 0) throw new EOFException("the server closed the connection");
    end += n;
  }

  private int parseStatus(int from, int to) throws IOException {
    if (to - from < 12 || buf[from] != 'H' || buf[from + 8] != ' ') {
      throw new IOException("not an HTTP/1.1 status line: " + new String(buf, from, Math.min(to - from, 80), StandardCharsets.US_ASCII));
    }
    return (buf[from + 9] - '0') * 100 + (buf[from + 10] - '0') * 10 + (buf[from + 11] - '0');
  }

  private long parseLong(int from, int to) {
    long v = 0;
    for (int i = from; i < to; i++) if (buf[i] >= '0' && buf[i] <= '9') v = v * 10 + (buf[i] - '0');
    return v;
  }

  private boolean startsWithIgnoreCase(int from, int to, String lower) {
    if (to - from < lower.length()) return false;
    for (int i = 0; i < lower.length(); i++) if (Character.toLowerCase((char) buf[from + i]) != lower.charAt(i)) return false;
    return true;
  }

  private boolean contains(int from, int to, String lower) {
    return new String(buf, from, to - from, StandardCharsets.US_ASCII).toLowerCase(java.util.Locale.ROOT).contains(lower);
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
