package io.segmenta.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;

/**
 * HTTP/1.1 responses parsed incrementally from whatever bytes a non-blocking read gave: a status line,
 * headers, then a {@code Content-Length} or chunked body. {@link #next} returns each response once it is
 * whole and keeps the bytes after it (a pipelined or early next response) for the following call.
 *
 * <p>A client for a server whose answers we wrote, not a general one: no 1xx, no trailers kept, no body
 * read to the end of the connection, no TLS.
 */
final class Http1ResponseParser {
  /** One response: its status, body (a fresh array the caller may keep) and whether the server closes the connection after it. */
  record Response(int status, byte[] body, boolean close) {}

  private enum State { STATUS, HEADERS, BODY, CHUNK_SIZE, CHUNK_DATA, TRAILERS }

  private byte[] buf = new byte[16 * 1024];
  private ByteBuffer view = ByteBuffer.wrap(buf);
  /** The first byte not yet consumed, and the end of the bytes read. */
  private int start, end;
  /** Where the search for the next CRLF goes on, so a line split over reads is not scanned again from its start. */
  private int scan;
  private State state = State.STATUS;
  private int status;
  private long contentLength;
  private boolean chunked, close;
  private int chunkSize;
  private byte[] chunks;
  private int chunksLength;

  /** Reads what {@code channel} has into the buffer; the count, or -1 at the end of the stream. */
  int readFrom(ReadableByteChannel channel) throws IOException {
    makeRoom();
    view.limit(buf.length).position(end);
    int n = channel.read(view);
    if (n > 0) end += n;
    return n;
  }

  /** Adds bytes as if read (for tests and for callers that read elsewhere). */
  void feed(byte[] b, int off, int len) {
    while (buf.length - end < len) grow();
    System.arraycopy(b, off, buf, end, len);
    end += len;
  }

  /** True between responses: nothing of a next one has been parsed. */
  boolean idle() {
    return state == State.STATUS && start == end;
  }

  /** Forgets everything (the connection was replaced). */
  void reset() {
    start = end = scan = 0;
    state = State.STATUS;
    chunks = null;
  }

  /**
   * The next whole response, or null until more bytes are read.
   *
   * @throws IOException when the bytes are not an HTTP/1.1 response this parser can frame
   */
  Response next() throws IOException {
    while (true) {
      switch (state) {
        case STATUS -> {
          int e = crlf();
          if (e < 0) return null;
          status = parseStatus(start, e);
          contentLength = -1;
          chunked = false;
          close = false;
          consumeLine(e);
          state = State.HEADERS;
        }
        case HEADERS -> {
          int e = crlf();
          if (e < 0) return null;
          if (e == start) {
            consumeLine(e);
            if (chunked) {
              chunks = new byte[256];
              chunksLength = 0;
              state = State.CHUNK_SIZE;
            } else if (contentLength >= 0) {
              state = State.BODY;
            } else if (status == 204 || status == 304) {
              contentLength = 0;
              state = State.BODY;
            } else {
              throw new IOException("response without Content-Length or chunked encoding (status " + status + ")");
            }
          } else {
            header(start, e);
            consumeLine(e);
          }
        }
        case BODY -> {
          if (end - start < contentLength) return null;
          byte[] body = Arrays.copyOfRange(buf, start, start + (int) contentLength);
          start += (int) contentLength;
          return done(body);
        }
        case CHUNK_SIZE -> {
          int e = crlf();
          if (e < 0) return null;
          chunkSize = parseChunkSize(start, e);
          consumeLine(e);
          state = chunkSize == 0 ? State.TRAILERS : State.CHUNK_DATA;
        }
        case CHUNK_DATA -> {
          // The chunk and the CRLF after it, whole.
          if (end - start < chunkSize + 2L) return null;
          if (buf[start + chunkSize] != '\r' || buf[start + chunkSize + 1] != '\n') throw new IOException("chunk not followed by CRLF");
          if (chunks.length - chunksLength < chunkSize) chunks = Arrays.copyOf(chunks, Math.max(chunks.length * 2, chunksLength + chunkSize));
          System.arraycopy(buf, start, chunks, chunksLength, chunkSize);
          chunksLength += chunkSize;
          start += chunkSize + 2;
          scan = start;
          state = State.CHUNK_SIZE;
        }
        case TRAILERS -> {
          // Trailers (none expected) end with an empty line.
          int e = crlf();
          if (e < 0) return null;
          boolean last = e == start;
          consumeLine(e);
          if (last) {
            byte[] body = Arrays.copyOf(chunks, chunksLength);
            chunks = null;
            return done(body);
          }
        }
      }
    }
  }

