package io.segmenta.spark;

import java.io.Serializable;
import org.apache.spark.TaskContext;

/**
 * A failure injected into the first attempt of one partition's task in one pass, after its backend
 * step ran: what a task killed mid-iteration looks like to Spark, which retries it (with {@code
 * spark.task.maxFailures} > 1). Travels with the task closure, so it works on a real cluster too.
 * For tests of the retry path only; no user-facing switch sets it.
 */
record TaskFault(int pass, int partition) implements Serializable {
  void check(int pass, int partition) {
    TaskContext tc = TaskContext.get();
    if (pass == this.pass && partition == this.partition && tc != null && tc.attemptNumber() == 0) {
      throw new IllegalStateException("injected task failure: pass " + pass + ", partition " + partition + ", attempt 0");
    }
  }
}
