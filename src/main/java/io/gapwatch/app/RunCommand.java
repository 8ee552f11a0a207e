package io.gapwatch.app;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

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

    /**
     * Runs until the process is told to stop (exit 0), or until the instance can no longer work —
     * Kafka Streams failed, or the cluster stayed unreachable — when it says why in one line and
     * exits 1, so that a supervisor (docker-compose's restart policy, systemd, Kubernetes) restarts
     * it rather than leaving it up answering /health with an error.
     */
    @Override
    public Integer call() throws Exception {
        final GapwatchConfig settings = GapwatchConfig.load(config, System.getenv());
        final GapwatchService service = GapwatchService.start(settings, spec.commandLine().getOut());
        final java.util.concurrent.CompletableFuture<Boolean> stopped = new java.util.concurrent.CompletableFuture<>();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stopped.complete(true);
            service.close();
        }, "gapwatch-shutdown"));
        final Object ended = java.util.concurrent.CompletableFuture.anyOf(stopped, service.failure()).get();
        if (ended instanceof Throwable cause) {
            spec.commandLine().getErr().println("gapwatch run: stopping, the instance cannot work: " + cause);
            spec.commandLine().getErr().flush();
            return OneLineErrors.FAILED;
        }
        return 0;
    }
}
