package io.gapwatch.replay;

import java.io.BufferedReader;
import java.io.Closeable;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import io.gapwatch.engine.exact.StreamingLeastSquares;

/**
 * Reads a numeric CSV file record by record: a header row naming the columns, one of them the
 * target, every other one a feature in header order.
 *
 * <p>Fields are separated by commas; a field may be wrapped in double quotes (a doubled quote
 * inside stands for one), which is how spreadsheet tools write headers with commas in them.
 * Blank lines are skipped. Every problem stops the read with a {@link CsvFormatException} whose
 * one-line message names the file, line and column: a gap in the data must never pass silently.
 */
public final class CsvRecordReader implements Closeable {

    private final String fileName;
    private final BufferedReader reader;
    private final CountingInputStream counting;
    private final long size;
    private final List<String> columns;
    private final int targetColumn;
    private final List<String> featureNames;
    private final List<String> fields = new ArrayList<>();
    private final StringBuilder field = new StringBuilder();
    private long lineNumber;
    private long records;
    private double target;

    private CsvRecordReader(Path file, String targetName) throws IOException, CsvFormatException {
        this.fileName = file.toString();
        final InputStream in;
        try {
            in = Files.newInputStream(file);
        } catch (NoSuchFileException e) {
            throw new CsvFormatException(fileName + ": no such file");
        }
        this.size = Files.size(file);
        this.counting = new CountingInputStream(in);
        this.reader = new BufferedReader(new InputStreamReader(counting, StandardCharsets.UTF_8), 1 << 16);
        try {
            this.columns = readHeader();
            this.targetColumn = columns.indexOf(targetName);
            if (targetColumn < 0) {
                throw new CsvFormatException(fileName + ":" + lineNumber + ": no column named '" + targetName
                        + "' in the header (columns: " + String.join(", ", columns) + ")");
            }
            final List<String> names = new ArrayList<>(columns);
            names.remove(targetColumn);
            this.featureNames = List.copyOf(names);
        } catch (CsvFormatException | IOException | RuntimeException e) {
            reader.close();
            throw e;
        }
    }

    /**
     * Opens {@code file} and reads its header.
     *
     * @throws CsvFormatException if the file is missing, empty, has a malformed or duplicate header,
     *                            or no column named {@code targetName}
     */
    public static CsvRecordReader open(Path file, String targetName) throws IOException, CsvFormatException {
        return new CsvRecordReader(file, targetName);
    }

    private List<String> readHeader() throws IOException, CsvFormatException {
        String line;
        do {
            line = reader.readLine();
            lineNumber++;
            if (line == null) {
                throw new CsvFormatException(fileName + ": empty file, expected a header row");
            }
        } while (line.isBlank());
        if (line.startsWith("\uFEFF")) {
            line = line.substring(1); // byte order mark written by some spreadsheet tools
        }
        split(line);
        final Set<String> seen = new HashSet<>();
        for (int c = 0; c < fields.size(); c++) {
            final String name = fields.get(c);
            if (name.isEmpty()) {
                throw new CsvFormatException(fileName + ":" + lineNumber + ": column " + (c + 1) + " has no name in the header");
            }
            if (!seen.add(name)) {
                throw new CsvFormatException(fileName + ":" + lineNumber + ": column name '" + name + "' appears twice in the header");
            }
        }
        return List.copyOf(fields);
    }

    /**
     * Reads the next record.
     *
     * @param features receives the feature values, length {@link #featureNames()}.size(); Modified
     * @return false at the end of the file
     * @throws CsvFormatException on a row with the wrong number of fields, or a cell that is not a
     *                            finite number within ±{@link StreamingLeastSquares#MAX_MAGNITUDE}
     */
    public boolean next(double[] features) throws IOException, CsvFormatException {
        String line;
        do {
            line = reader.readLine();
            if (line == null) {
                return false;
            }
            lineNumber++;
        } while (line.isBlank());
        split(line);
        if (fields.size() != columns.size()) {
            throw new CsvFormatException(fileName + ":" + lineNumber + ": expected " + columns.size()
                    + " fields as in the header, found " + fields.size());
        }
        int f = 0;
        for (int c = 0; c < fields.size(); c++) {
            final double value = parse(c);
            if (c == targetColumn) {
                target = value;
            } else {
                features[f++] = value;
            }
        }
        records++;
        return true;
    }

