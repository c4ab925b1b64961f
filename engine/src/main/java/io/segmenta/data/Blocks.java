package io.segmenta.data;

import io.segmenta.InvalidInputException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.LongConsumer;

/**
 * A text table's bytes in blocks that end at line ends, parsed in parallel and handed on in file
 * order. One thread reads (and decompresses) the blocks, a pool parses them, the calling thread
 * receives the results. A block is cut at its last line end without knowing whether that line end
 * sits inside a quoted field; the parse of such a block reports the unfinished record, and the
 * record is parsed again joined to the next block (whose own parse is then discarded), so quoted
 * fields may hold line ends anywhere.
 */
final class Blocks implements AutoCloseable {
  private final Path file;
  private final String where;
  private final ByteSource src;
  private final TextFormat asked;
  private TextFormat format;
  private final int block;
  private final int maxLine;
  private byte[] carry;
  private int carryOff, carryLen;
  private boolean srcDone;
  private long decoded;
  private First first;

  /** A block: bytes {@code [start, end)} of {@code b}, {@code last} when the input ends with it. */
  record Chunk(byte[] b, int start, int end, boolean last, long fileBytes) {}

  /** What a parse of a block reports back besides its rows. */
  interface Result {
    /** Line ends in the parsed part (before {@link #tailStart()} when there is one). */
    int lines();

    /** Where an unfinished record (a quoted field reaching the block's end) starts; -1 if none. */
    int tailStart();
  }

  interface Parser<P extends Result> {
    P parse(byte[] b, int start, int end, boolean last);
  }

  interface Consumer<P> {
    /** One block's result; {@code lineBase}: the line ends before its first byte. */
    void accept(P part, long lineBase);
  }

  private Blocks(Path file, ByteSource src, TextFormat format, int block) {
    this.file = file;
    this.where = file.toString();
    this.src = src;
    this.asked = format;
    this.block = block;
    this.maxLine = Math.max(block, Integer.getInteger("segmenta.read.maxLineBytes", 64 << 20));
  }

  /** @param block bytes per block: what the parse of one makes must fit the heap a few times over */
  static Blocks open(Path file, TextFormat format, int block) {
    return new Blocks(file, ByteSource.open(file), format, block);
  }

  TextFormat format() {
    return format;
  }

  /** The first record that is not a blank line, with the format resolved; null when there is none. */
  First first() {
    Chunk c = nextChunk();
    if (c == null) return null;
    byte[] b = c.b();
    int p = c.start();
    int len = c.end() - p;
    if (len >= 2 && ((b[p] & 0xff) == 0xff && (b[p + 1] & 0xff) == 0xfe || (b[p] & 0xff) == 0xfe && (b[p + 1] & 0xff) == 0xff)) {
      boolean le = (b[p] & 0xff) == 0xff;
      throw new InvalidInputException(where + " is UTF-16 text (byte-order mark " + (le ? "FF FE, little-endian" : "FE FF, big-endian")
          + "), which is not read: save it as UTF-8 (a spreadsheet's \"CSV UTF-8\"), or convert it: iconv -f UTF-16 -t UTF-8");
    }
    if (len >= 3 && (b[p] & 0xff) == 0xef && (b[p + 1] & 0xff) == 0xbb && (b[p + 2] & 0xff) == 0xbf) p += 3; // UTF-8 byte-order mark
    c = new Chunk(b, p, c.end(), c.last(), c.fileBytes());
    format = asked == TextFormat.AUTO ? sniff(b, p, c.end()) : asked;
    Tokenizer t = new Tokenizer(format.separator());
    long lines = 0;
    while (true) {
      if (p >= c.end()) {
        if (c.last()) return null; // only blank lines
        c = nextChunk();
        if (c == null) return null;
        p = c.start();
        continue;
      }
      int next = t.next(c.b(), p, c.end());
      if (t.openQuote()) {
        if (c.last()) {
          throw new InvalidInputException(where + ", line " + (lines + 1) + ": " + Cells.UNCLOSED);
        }
        Chunk more = nextChunk();
        c = join(c.b(), p, c.end(), more);
        p = c.start();
        continue;
      }
      if (t.blank()) {
        lines += t.lines();
        p = next;
        continue;
      }
      for (int i = 0; i < t.count(); i++) {
        byte[] a = t.array(i);
        for (int k = t.off(i), e = k + t.len(i); k < e; k++) {
          if (a[k] == 0) {
            throw new InvalidInputException(where + ", line " + (lines + 1) + ": a NUL byte in the first line: the file is binary, or UTF-16 text "
                + "without a byte-order mark; save it as UTF-8 text");
          }
        }
      }
      first = new First(c, p, next, lines, t);
      return first;
    }
  }

