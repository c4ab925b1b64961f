package io.segmenta.data;

import io.segmenta.InvalidInputException;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * The decoded bytes of a text table: plain, gzip or zstd (told by their magic bytes, not the name, so
 * a renamed file still reads), with a UTF-8 byte-order mark removed. Refuses, naming the file, what is
 * not a readable text table: a directory or device, another compression or a spreadsheet, UTF-16
 * text, a damaged compressed stream (with the byte offset where it broke), and a file that shrinks
 * while it is read.
 */
final class ByteSource implements AutoCloseable {
  private final Path file;
  private final String where;
  private final Counting raw;
  private final InputStream in;
  private final String compression;
  private final long sizeAtOpen;
  private final Gzip gzip;
  private boolean eof;

  private ByteSource(Path file, Counting raw, InputStream in, String compression, long sizeAtOpen, Gzip gzip) {
    this.file = file;
    this.where = file.toString();
    this.raw = raw;
    this.in = in;
    this.compression = compression;
    this.sizeAtOpen = sizeAtOpen;
    this.gzip = gzip;
  }

  static ByteSource open(Path file) {
    String where = file.toString();
    long size = -1;
    if (Files.isDirectory(file)) throw new InvalidInputException(where + " is a directory, not a table");
    if (!Files.exists(file)) throw new InvalidInputException(where + ": no such file");
    if (Files.isRegularFile(file)) {
      try {
        size = Files.size(file);
      } catch (IOException e) {
        throw cannotRead(file, e);
      }
    } else {
      String kind = special(file);
      // A pipe (--input <(zcat ...)) streams; a device such as /dev/zero never ends, and is no table.
      if (kind != null) throw new InvalidInputException(where + " is a " + kind + ", not a regular file: give a file holding the table");
    }
    InputStream file0;
    try {
      file0 = Files.newInputStream(file);
    } catch (IOException e) {
      throw cannotRead(file, e);
    }
    Counting counter = new Counting(file0);
    try {
      PushbackInputStream pb = new PushbackInputStream(counter, 8);
      byte[] head = new byte[8];
      int n = pb.readNBytes(head, 0, head.length);
      pb.unread(head, 0, n);
      String other = otherFormat(head, n);
      if (other != null) throw new InvalidInputException(where + " is " + other);
      if (n >= 2 && (head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b) {
        Gzip gz;
        try {
          gz = new Gzip(pb, counter);
        } catch (EOFException | ZipException e) {
          throw new InvalidInputException(where + ": the file is truncated or not valid gzip: its gzip header breaks off at byte offset "
              + counter.count + " (" + e.getMessage() + ")");
        }
        return new ByteSource(file, counter, gz, "gzip", size, gz);
      }
      if (n >= 4 && (head[0] & 0xff) == 0x28 && (head[1] & 0xff) == 0xb5 && (head[2] & 0xff) == 0x2f && (head[3] & 0xff) == 0xfd) {
        return new ByteSource(file, counter, zstd(pb, where), "zstd", size, null);
      }
      return new ByteSource(file, counter, pb, null, size, null);
    } catch (IOException e) {
      closeQuietly(counter);
      throw cannotRead(file, e);
    } catch (RuntimeException e) {
      closeQuietly(counter);
      throw e;
    }
  }

  private static InputStream zstd(InputStream in, String where) throws IOException {
    try {
      return new com.github.luben.zstd.ZstdInputStream(in);
    } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
      throw new InvalidInputException(where + " is zstd-compressed, but the zstd library cannot load on this platform ("
          + e.getMessage() + "): decompress it first (zstd -d)");
    }
  }

