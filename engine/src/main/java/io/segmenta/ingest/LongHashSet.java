package io.segmenta.ingest;

/** An open-addressing set of longs (linear probing, power-of-two table, at most half full); no removal. */
final class LongHashSet {
  private static final long EMPTY = Long.MIN_VALUE;
  private long[] table;
  private boolean hasEmpty;
  private int size;

  LongHashSet(int capacity) {
    int c = Integer.highestOneBit(Math.max(16, capacity) - 1) << 1;
    table = new long[c];
    java.util.Arrays.fill(table, EMPTY);
  }

  /** Adds {@code v}; true when it was not there. */
  boolean add(long v) {
    if (v == EMPTY) {
      if (hasEmpty) return false;
      hasEmpty = true;
      size++;
      return true;
    }
    long[] t = table;
    int mask = t.length - 1;
    int i = mix(v) & mask;
    while (true) {
      long x = t[i];
      if (x == v) return false;
      if (x == EMPTY) break;
      i = (i + 1) & mask;
    }
    t[i] = v;
    if (++size * 2L > t.length) grow();
    return true;
  }

  int size() {
    return size;
  }

  private static int mix(long v) {
    long h = v * 0x9E3779B97F4A7C15L;
    return (int) (h ^ (h >>> 32));
  }

  private void grow() {
    long[] old = table;
    if (old.length >= 1 << 30) throw new IllegalStateException("more than 2^29 distinct pairs");
    long[] t = new long[old.length * 2];
    java.util.Arrays.fill(t, EMPTY);
    int mask = t.length - 1;
    for (long x : old) {
      if (x == EMPTY) continue;
      int i = mix(x) & mask;
      while (t[i] != EMPTY) i = (i + 1) & mask;
      t[i] = x;
    }
    table = t;
  }
}
