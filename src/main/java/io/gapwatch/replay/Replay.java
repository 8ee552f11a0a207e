package io.gapwatch.replay;

import io.gapwatch.engine.exact.Conditioning;
import io.gapwatch.engine.exact.ConditioningAnalysis;
import io.gapwatch.engine.exact.LeastSquaresOptions;
import io.gapwatch.engine.exact.StreamingLeastSquares;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Offline diagnosis: streams a CSV file through the same engine the stream processor runs,
 * record by record in file order, so both produce the same numbers for the same records.
 */
public final class Replay {

    private Replay() {
    }

    /** What a replay learned: the fitted estimator and its conditioning at the end of the file. */
    public record Result(String source, String target, List<String> featureNames,
                         StreamingLeastSquares exact, Conditioning conditioning) {
    }

    public static Result run(Path csv, String target, LeastSquaresOptions options, Progress progress)
            throws IOException, CsvFormatException {
        try (CsvRecordReader reader = CsvRecordReader.open(csv, target)) {
            final List<String> names = reader.featureNames();
            if (names.isEmpty() && !options.intercept()) {
                throw new CsvFormatException(reader.fileName() + ": no feature columns besides '" + target
                        + "', and --no-intercept leaves nothing to fit");
            }
            final StreamingLeastSquares exact = new StreamingLeastSquares(names.size(), options);
            final double[] x = new double[names.size()];
            while (reader.next(x)) {
                exact.update(x, reader.target());
                progress.update(reader.records(), reader.fractionRead());
            }
            progress.done(reader.records());
            if (reader.records() == 0) {
                throw new CsvFormatException(reader.fileName() + ": no data rows after the header");
            }
            return new Result(reader.fileName(), target, names, exact, ConditioningAnalysis.of(exact, names));
        }
    }
}
