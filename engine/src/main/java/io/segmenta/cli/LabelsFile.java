package io.segmenta.cli;

import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.CsvRecord;
import io.segmenta.InvalidInputException;
import io.segmenta.data.Dataset;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads an {@code id,segment,...} file (any command's assignments.csv) aligned with a dataset's rows. */
final class LabelsFile {
  private LabelsFile() {}

  /**
   * The segment of every row of {@code data}, in row order; the file's rows must be the data's rows
   * in the same order (ids are compared when the file has them).
   */
  static int[] read(Path file, Dataset data) throws IOException {
    int n = Math.toIntExact(data.rows());
    int[] out = new int[n];
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8);
         CsvReader<CsvRecord> csv = CsvReader.builder().ofCsvRecord(r)) {
      int idCol = -1, segCol = -1;
      int row = 0;
      for (CsvRecord rec : csv) {
        if (segCol < 0) {
          for (int i = 0; i < rec.getFieldCount(); i++) {
            if (rec.getField(i).strip().equalsIgnoreCase("segment")) segCol = i;
            if (rec.getField(i).strip().equalsIgnoreCase("id")) idCol = i;
          }
          if (segCol < 0) throw new InvalidInputException(file + ": line 1 has no 'segment' column (expected a header like id,segment)");
          continue;
        }
        if (rec.getFieldCount() == 1 && rec.getField(0).isBlank()) continue;
        long line = rec.getStartingLineNumber();
        if (row >= n) throw new InvalidInputException(file + ": line " + line + ": more labelled rows than the data's " + n);
        if (segCol >= rec.getFieldCount()) throw new InvalidInputException(file + ": line " + line + ": no segment field");
        String seg = rec.getField(segCol).strip();
        try {
          out[row] = Integer.parseInt(seg);
        } catch (NumberFormatException e) {
          throw new InvalidInputException(file + ": line " + line + ", column 'segment': '" + seg + "' is not an integer");
        }
        if (out[row] < -1) throw new InvalidInputException(file + ": line " + line + ": segment " + out[row] + " (segments are >= 0, -1 is noise)");
        if (idCol >= 0 && idCol < rec.getFieldCount() && !rec.getField(idCol).equals(data.id(row))) {
          throw new InvalidInputException(file + ": line " + line + ": id '" + rec.getField(idCol) + "' but row " + (row + 1)
              + " of the data has id '" + data.id(row) + "' (the files must list the same rows in the same order)");
        }
        row++;
      }
      if (row != n) throw new InvalidInputException(file + ": " + row + " labelled rows, the data has " + n);
    }
    return out;
  }
}
