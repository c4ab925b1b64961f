package io.segmenta.docs;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's facade example compiles against the current API, so it cannot rot unseen. */
class ReadmeExampleTest {
  @TempDir Path dir;

  @Test
  void facadeExampleCompiles() throws Exception {
    String readme = Files.readString(Path.of("..", "README.md"));
    int start = readme.indexOf("```java\n");
    assertTrue(start >= 0, "README has a java example");
    String code = readme.substring(start + 8, readme.indexOf("```", start + 8));
    StringBuilder imports = new StringBuilder();
    StringBuilder body = new StringBuilder();
    for (String line : code.split("\n")) {
      (line.startsWith("import ") ? imports : body).append(line).append('\n');
    }
    String source = imports + "\nclass ReadmeExample {\n  static void run() throws Exception {\n" + body + "  }\n}\n";
    Path file = dir.resolve("ReadmeExample.java");
    Files.writeString(file, source);
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    assertNotNull(javac, "tests run on a JDK");
    ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
    List<String> args = new ArrayList<>(List.of("-d", dir.toString(), "-cp", System.getProperty("java.class.path"),
        "-proc:none", "-Xlint:none", file.toString()));
    int rc = javac.run(null, diagnostics, diagnostics, args.toArray(String[]::new));
    assertEquals(0, rc, "README example does not compile:\n" + diagnostics + "\n" + source);
  }
}