  /** The kind of a special file (device, socket), or null for a pipe, which is read as a stream. */
  private static String special(Path file) {
    try {
      int mode = (Integer) Files.getAttribute(file, "unix:mode");
      return switch (mode & 0170000) {
        case 0010000 -> null;
        case 0020000 -> "character device";
        case 0060000 -> "block device";
        case 0140000 -> "socket";
        default -> "special file";
      };
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      return Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) ? null : "special file";
    }
  }

  /** What the first bytes say the file is, when that is no text table; null otherwise. */
  static String otherFormat(byte[] h, int n) {
    if (n >= 3 && h[0] == 'B' && h[1] == 'Z' && h[2] == 'h') return "bzip2-compressed, which is not supported: decompress it first (bunzip2), or recompress it with gzip or zstd";
    if (n >= 6 && (h[0] & 0xff) == 0xfd && h[1] == '7' && h[2] == 'z' && h[3] == 'X' && h[4] == 'Z' && h[5] == 0) {
      return "xz-compressed, which is not supported: decompress it first (xz -d), or recompress it with gzip or zstd";
    }
    if (n >= 4 && (h[0] & 0xff) == 0x04 && (h[1] & 0xff) == 0x22 && (h[2] & 0xff) == 0x4d && (h[3] & 0xff) == 0x18) {
      return "lz4-compressed, which is not supported: decompress it first (lz4 -d), or recompress it with gzip or zstd";
    }
    if (n >= 4 && h[0] == 'P' && h[1] == 'K' && h[2] == 3 && h[3] == 4) {
      return "a ZIP archive (an .xlsx workbook is one), not a text table: unzip it, or export the sheet as CSV";
    }
    if (n >= 4 && (h[0] & 0xff) == 0xd0 && (h[1] & 0xff) == 0xcf && (h[2] & 0xff) == 0x11 && (h[3] & 0xff) == 0xe0) {
      return "an Excel 97-2003 workbook (or another OLE file), not a text table: export the sheet as CSV";
    }
    if (n >= 4 && h[0] == 'P' && h[1] == 'A' && h[2] == 'R' && h[3] == '1') return "a Parquet file, not a text table";
    return null;
  }

  /** The compression, or null for plain text. */
  String compression() {
    return compression;
  }

  /** File bytes consumed so far (compressed bytes for a compressed file). */
  long fileBytes() {
    return raw.count;
  }

  /**
   * Reads up to {@code len} decoded bytes; -1 at the end. Damage to a compressed stream, and a file
   * that ended before the size it had when opened, are {@link InvalidInputException}s.
   */
  int read(byte[] b, int off, int len) {
    if (eof) return -1;
    int r;
    try {
      r = in.read(b, off, len);
    } catch (EOFException | ZipException e) {
      throw damaged(e);
    } catch (IOException e) {
      if (compression != null && e.getClass().getName().startsWith("com.github.luben.zstd")) throw damaged(e);
      throw cannotRead(file, e);
    } catch (RuntimeException e) {
      if (compression != null && e.getClass().getName().startsWith("com.github.luben.zstd")) throw damaged(e);
      throw e;
    }
    if (r < 0) {
      eof = true;
      checkNotShrunk();
    }
    return r;
  }

  private void checkNotShrunk() {
    if (sizeAtOpen < 0) return;
    long now;
    try {
      now = Files.size(file);
    } catch (IOException e) {
      now = -1;
    }
    if (raw.count < sizeAtOpen || (now >= 0 && now < sizeAtOpen)) {
      throw new InvalidInputException(where + ": the file shrank while it was read (" + sizeAtOpen + " bytes when opened, "
          + (now >= 0 ? now + " now" : "gone now") + ", the read ended at byte offset " + raw.count
          + "): it was being rewritten; read it again once it is complete");
    }
  }

  private InvalidInputException damaged(Exception e) {
    long at = gzip != null ? gzip.consumed() : raw.count;
    String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    // gzip counts the bytes it inflated exactly; the zstd decoder reads ahead in blocks, so its offset is where it had read to.
    boolean exact = gzip != null;
    boolean ended = e instanceof EOFException || m.toLowerCase(Locale.ROOT).contains("truncated")
        || (exact && sizeAtOpen >= 0 && at >= sizeAtOpen);
    return new InvalidInputException(where + ": the file is truncated or not valid " + compression + ": the " + compression + " stream "
        + (ended ? "ends unexpectedly" : "is corrupt") + (exact ? " at byte offset " : " at or before byte offset ") + at
        + (sizeAtOpen >= 0 ? " of " + sizeAtOpen : "") + " (" + m + ")", e);
  }

  static InvalidInputException cannotRead(Path file, IOException e) {
    if (e instanceof NoSuchFileException) return new InvalidInputException(file + ": no such file", e);
    if (e instanceof AccessDeniedException) return new InvalidInputException(file + ": cannot read it: permission denied", e);
    return new InvalidInputException(file + ": cannot read it: " + e, e);
  }

  private static void closeQuietly(InputStream s) {
    try {
      s.close();
    } catch (IOException ignored) {
      // already failing
    }
  }

  @Override
  public void close() {
    try {
      in.close();
    } catch (IOException e) {
      // nothing was written; a close error after a full read changes nothing
    }
  }

  /** Counts bytes read from the file, before decompression. */
  static final class Counting extends FilterInputStream {
    long count;

    Counting(InputStream in) {
      super(in);
    }

    @Override public int read() throws IOException {
      int b = super.read();
      if (b >= 0) count++;
      return b;
    }

    @Override public int read(byte[] b, int off, int len) throws IOException {
      int r = super.read(b, off, len);
      if (r > 0) count += r;
      return r;
    }

    @Override public long skip(long n) throws IOException {
      long s = super.skip(n);
      count += s;
      return s;
    }
  }

  /** gzip that can tell how far into the file its inflater has got, for the damaged-stream message. */
  private static final class Gzip extends GZIPInputStream {
    private final Counting counter;

    Gzip(InputStream in, Counting counter) throws IOException {
      super(in, 1 << 16);
      this.counter = counter;
    }

    long consumed() {
      return counter.count - inf.getRemaining();
    }
  }
}
