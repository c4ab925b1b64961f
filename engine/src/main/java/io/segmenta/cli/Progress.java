package io.segmenta.cli;

import io.segmenta.run.IterationStats;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/** A progress bar on stderr, or nothing when progress is turned off. */
final class Progress implements AutoCloseable {
  private final ProgressBar bar;
  private final int maxIter;

  private Progress(ProgressBar bar, int maxIter) {
    this.bar = bar;
    this.maxIter = maxIter;
  }

  /** Bytes of a file read so far. */
  static Progress bytes(String task, Path file, boolean off, PrintWriter err) throws IOException {
    if (off) return new Progress(null, 0);
    long size = Files.isRegularFile(file) ? Math.max(1, Files.size(file)) : 1; // a missing file is the reader's error to report
    ProgressBarBuilder b = builder(task, err).setInitialMax(size).showSpeed();
    b = size < (16L << 20) ? b.setUnit(" KB", 1 << 10) : b.setUnit(" MB", 1 << 20);
    return new Progress(b.build(), 0);
  }

  /** Iterations over all restarts: {@code restarts * maxIter} steps; a restart that converges early jumps ahead. */
  static Progress iterations(String task, int restarts, int maxIter, boolean off, PrintWriter err) {
    if (off) return new Progress(null, maxIter);
    return new Progress(builder(task, err).setInitialMax((long) restarts * maxIter).setUnit(" it", 1).build(), maxIter);
  }

  private static ProgressBarBuilder builder(String task, PrintWriter err) {
    return new ProgressBarBuilder()
        .setTaskName(task)
        .setStyle(ProgressBarStyle.ASCII)
        .setUpdateIntervalMillis(200)
        .setMaxRenderedLength(100)
        .setSpeedUnit(java.time.temporal.ChronoUnit.SECONDS)
        .hideEta()
        .setConsumer(new ConsoleProgressBarConsumer(new java.io.PrintStream(new WriterOutputStream(err), true), 100));
  }

  /** The pipeline's progress and notes, on the command's stderr ("segment: ..."), bars as --progress says. */
  static io.segmenta.pipeline.RunEvents events(picocli.CommandLine.Model.CommandSpec spec, RunArgs run) {
    PrintWriter err = spec.commandLine().getErr();
    boolean off = !Cli.progress(spec, run.progress);
    return new io.segmenta.pipeline.RunEvents() {
      @Override public void note(String sentence) {
        err.println("segment: " + sentence);
      }

      @Override public Meter bytes(String task, Path file) {
        try {
          return meter(Progress.bytes(task, file, off, err));
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }

      @Override public Meter iterations(String task, int runs, int maxIter) {
        return meter(Progress.iterations(task, runs, maxIter, off, err));
      }
    };
  }

  private static io.segmenta.pipeline.RunEvents.Meter meter(Progress p) {
    return new io.segmenta.pipeline.RunEvents.Meter() {
      @Override public void bytes(long read) { p.stepTo(read); }

      @Override public void iteration(IterationStats stats) { p.onIteration(stats); }

      @Override public void done() { p.done(); }

      @Override public void close() { p.close(); }
    };
  }

  void stepTo(long n) {
    if (bar != null) bar.stepTo(n);
  }

  void onIteration(IterationStats s) {
    if (bar == null) return;
    bar.stepTo((long) s.restart() * maxIter + s.iteration());
    bar.setExtraMessage(String.format(" restart %d/%d inertia %.5g", s.restart() + 1, s.restarts(), s.inertia()));
  }

  /** Marks the work finished (a run that converged early leaves steps unused). */
  void done() {
    if (bar != null) bar.stepTo(bar.getMax());
  }

  @Override
  public void close() {
    if (bar != null) bar.close();
  }

  /** Lets the bar print through the command's stderr writer (which tests capture). */
  private static final class WriterOutputStream extends java.io.OutputStream {
    private final PrintWriter w;

    WriterOutputStream(PrintWriter w) { this.w = w; }

    @Override public void write(int b) { w.write(b); }

    @Override public void write(byte[] b, int off, int len) { w.write(new String(b, off, len, java.nio.charset.StandardCharsets.UTF_8)); }

    @Override public void flush() { w.flush(); }
  }
}
