package io.segmenta.cli;

import io.segmenta.EngineOptions;
import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** Where a run writes and what it runs on; shared by every algorithm command. */
final class RunArgs {
  @Option(names = "--out", required = true, paramLabel = "DIR",
      description = "Output directory (created if missing). It is replaced as a whole when the run finishes; a run that fails or is "
          + "killed leaves the previous outputs in place.")
  Path out;

  @Option(names = "--force", description = "Write into --out even when it holds files that no Segmenta run wrote (they are replaced).")
  boolean force;

  @Option(names = "--backend", paramLabel = "BACKEND", defaultValue = "auto",
      description = "auto, cpu, scalar, cuda or opencl (default: ${DEFAULT-VALUE}).")
  String backend;

  @Option(names = "--threads", paramLabel = "N", defaultValue = "0", description = "CPU threads (default: 0 = one per core).")
  int threads;

  @Option(names = "--cpu-fallback", description = "If a GPU kernel fails mid-run (out of memory, a failed launch), run again on the CPU "
      + "instead of failing.")
  boolean cpuFallback;

  @Option(names = "--progress", paramLabel = "WHEN", defaultValue = "auto",
      description = "Progress bars on stderr: auto (when stderr is a terminal), always or never (default: ${DEFAULT-VALUE}).")
  String progress;

  @Option(names = "--verbose", description = "Also print the seconds each step took (read, preprocess, fit, insights, charts, report, "
      + "publish, write; as the summary's phases).")
  boolean verbose;

  EngineOptions engineOptions(CommandSpec spec) {
    if (threads < 0) throw new ParameterException(spec.commandLine(), "--threads must be >= 0, got " + threads);
    return new EngineOptions(Cli.backend(spec, backend), threads, cpuFallback);
  }
}
