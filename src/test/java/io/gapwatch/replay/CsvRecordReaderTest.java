package io.gapwatch.replay;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CsvRecordReaderTest {

    @TempDir
    Path dir;

    private Path csv(String content) throws IOException {
        final Path file = dir.resolve("data.csv");
        Files.writeString(file, content);
        return file;
    }

    @Test
    void shouldReadFeaturesInHeaderOrderWithoutTheTarget() throws Exception {
        try (CsvRecordReader reader = CsvRecordReader.open(csv("a,y,b\n1,10,2\n\n3,30,4\n"), "y")) {
            assertThat(reader.featureNames()).containsExactly("a", "b");
            final double[] x = new double[2];
            assertThat(reader.next(x)).isTrue();
            assertThat(x).containsExactly(1, 2);
            assertThat(reader.target()).isEqualTo(10);
            assertThat(reader.next(x)).isTrue(); // the blank line is skipped
            assertThat(x).containsExactly(3, 4);
            assertThat(reader.target()).isEqualTo(30);
            assertThat(reader.next(x)).isFalse();
            assertThat(reader.records()).isEqualTo(2);
        }
    }

    @Test
    void shouldAcceptQuotedHeadersCrlfAndAByteOrderMark() throws Exception {
        try (CsvRecordReader reader = CsvRecordReader.open(csv("\uFEFF\"gdp, real\",\"say \"\"y\"\"\"\r\n 1.5 , -2e3 \r\n"), "say \"y\"")) {
            assertThat(reader.featureNames()).containsExactly("gdp, real");
            final double[] x = new double[1];
            assertThat(reader.next(x)).isTrue();
            assertThat(x[0]).isEqualTo(1.5);
            assertThat(reader.target()).isEqualTo(-2000);
        }
    }

    @Test
    void shouldNameFileLineAndColumnOfANonNumericCell() throws Exception {
        final Path file = csv("x1,x2,y\n1,2,3\n4,abc,6\n");
        try (CsvRecordReader reader = CsvRecordReader.open(file, "y")) {
            final double[] x = new double[2];
            reader.next(x);
            assertThatThrownBy(() -> reader.next(x)).isInstanceOf(CsvFormatException.class)
                    .hasMessage(file + ":3: column 'x2' (2): 'abc' is not a number");
        }
    }

    @Test
    void shouldRejectARaggedRow() throws Exception {
        final Path file = csv("x1,x2,y\n1,2,3\n4,5\n");
        try (CsvRecordReader reader = CsvRecordReader.open(file, "y")) {
            final double[] x = new double[2];
            reader.next(x);
            assertThatThrownBy(() -> reader.next(x))
                    .hasMessage(file + ":3: expected 3 fields as in the header, found 2");
        }
    }

    @Test
    void shouldRejectEmptyNonFiniteAndHugeCells() throws Exception {
        final Path file = csv("x,y\n,1\nNaN,1\n1e101,1\nInfinity,2\n");
        try (CsvRecordReader reader = CsvRecordReader.open(file, "y")) {
            final double[] x = new double[1];
            assertThatThrownBy(() -> reader.next(x)).hasMessage(file + ":2: column 'x' (1): empty cell");
            assertThatThrownBy(() -> reader.next(x)).hasMessage(file + ":3: column 'x' (1): 'NaN' is not a finite number");
            assertThatThrownBy(() -> reader.next(x)).hasMessageContaining(file + ":4: column 'x' (1): '1e101' is beyond ±1e100");
            assertThatThrownBy(() -> reader.next(x)).hasMessage(file + ":5: column 'x' (1): 'Infinity' is not a finite number");
        }
    }

    @Test
    void shouldNameTheMissingTargetAndTheColumnsThereAre() throws Exception {
        final Path file = csv("a,b\n1,2\n");
        assertThatThrownBy(() -> CsvRecordReader.open(file, "y"))
                .hasMessage(file + ":1: no column named 'y' in the header (columns: a, b)");
    }

    @Test
    void shouldRejectDuplicateAndEmptyHeaderNamesAndEmptyFiles() throws Exception {
        assertThatThrownBy(() -> CsvRecordReader.open(csv("a,a,y\n"), "y")).hasMessageContaining(":1: column name 'a' appears twice");
        assertThatThrownBy(() -> CsvRecordReader.open(csv("a,,y\n"), "y")).hasMessageContaining(":1: column 2 has no name");
        assertThatThrownBy(() -> CsvRecordReader.open(csv(""), "y")).hasMessageContaining(": empty file, expected a header row");
        assertThatThrownBy(() -> CsvRecordReader.open(dir.resolve("missing.csv"), "y")).hasMessageContaining("missing.csv: no such file");
        assertThatThrownBy(() -> CsvRecordReader.open(csv("\"a,y\n"), "y")).hasMessageContaining(":1: a quoted field is not closed");
    }
}
