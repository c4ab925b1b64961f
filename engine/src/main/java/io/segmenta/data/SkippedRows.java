package io.segmenta.data;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Rows a reader skipped (malformed rows under a skip policy, rows left out by {@code --missing
 * drop}), one CSV line each: the input line number, the reason, the fields. With no file (null),
 * they are counted only. The file is created at the first row, so a clean read writes none.
 */
public class SkippedRows implements TableReader.RejectSink, AutoCloseable {
  private final Path file;
  private BufferedWriter out;
  private long count;
  private String lastReason, lastQuoted;

  public SkippedRows(Path file) {
    this.file = file;
  }

  @Override
  public void reject(long line, String[] fields, String reason) {
    if (file == null) {
      count++;
      return;
    }
    try {
      if (out == null) {
        if (file.toAbsolutePath().getParent() != null) Files.createDirectories(file.toAbsolutePath().getParent());
        out = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
        out.write("line,reason,fields\n");
      }
      // Written field by field, the reason's quoted form kept: a log can reject a quarter of its lines (Online Retail:
      // 135,080 without a customer id), and building each line as one String took a fifth of the main thread's samples.
      out.write(Long.toString(line));
      out.write(',');
      if (!reason.equals(lastReason)) {
        lastReason = reason;
        lastQuoted = quote(reason);
      }
      out.write(lastQuoted);
      out.write(",\"");
      for (int i = 0; i < fields.length; i++) {
        if (i > 0) out.write(',');
        writeEscaped(fields[i]);
      }
      out.write("\"\n");
      count++;
    } catch (IOException e) {
      throw new io.segmenta.InvalidInputException("cannot write the skipped rows to " + file + ": " + e, e);
    }
  }

  public long count() {
    return count;
  }

  public Path file() {
    return file;
  }

  /** The field with each quote doubled, as {@link #quote} writes it inside the quotes. */
  private void writeEscaped(String f) throws IOException {
    int q = f.indexOf('"');
    if (q < 0) {
      out.write(f);
      return;
    }
    int from = 0;
    for (; q >= 0; q = f.indexOf('"', q + 1)) {
      out.write(f, from, q + 1 - from);
      out.write('"');
      from = q + 1;
    }
    out.write(f, from, f.length() - from);
  }

  private static String quote(String s) {
    return '"' + s.replace("\"", "\"\"") + '"';
  }

  @Override
  public void close() {
    try {
      if (out != null) out.close();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the skipped rows to " + file + ": " + e.getMessage(), e);
    }
  }
}
