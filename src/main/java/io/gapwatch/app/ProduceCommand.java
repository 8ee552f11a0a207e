package io.gapwatch.app;

import io.gapwatch.avro.Observation;
import io.gapwatch.replay.CsvFormatException;
import io.gapwatch.replay.CsvRecordReader;
import io.gapwatch.replay.Progress;
import io.gapwatch.stream.Codecs;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code gapwatch produce}: streams a CSV file into the observations topic, one record per row. */
@Command(name = "produce",
        mixinStandardHelpOptions = true,
        description = {
                "Streams a CSV file (header row; --target names the target column, every other column is a feature)",
                "into the observations topic as one model's records, in file order."})
final class ProduceCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--csv", required = true, paramLabel = "FILE", description = "CSV file with a header row.")
    Path csv;

    @Option(names = "--target", required = true, paramLabel = "COLUMN", description = "Name of the target column.")
    String target;

    @Option(names = "--model", required = true, paramLabel = "ID", description = "Model id: the records' key.")
    String model;

    @CommandLine.Mixin
    ObservationSender.Target kafka;

    @Option(names = "--rate", paramLabel = "N", defaultValue = "0", description = "Records per second; 0: as fast as the broker takes them.")
    double rate;

    @Option(names = "--format", paramLabel = "avro|json", defaultValue = "avro", description = "Value encoding. Default: ${DEFAULT-VALUE}.")
    String format;

    @Option(names = "--epochs", paramLabel = "K", defaultValue = "1", description = "Passes over the file, as replay --epochs.")
    int epochs;

    @Override
    public Integer call() throws IOException, CsvFormatException, InterruptedException {
        if (!format.equals("avro") && !format.equals("json")) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--format must be avro or json, got " + format);
        }
        if (epochs < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--epochs must be at least 1, got " + epochs);
        }
        final Progress progress = Progress.onStderr("produce");
        final long sent;
        try (ObservationSender sender = ObservationSender.open(spec, kafka, rate)) {
            for (int epoch = 1; epoch <= epochs; epoch++) {
                try (CsvRecordReader reader = CsvRecordReader.open(csv, target)) {
                    final double[] x = new double[reader.featureNames().size()];
                    while (reader.next(x)) {
                        sender.send(model, encode(x, reader.target()));
                        progress.update(sender.sent(), (epoch - 1 + reader.fractionRead()) / epochs);
                    }
                }
            }
            sender.finish();
            sent = sender.sent();
        }
        progress.done(sent);
        spec.commandLine().getOut().printf("produced %,d records of model '%s' to %s at %s%n", sent, model, kafka.topic, kafka.bootstrap);
        spec.commandLine().getOut().flush();
        return 0;
    }

    private byte[] encode(double[] x, double y) {
        if (format.equals("json")) {
            final StringBuilder s = new StringBuilder("{\"features\":[");
            for (int j = 0; j < x.length; j++) {
                s.append(j == 0 ? "" : ",").append(Double.toString(x[j]));
            }
            return s.append("],\"target\":").append(Double.toString(y)).append('}').toString().getBytes(StandardCharsets.UTF_8);
        }
        final List<Double> features = new ArrayList<>(x.length);
        for (double v : x) {
            features.add(v);
        }
        return Codecs.encode(Observation.newBuilder().setFeatures(features).setTarget(y).build());
    }
}