  /** A chunk of {@code b[from, end)} followed by {@code more} (null: the input ended). */
  private static Chunk join(byte[] b, int from, int end, Chunk more) {
    if (more == null) return new Chunk(Arrays.copyOfRange(b, from, end), 0, end - from, true, -1);
    int a = end - from, m = more.end() - more.start();
    byte[] j = new byte[a + m];
    System.arraycopy(b, from, j, 0, a);
    System.arraycopy(more.b(), more.start(), j, a, m);
    return new Chunk(j, 0, a + m, more.last(), more.fileBytes());
  }

  /**
   * The separator from the first non-blank line, outside quotes: more semicolons than commas is a
   * semicolon file (decimal comma unless its first rows write decimal points), else a comma means
   * CSV, else a tab without spaces TSV, else whitespace.
   */
  private static TextFormat sniff(byte[] b, int p, int end) {
    int s = p;
    while (s < end) {
      int e = s;
      boolean blank = true;
      while (e < end && b[e] != '\n' && b[e] != '\r') {
        if ((b[e] & 0xff) > ' ') blank = false;
        e++;
      }
      if (!blank) {
        int commas = 0, semis = 0, tabs = 0, spaces = 0;
        boolean q = false;
        int first = s, last = e - 1;
        while (first < e && (b[first] == ' ' || b[first] == '\t')) first++;
        while (last > first && (b[last] == ' ' || b[last] == '\t')) last--;
        for (int i = s; i < e; i++) {
          byte c = b[i];
          if (c == '"') q = !q;
          else if (!q && c == ',') commas++;
          else if (!q && c == ';') semis++;
          else if (c == '\t') tabs++;
          else if (c == ' ' && i > first && i < last) spaces++;
        }
        if (semis > commas) return decimalMark(b, e, end);
        if (commas > 0) return TextFormat.CSV;
        if (tabs > 0 && spaces == 0) return TextFormat.TSV;
        return TextFormat.WHITESPACE;
      }
      s = e + 1;
    }
    return TextFormat.CSV;
  }

  /** A semicolon file's decimal mark, from its next rows (up to 1 MiB): the comma unless points are seen and commas not. */
  private static TextFormat decimalMark(byte[] b, int p, int end) {
    Tokenizer t = new Tokenizer((byte) ';');
    int limit = Math.min(end, p + (1 << 20));
    boolean comma = false, point = false;
    for (int rows = 0; p < limit && rows < 1000; rows++) {
      p = t.next(b, p, limit);
      if (t.openQuote()) break;
      for (int i = 0; i < t.count(); i++) {
        int kind = Cells.decimalKind(t.array(i), t.off(i), t.len(i));
        comma |= kind == ',';
        point |= kind == '.';
      }
    }
    return point && !comma ? TextFormat.SEMICOLON_POINT : TextFormat.SEMICOLON;
  }

