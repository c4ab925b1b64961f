package io.segmenta.kernels.cuda;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the table of contents of an nvcc fatbin container: which SASS (ELF) and PTX images it holds,
 * for which architectures. The backend uses it to tell a GPU it cannot serve from one it can before
 * loading the module, and a unit test uses it to check the committed resource without a GPU.
 *
 * <p>Layout (little-endian): a 16-byte header (magic 0xBA55ED50, u16 version, u16 header size, u64
 * size of the entries), then entries, each with a u16 kind (1 = PTX, 2 = ELF), u16 version, u32
 * header size, u64 padded payload size, ..., and the u32 architecture (80 = sm_80) at offset 28.
 */
public final class Fatbin {
  static final int MAGIC = 0xBA55ED50;

  private Fatbin() {}

  /** One image in the container. */
  public record Entry(Kind kind, int arch, long payloadBytes) {
    @Override
    public String toString() {
      return (kind == Kind.PTX ? "compute_" : "sm_") + arch;
    }
  }

  public enum Kind { PTX, ELF, OTHER }

  /** The images of {@code bytes}; throws {@link IllegalArgumentException} when it is not a fatbin. */
  public static List<Entry> parse(byte[] bytes) {
    ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    if (bytes.length < 16 || b.getInt(0) != MAGIC) throw new IllegalArgumentException("not a fatbin: no 0xBA55ED50 magic");
    int headerSize = Short.toUnsignedInt(b.getShort(6));
    long fatSize = b.getLong(8);
    long end = headerSize + fatSize;
    if (end > bytes.length) throw new IllegalArgumentException("truncated fatbin: " + bytes.length + " bytes, header says " + end);
    List<Entry> out = new ArrayList<>();
    long off = headerSize;
    while (off + 32 <= end) {
      int o = (int) off;
      int kind = Short.toUnsignedInt(b.getShort(o));
      long entryHeader = Integer.toUnsignedLong(b.getInt(o + 4));
      long padded = b.getLong(o + 8);
      int arch = b.getInt(o + 28);
      if (entryHeader < 32 || padded < 0) throw new IllegalArgumentException("corrupt fatbin entry at offset " + off);
      out.add(new Entry(kind == 1 ? Kind.PTX : kind == 2 ? Kind.ELF : Kind.OTHER, arch, padded));
      off += entryHeader + padded;
    }
    return out;
  }

  /**
   * Whether a device of compute capability {@code major.minor} can run the container: a SASS image
   * for its exact architecture, or PTX for an architecture at or below it (the driver compiles it).
   */
  public static boolean runsOn(List<Entry> entries, int major, int minor) {
    int cc = major * 10 + minor;
    for (Entry e : entries) {
      if (e.kind() == Kind.ELF && e.arch() == cc) return true;
      if (e.kind() == Kind.PTX && e.arch() <= cc) return true;
    }
    return false;
  }
}