    private double parse(int column) throws CsvFormatException {
        final String text = fields.get(column);
        final double value;
        try {
            if (text.isEmpty()) {
                throw new NumberFormatException();
            }
            value = Double.parseDouble(text);
        } catch (NumberFormatException e) {
            throw new CsvFormatException(where(column) + (text.isEmpty() ? "empty cell" : "'" + text + "' is not a number"));
        }
        if (!Double.isFinite(value)) {
            throw new CsvFormatException(where(column) + "'" + text + "' is not a finite number");
        }
        if (Math.abs(value) > StreamingLeastSquares.MAX_MAGNITUDE) {
            throw new CsvFormatException(where(column) + "'" + text + "' is beyond ±1e100, too large to square safely");
        }
        return value;
    }

    private String where(int column) {
        return fileName + ":" + lineNumber + ": column '" + columns.get(column) + "' (" + (column + 1) + "): ";
    }

    // RFC 4180 fields on one line: commas separate, double quotes wrap, "" inside quotes is one quote.
    private void split(String line) throws CsvFormatException {
        fields.clear();
        if (line.indexOf('"') < 0) {
            splitPlain(line); // every data row of a numeric file: no quotes, cut at commas
            return;
        }
        field.setLength(0);
        boolean quoted = false;
        boolean wasQuoted = false;
        final int end = line.endsWith("\r") ? line.length() - 1 : line.length();
        for (int i = 0; i < end; i++) {
            final char ch = line.charAt(i);
            if (quoted) {
                if (ch == '"') {
                    if (i + 1 < end && line.charAt(i + 1) == '"') {
                        field.append('"');
                        i++;
                    } else {
                        quoted = false;
                    }
                } else {
                    field.append(ch);
                }
            } else if (ch == ',') {
                fields.add(wasQuoted ? field.toString() : field.toString().strip());
                field.setLength(0);
                wasQuoted = false;
            } else if (ch == '"' && field.toString().isBlank()) {
                quoted = true;
                wasQuoted = true;
                field.setLength(0);
            } else {
                field.append(ch);
            }
        }
        if (quoted) {
            throw new CsvFormatException(fileName + ":" + lineNumber + ": a quoted field is not closed");
        }
        fields.add(wasQuoted ? field.toString() : field.toString().strip());
    }

    private void splitPlain(String line) {
        final int end = line.endsWith("\r") ? line.length() - 1 : line.length();
        int start = 0;
        while (true) {
            final int comma = line.indexOf(',', start);
            final int stop = comma < 0 || comma > end ? end : comma;
            fields.add(line.substring(start, stop).strip());
            if (stop == end) {
                return;
            }
            start = stop + 1;
        }
    }

    /** Feature names, in header order without the target. */
    public List<String> featureNames() {
        return featureNames;
    }

    /** The target of the record last read by {@link #next}. */
    public double target() {
        return target;
    }

    public long records() {
        return records;
    }

    /** Fraction of the file's bytes read so far, for progress reports. */
    public double fractionRead() {
        return size == 0 ? 1.0 : Math.min(1.0, (double) counting.count / size);
    }

    public String fileName() {
        return fileName;
    }

    @Override
    public void close() throws IOException {
        reader.close();
    }

    private static final class CountingInputStream extends FilterInputStream {
        long count;

        CountingInputStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            final int b = super.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            final int n = super.read(b, off, len);
            if (n > 0) {
                count += n;
            }
            return n;
        }
    }
}
