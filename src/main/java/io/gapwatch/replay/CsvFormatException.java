package io.gapwatch.replay;

/**
 * A CSV file that cannot be read as numbers: its message is one line naming the file, the line
 * and, where there is one, the column.
 */
public final class CsvFormatException extends Exception {

    private static final long serialVersionUID = 1L;

    public CsvFormatException(String message) {
        super(message);
    }
}