  private Response done(byte[] body) {
    state = State.STATUS;
    scan = start;
    return new Response(status, body, close);
  }

  private void header(int from, int to) throws IOException {
    // Header names are compared case-insensitively, as HTTP requires.
    if (startsWithIgnoreCase(from, to, "content-length:")) {
      long v = 0;
      int digits = 0;
      for (int i = from + 15; i < to; i++) {
        byte b = buf[i];
        if (b >= '0' && b <= '9') {
          if (++digits > 18) throw new IOException("Content-Length too large");
          v = v * 10 + (b - '0');
        } else if (b != ' ' && b != '\t') {
          throw new IOException("bad Content-Length: " + text(from, to));
        }
      }
      if (digits == 0) throw new IOException("empty Content-Length");
      if (v > Integer.MAX_VALUE - 16) throw new IOException("Content-Length too large: " + v);
      contentLength = v;
    } else if (startsWithIgnoreCase(from, to, "transfer-encoding:")) {
      chunked = text(from, to).toLowerCase(Locale.ROOT).contains("chunked");
    } else if (startsWithIgnoreCase(from, to, "connection:")) {
      close = text(from, to).toLowerCase(Locale.ROOT).contains("close");
    }
  }

  private int parseStatus(int from, int to) throws IOException {
    if (to - from < 12 || buf[from] != 'H' || buf[from + 1] != 'T' || buf[from + 8] != ' ' || !digit(from + 9) || !digit(from + 10)
        || !digit(from + 11)) {
      throw new IOException("not an HTTP/1.1 status line: " + text(from, Math.min(to, from + 80)));
    }
    return (buf[from + 9] - '0') * 100 + (buf[from + 10] - '0') * 10 + (buf[from + 11] - '0');
  }

  private int parseChunkSize(int from, int to) throws IOException {
    long v = 0;
    int digits = 0;
    for (int i = from; i < to && buf[i] != ';'; i++) {
      int d = Character.digit(buf[i], 16);
      if (d < 0) {
        if (buf[i] == ' ' || buf[i] == '\t') continue;
        throw new IOException("bad chunk size: " + text(from, to));
      }
      if (++digits > 7) throw new IOException("chunk too large: " + text(from, to));
      v = v * 16 + d;
    }
    if (digits == 0) throw new IOException("empty chunk size");
    return (int) v;
  }

  private boolean digit(int i) {
    return buf[i] >= '0' && buf[i] <= '9';
  }

  /** The index of the next CRLF at or after {@code start}, or -1 when the line is not whole yet. */
  private int crlf() {
    for (int i = Math.max(scan, start); i + 1 < end; i++) {
      if (buf[i] == '\r' && buf[i + 1] == '\n') return i;
    }
    scan = Math.max(start, end - 1);
    return -1;
  }

  private void consumeLine(int crlfAt) {
    start = crlfAt + 2;
    scan = start;
  }

  /** Before a read: moves the unconsumed bytes to the front when that frees room, else grows the buffer. */
  private void makeRoom() {
    if (start == end) {
      // The usual case between keep-alive responses: nothing to move.
      start = end = scan = 0;
    }
    if (buf.length - end >= 4096) return;
    if (start > 0) {
      System.arraycopy(buf, start, buf, 0, end - start);
      end -= start;
      scan = Math.max(0, scan - start);
      start = 0;
    }
    if (buf.length - end < 4096) grow();
  }

  private void grow() {
    buf = Arrays.copyOf(buf, buf.length * 2);
    view = ByteBuffer.wrap(buf);
  }

  private boolean startsWithIgnoreCase(int from, int to, String lower) {
    if (to - from < lower.length()) return false;
    for (int i = 0; i < lower.length(); i++) if (Character.toLowerCase((char) buf[from + i]) != lower.charAt(i)) return false;
    return true;
  }

  private String text(int from, int to) {
    return new String(buf, from, to - from, StandardCharsets.ISO_8859_1);
  }
}
