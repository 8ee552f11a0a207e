package io.gapwatch.app;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code gapwatch run}: the stream processor, until it is stopped. */
@Command(name = "run",
        mixinStandardHelpOptions = true,
        description = {
                "Runs the stream processor: consumes observations, holds every model's learners against the exact fit,",
                "publishes predictions, reports and dead letters, and serves the HTTP API.",
                "With no bootstrap.servers configured it starts an embedded single-node Kafka broker on 127.0.0.1:9092."})
final class RunCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE",
            description = "Properties file (keys in the README); GAPWATCH_* environment variables override it.")
    Path config;

    @Override
    public Integer call() throws Exception {
        final GapwatchConfig settings = GapwatchConfig.load(config, System.getenv());
        final CountDownLatch stopped = new CountDownLatch(1);
        final GapwatchService service = GapwatchService.start(settings, spec.commandLine().getOut());
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            service.close();
            stopped.countDown();
        }, "gapwatch-shutdown"));
        stopped.await();
        return 0;
    }
}
