package io.segmenta.ingest;

import io.segmenta.data.SkippedRows;
import java.nio.file.Path;

/**
 * Malformed rows skipped by an ingest (and rows dropped for missing values), one CSV line each: the
 * input line number, the reason, the fields. With no file (null), rejected rows are counted only.
 */
public final class RejectsFile extends SkippedRows {
  public RejectsFile(Path file) {
    super(file);
  }
}
