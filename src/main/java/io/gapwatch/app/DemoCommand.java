package io.gapwatch.app;

import io.gapwatch.demo.DemoStream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
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

    @Option(names = "--bootstrap", paramLabel = "HOST:PORT", defaultValue = "localhost:9092",
            description = "Kafka brokers. Default: ${DEFAULT-VALUE} (the processor's embedded broker).")
    String bootstrap;

    @Option(names = "--topic", paramLabel = "TOPIC", defaultValue = "gapwatch-observations", description = "Default: ${DEFAULT-VALUE}.")
    String topic;

    @Option(names = "--rate", paramLabel = "N", defaultValue = "200", description = "Records per second; 0: no limit. Default: ${DEFAULT-VALUE}.")
    double rate;

    @Option(names = "--records", paramLabel = "N", defaultValue = "0", description = "Records to send; 0: until stopped. Default: ${DEFAULT-VALUE}.")
    long records;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "1", description = "Seed of the generator. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Override
    public Integer call() throws InterruptedException {
        if (rate < 0 || !Double.isFinite(rate)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--rate must be >= 0, got " + rate);
        }
        if (records < 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--records must be >= 0, got " + records);
        }
        final DemoStream stream = new DemoStream(seed);
        final ProduceCommand.Pacer pacer = new ProduceCommand.Pacer(rate);
        spec.commandLine().getErr().printf("demo: streaming models %s to %s at %s%n", DemoStream.MODELS, topic, bootstrap);
        spec.commandLine().getErr().flush();
        long sent = 0;
        final ProduceCommand.Deliveries deliveries = new ProduceCommand.Deliveries();
        try (KafkaProducer<String, byte[]> producer = ProduceCommand.producer(bootstrap)) {
            while (records == 0 || sent < records) {
                final DemoStream.Entry entry = stream.next();
                producer.send(new ProducerRecord<>(topic, entry.key(), entry.value()), deliveries);
                sent++;
                pacer.await(sent);
            }
            producer.flush();
        }
        deliveries.check(sent, topic);
        spec.commandLine().getOut().printf("produced %,d demo records to %s at %s%n", sent, topic, bootstrap);
        spec.commandLine().getOut().flush();
        return 0;
    }
}
