package io.segmenta.store;

import java.io.File;
import java.lang.reflect.Method;
import java.util.List;
import net.openhft.compiler.CachedCompiler;

/**
 * Build step: compiles, into the engine's classes, the implementation classes that Chronicle Values would otherwise
 * generate and compile with an in-process javac the first time a JVM creates or opens a persisted Chronicle Map (the
 * map header's {@code VanillaGlobalMutableState$$Native}). Chronicle looks such a class up by name before compiling
 * it, so shipping it saves every run that touches a store about 1,150 javac classes and about a core-second (a fresh
 * JVM's store round trip: 1.0 s of CPU against 2.1 s, benchmarks/RESULTS.md). The code is Chronicle's own, produced by the version on the
 * class path at build time, so it cannot drift from the library; were it missing, Chronicle would compile it as before.
 *
 * <p>Run by the engine's POM at {@code process-classes}: {@code java ... io.segmenta.store.ChronicleClasses DIR}.
 */
public final class ChronicleClasses {
  /** The value interfaces whose native implementation a persisted map needs (each loaded by name from this list). */
  static final List<String> VALUE_INTERFACES = List.of("net.openhft.chronicle.hash.VanillaGlobalMutableState");

  private static final String VALUE_MODEL_NAME = "net.openhft.chronicle.values.ValueModel";

  private ChronicleClasses() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 1) throw new IllegalArgumentException("usage: ChronicleClasses CLASSES_DIR");
    File out = new File(args[0]);
    CachedCompiler compiler = new CachedCompiler(null, out);
    for (String name : VALUE_INTERFACES) {
      Class<?> type = Class.forName(name);
      String className = nativeClassName(type);
      compiler.loadFromJava(className, nativeSource(type));
      File written = new File(out, className.replace('.', File.separatorChar) + ".class");
      if (!written.isFile()) throw new IllegalStateException("Chronicle's compiler did not write " + written);
      System.out.println("ChronicleClasses: wrote " + written);
    }
  }

  /** The name Chronicle Values loads before it compiles: the interface's package, its simple name and {@code $$Native}. */
  static String nativeClassName(Class<?> type) throws ReflectiveOperationException {
    return type.getPackageName() + "." + simpleName(type) + "$$Native";
  }

  /** Chronicle Values' generated source for the native (off-heap) implementation of {@code type}. */
  static String nativeSource(Class<?> type) throws ReflectiveOperationException {
    Object model = model(type);
    // Package-private in Chronicle Values: reached by reflection, both on the class path (one unnamed module).
    Class<?> valueModel = Class.forName(VALUE_MODEL_NAME);
    Method generate = Class.forName("net.openhft.chronicle.values.Generators").getDeclaredMethod("generateNativeClass", valueModel, String.class);
    generate.setAccessible(true);
    return (String) generate.invoke(null, model, simpleName(type) + "$$Native");
  }

  private static Object model(Class<?> type) throws ReflectiveOperationException {
    return Class.forName(VALUE_MODEL_NAME).getMethod("acquire", Class.class).invoke(null, type);
  }

  private static String simpleName(Class<?> type) throws ReflectiveOperationException {
    Object model = model(type);
    Method m = model.getClass().getDeclaredMethod("simpleName");
    m.setAccessible(true);
    return (String) m.invoke(model);
  }
}
