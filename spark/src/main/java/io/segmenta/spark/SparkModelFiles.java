package io.segmenta.spark;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.ml.param.Params;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsReader$;
import org.apache.spark.ml.util.DefaultParamsWriter$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.SparkSession;

/**
 * Spark ML persistence of the models: MLlib's metadata (class, uid, params) through its own
 * writer, and the model itself as the engine's model file ({@code data/model.segm}, checksummed
 * and versioned), copied through Hadoop's file system so that the path may be HDFS or an object
 * store as well as a local directory.
 */
final class SparkModelFiles {
  static final String MODEL_FILE = "data/model.segm";

  private SparkModelFiles() {}

  /** The writer of a model: its params as MLlib metadata, the engine's model file beside them. */
  static MLWriter writer(Params model, Consumer<Path> save) {
    return new MLWriter() {
      @Override
      public void saveImpl(String path) {
        saveMetadata(model, path, sparkSession());
        writeModelFile(path, sparkSession(), save);
      }
    };
  }

  /** The reader of a model of class {@code type}: the engine's model file through {@code load}, then the params onto {@code make(uid, engine model)}. */
  static <E, T extends Params> MLReader<T> reader(Class<T> type, Function<Path, E> load, BiFunction<String, E, T> make) {
    return new MLReader<T>() {
      @Override
      public T load(String path) {
        E engineModel = readModelFile(path, sparkSession(), load);
        return loadWithMetadata(path, sparkSession(), type.getName(), uid -> make.apply(uid, engineModel));
      }
    };
  }

  static void saveMetadata(Params instance, String path, SparkSession spark) {
    DefaultParamsWriter$.MODULE$.saveMetadata(instance, path, spark);
  }

  static <T extends Params> T loadWithMetadata(String path, SparkSession spark, String className, Function<String, T> make) {
    DefaultParamsReader.Metadata meta = DefaultParamsReader$.MODULE$.loadMetadata(path, spark, className);
    T m = make.apply(meta.uid());
    meta.getAndSetParams(m, scala.Option.empty());
    return m;
  }

  static void writeModelFile(String path, SparkSession spark, Consumer<Path> save) {
    Path tmp = null;
    try {
      tmp = Files.createTempFile("segmenta-model", ".segm");
      save.accept(tmp);
      org.apache.hadoop.fs.Path dst = new org.apache.hadoop.fs.Path(path, MODEL_FILE);
      FileSystem fs = dst.getFileSystem(spark.sparkContext().hadoopConfiguration());
      try (OutputStream out = fs.create(dst, true)) {
        Files.copy(tmp, out);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the model to " + path + ": " + e.getMessage(), e);
    } finally {
      if (tmp != null) tmp.toFile().delete();
    }
  }

  static <T> T readModelFile(String path, SparkSession spark, Function<Path, T> load) {
    Path tmp = null;
    try {
      tmp = Files.createTempFile("segmenta-model", ".segm");
      org.apache.hadoop.fs.Path src = new org.apache.hadoop.fs.Path(path, MODEL_FILE);
      FileSystem fs = src.getFileSystem(spark.sparkContext().hadoopConfiguration());
      try (InputStream in = fs.open(src)) {
        Files.copy(in, tmp, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      }
      return load.apply(tmp);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the model at " + path + ": " + e.getMessage(), e);
    } finally {
      if (tmp != null) tmp.toFile().delete();
    }
  }
}
