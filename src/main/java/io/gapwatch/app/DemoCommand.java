package io.gapwatch.app;

import io.gapwatch.demo.DemoStream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

/** {@code gapwatch demo}: a generated stream with the seed users' troubles, for the dashboards. */
@Command(name = "demo",
        mixinStandardHelpOptions = true,
        description = {
                "Streams generated records into the observations topic: models 'healthy', 'unscaled' (SGD diverges),",
                "'collinear' (x2 = x1 + 1) and 'drifting', records without a target, and one bad record in 50."})
final class DemoCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin
    ObservationSender.Target kafka;

    @Option(names = "--rate", paramLabel = "N", defaultValue = "200", description = "Records per second; 0: no limit. Default: ${DEFAULT-VALUE}.")
    double rate;

    @Option(names = "--records", paramLabel = "N", defaultValue = "0", description = "Records to send; 0: until stopped. Default: ${DEFAULT-VALUE}.")
    long records;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "1", description = "Seed of the generator. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Override
    public Integer call() throws InterruptedException {
        if (records < 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--records must be >= 0, got " + records);
        }
        final DemoStream stream = new DemoStream(seed);
        try (ObservationSender sender = ObservationSender.open(spec, kafka, rate)) {
            spec.commandLine().getErr().printf("demo: streaming models %s to %s at %s%n", DemoStream.MODELS, kafka.topic, kafka.bootstrap);
            spec.commandLine().getErr().flush();
            while (records == 0 || sender.sent() < records) {
                final DemoStream.Entry entry = stream.next();
                sender.send(entry.key(), entry.value());
            }
            sender.finish();
            spec.commandLine().getOut().printf("produced %,d demo records to %s at %s%n", sender.sent(), kafka.topic, kafka.bootstrap);
        }
        spec.commandLine().getOut().flush();
        return 0;
    }
}
