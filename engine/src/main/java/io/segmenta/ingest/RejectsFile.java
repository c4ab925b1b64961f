package io.segmenta.ingest;

import io.segmenta.data.TableReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Malformed rows skipped by an ingest, one CSV line each: the input line number, the reason, the
 * fields. With no file (null), rejected rows are counted only.
 */
public final class RejectsFile implements TableReader.RejectSink, AutoCloseable {
  private final Path file;
  private BufferedWriter out;
  private long count;

  public RejectsFile(Path file) {
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
      out.write(line + "," + quote(reason) + "," + quote(String.join(",", fields)) + "\n");
      count++;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write rejects file " + file + ": " + e.getMessage(), e);
    }
  }

  public long count() {
    return count;
  }

  public Path file() {
    return file;
  }

  private static String quote(String s) {
    return '"' + s.replace("\"", "\"\"") + '"';
  }

  @Override
  public void close() {
    try {
      if (out != null) out.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