  /**
   * Parses from {@code start} of the first block to the end of the input, handing each block's
   * result to {@code consumer} in file order on this thread, and the file bytes consumed to
   * {@code progress} after each.
   */
  <P extends Result> void parse(int start, long lineBase, Parser<P> parser, Consumer<P> consumer, LongConsumer progress) {
    Chunk c0 = new Chunk(first.chunk.b(), start, first.chunk.end(), first.chunk.last(), first.chunk.fileBytes());
    int threads = Math.max(1, Integer.getInteger("segmenta.read.threads", Math.min(8, Runtime.getRuntime().availableProcessors())));
    Ordered<P> ordered = new Ordered<>(parser, consumer, progress, lineBase);
    if (c0.last() || threads == 1) {
      ordered.take(c0, null);
      for (Chunk c = nextChunk(); c != null; c = nextChunk()) ordered.take(c, null);
      ordered.finish();
      progress.accept(src.fileBytes());
      return;
    }
    Object end = new Object();
    BlockingQueue<Object> queue = new ArrayBlockingQueue<>(2 * threads);
    ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
      Thread th = new Thread(r, "segmenta-parse");
      th.setDaemon(true);
      return th;
    });
    Thread reader = null;
    try {
      queue.put(new Pending<>(c0, pool.submit(() -> parser.parse(c0.b(), c0.start(), c0.end(), c0.last()))));
      reader = new Thread(() -> {
        try {
          while (true) {
            Chunk c = nextChunk();
            if (c == null) {
              queue.put(end);
              return;
            }
            queue.put(new Pending<>(c, pool.submit(() -> parser.parse(c.b(), c.start(), c.end(), c.last()))));
          }
        } catch (InterruptedException stopped) {
          // the consumer has finished or failed
        } catch (Throwable t) {
          queue.clear();
          queue.offer(t);
        }
      }, "segmenta-read");
      reader.setDaemon(true);
      reader.start();
      while (true) {
        Object o = queue.take();
        if (o == end) break;
        if (o instanceof RuntimeException e) throw e;
        if (o instanceof Error e) throw e;
        if (o instanceof Throwable t) throw new IllegalStateException(t);
        @SuppressWarnings("unchecked")
        Pending<P> p = (Pending<P>) o;
        ordered.take(p.chunk, p.result);
      }
      ordered.finish();
      progress.accept(src.fileBytes());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.util.concurrent.CancellationException("reading " + where + " was interrupted");
    } finally {
      if (reader != null) reader.interrupt();
      pool.shutdownNow();
      queue.clear();
      if (reader != null) {
        try {
          reader.join(10_000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }

  private record Pending<P>(Chunk chunk, Future<P> result) {}

  /** Results in file order, with records cut at a block's end parsed again joined to the next block. */
  private static final class Ordered<P extends Result> {
    private final Parser<P> parser;
    private final Consumer<P> consumer;
    private final LongConsumer progress;
    private long base;
    private byte[] tail;

    Ordered(Parser<P> parser, Consumer<P> consumer, LongConsumer progress, long base) {
      this.parser = parser;
      this.consumer = consumer;
      this.progress = progress;
      this.base = base;
    }

    void take(Chunk c, Future<P> future) {
      P r;
      byte[] b;
      int end;
      if (tail != null) {
        if (future != null) future.cancel(false);
        Chunk j = join(tail, 0, tail.length, c);
        tail = null;
        b = j.b();
        end = j.end();
        r = parser.parse(b, 0, end, j.last());
      } else {
        b = c.b();
        end = c.end();
        r = future == null ? parser.parse(b, c.start(), end, c.last()) : get(future);
      }
      consumer.accept(r, base);
      base += r.lines();
      if (r.tailStart() >= 0) tail = Arrays.copyOfRange(b, r.tailStart(), end);
      if (c.fileBytes() >= 0) progress.accept(c.fileBytes());
    }

    void finish() {
      if (tail != null) {
        byte[] t = tail;
        tail = null;
        consumer.accept(parser.parse(t, 0, t.length, true), base);
      }
    }

    private static <P> P get(Future<P> f) {
      try {
        return f.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new java.util.concurrent.CancellationException("interrupted");
      } catch (ExecutionException e) {
        Throwable t = e.getCause();
        if (t instanceof RuntimeException re) throw re;
        if (t instanceof Error er) throw er;
        throw new IllegalStateException(t);
      }
    }
  }

  /** The next block, cut after its last line end; null at the end of the input. One thread at a time. */
  private Chunk nextChunk() {
    if (srcDone && carryLen == 0) return null;
    byte[] b = new byte[Math.max(block, carryLen + block)];
    int len = carryLen;
    if (carryLen > 0) System.arraycopy(carry, carryOff, b, 0, carryLen);
    carry = null;
    carryLen = 0;
    while (true) {
      while (len < b.length && !srcDone) {
        int r = src.read(b, len, b.length - len);
        if (r < 0) srcDone = true;
        else len += r;
      }
      if (srcDone) {
        if (len == 0) return null;
        decoded += len;
        return new Chunk(b, 0, len, true, src.fileBytes());
      }
      int cut = lastLineEnd(b, len);
      if (cut > 0) {
        carry = b;
        carryOff = cut;
        carryLen = len - cut;
        decoded += cut;
        return new Chunk(b, 0, cut, false, src.fileBytes());
      }
      if (b.length >= maxLine) {
        throw new InvalidInputException(where + ": no line end in the " + len + " bytes from decoded byte offset " + decoded
            + ": a line longer than " + maxLine + " bytes is not read (is this a text table? -Dsegmenta.read.maxLineBytes=N raises the limit)");
      }
      b = Arrays.copyOf(b, (int) Math.min(maxLine, b.length * 2L));
    }
  }

  /** After the last LF; without one, after the last CR that is not the final byte (its LF may follow); -1 if neither. */
  private static int lastLineEnd(byte[] b, int len) {
    for (int i = len - 1; i >= 0; i--) if (b[i] == '\n') return i + 1;
    for (int i = len - 2; i >= 0; i--) if (b[i] == '\r') return i + 1;
    return -1;
  }

  @Override
  public void close() {
    src.close();
  }

  /** The first non-blank record. */
  final class First {
    private final Chunk chunk;
    private final int recordStart, afterRecord;
    private final long linesBefore;
    private final int recordLines;
    private final List<byte[]> raw = new ArrayList<>();

    First(Chunk chunk, int recordStart, int afterRecord, long linesBefore, Tokenizer t) {
      this.chunk = chunk;
      this.recordStart = recordStart;
      this.afterRecord = afterRecord;
      this.linesBefore = linesBefore;
      this.recordLines = t.lines();
      for (int i = 0; i < t.count(); i++) raw.add(Arrays.copyOfRange(t.array(i), t.off(i), t.off(i) + t.len(i)));
    }

    int recordStart() { return recordStart; }

    int afterRecord() { return afterRecord; }

    long linesBefore() { return linesBefore; }

    int recordLines() { return recordLines; }

    /** Its 1-based line number. */
    long line() { return linesBefore + 1; }

    /** Its fields decoded as UTF-8, U+FFFD for what is not. */
    List<String> fields() {
      List<String> out = new ArrayList<>(raw.size());
      for (byte[] f : raw) out.add(Cells.decode(f, 0, f.length));
      return out;
    }

    /** Its fields as UTF-8, an error naming the line and column for bytes that are not. */
    List<String> strictFields(String where) {
      List<String> out = new ArrayList<>(raw.size());
      for (int i = 0; i < raw.size(); i++) {
        byte[] f = raw.get(i);
        int bad = Cells.invalidUtf8(f, 0, f.length);
        if (bad >= 0) {
          throw new InvalidInputException(where + ", line " + line() + " (the header), column " + (i + 1) + ": the name '"
              + Cells.abbreviate(Cells.decode(f, 0, f.length)) + "' is not valid UTF-8 (byte 0x" + String.format("%02X", f[bad] & 0xff)
              + " at its byte " + (bad + 1) + "): " + Cells.UTF8_HINT);
        }
        out.add(Cells.decode(f, 0, f.length));
      }
      return out;
    }
  }
}
