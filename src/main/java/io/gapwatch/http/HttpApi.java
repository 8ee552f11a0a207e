package io.gapwatch.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.gapwatch.avro.HistoryPoint;
import io.gapwatch.avro.LearnerPoint;
import io.gapwatch.engine.diagnostics.Diagnostics;
import io.gapwatch.engine.diagnostics.ExternalWeights;
import io.gapwatch.report.AvroJson;
import io.gapwatch.report.ReportJson;
import io.gapwatch.report.WebAssets;
import io.gapwatch.report.WeightsJson;
import io.gapwatch.stream.ModelStore;
import io.gapwatch.stream.StreamSettings;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The HTTP API, one port, loopback by default. Nothing it serves changes any state:
 * <ul>
 *   <li>{@code GET /}: the page listing the models (web/index.html), and {@code /web/NAME} its
 *       scripts and styles, served from the jar;</li>
 *   <li>{@code GET /models}: every model id with the instance that holds it (this one asks the
 *       others), its records, exact R², worst learner's R² gap and open findings as of its last report;</li>
 *   <li>{@code GET /models/ID}: for a browser (Accept: text/html first), the model's live page; for
 *       anything else the same JSON object {@code replay --json} writes, rebuilt from the local
 *       stores (interactive queries) or fetched from the instance that holds the model;</li>
 *   <li>{@code GET /models/ID/history}: {@code {"points": [...]}}, the model's report points, oldest first;</li>
 *   <li>{@code POST /models/ID/evaluate}: the weights in the body ({@link WeightsJson}, at most
 *       {@link WeightsJson#MAX_BODY_BYTES} bytes) judged against that model's exact fit as it stands
 *       (schemas/WeightsJudgement.avsc), the model found as for {@code GET /models/ID} and left
 *       unchanged; 400 for a body that is not the weights' JSON, 413 for one too large, 422 for
 *       weights that do not fit the model (dimension, intercept) or are not finite, 404 for an
 *       unknown model, each with one line {@code {"error": "…"}};</li>
 *   <li>{@code GET /health}: the Kafka Streams state, 200 while running or rebalancing, else 503;</li>
 *   <li>{@code GET /metrics}: whatever handler is registered for it (the Prometheus scrape).</li>
 * </ul>
 */
public final class HttpApi implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HttpApi.class);
    private static final String JSON = "application/json; charset=utf-8";
    private static final String EVALUATE = "/evaluate";
    /** How much of a body too large is read and dropped before answering 413; beyond it the connection closes. */
    private static final long DISCARDED_BYTES_MAX = 64L << 20;
    /** The name of posted weights without one. */
    static final String DEFAULT_WEIGHTS_NAME = "weights";

    private final HttpServer server;
    private final ExecutorService executor;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Map<String, Handler> extra = new ConcurrentHashMap<>();
    private volatile KafkaStreams streams;
    private volatile int window = 1000;
    private volatile io.gapwatch.stream.ModelReader reader;

    /** A registered GET handler: given the request's Accept header (may be null), returns the body and its content type. */
    public interface Handler {
        Response handle(String accept) throws IOException;
    }

    public record Response(int status, String contentType, byte[] body) {
    }

    private HttpApi(HttpServer server) {
        this.server = server;
        this.executor = Executors.newFixedThreadPool(2, runnable -> {
            final Thread thread = new Thread(runnable, "gapwatch-http");
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(executor);
        server.createContext("/", this::dispatch);
    }

    /** Binds the port (0: a free one) before Kafka Streams starts, so its address can be advertised for interactive queries. */
    public static HttpApi bind(String host, int port) throws IOException {
        return new HttpApi(HttpServer.create(new InetSocketAddress(host, port), 0));
    }

    public void start(KafkaStreams streams, int window, io.gapwatch.stream.ModelReader reader) {
        this.streams = streams;
        this.window = window;
        this.reader = reader;
        server.start();
    }

    public void register(String path, Handler handler) {
        extra.put(path, handler);
    }

    public String host() {
        return server.getAddress().getHostString();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private void dispatch(HttpExchange exchange) throws IOException {
        try (exchange) {
            final String path = exchange.getRequestURI().getRawPath();
            final String query = exchange.getRequestURI().getRawQuery();
            final boolean local = query != null && query.contains("scope=local");
            final boolean evaluate = path.startsWith("/models/") && path.endsWith(EVALUATE)
                    && path.length() > "/models/".length() + EVALUATE.length();
            final String allowed = evaluate ? "POST" : "GET";
            if (!allowed.equals(exchange.getRequestMethod())) {
                exchange.getResponseHeaders().set("Allow", allowed);
                send(exchange, new Response(405, JSON, error(evaluate
                        ? "only POST is served here: the body is the weights to judge, {\"name\": …, \"intercept\": b, \"weights\": [w1, …, wd]}"
                        : "only GET is served here (POST goes to /models/ID/evaluate)")));
                return;
            }
            final String accept = exchange.getRequestHeaders().getFirst("Accept");
            final Response response;
            if (evaluate) {
                response = evaluate(decode(path.substring("/models/".length(), path.length() - EVALUATE.length())), exchange, local);
            } else if (extra.containsKey(path)) {
                response = extra.get(path).handle(accept);
            } else if (path.equals("/") || path.equals("/index.html")) {
                response = asset("index.html");
            } else if (path.startsWith("/web/")) {
                response = asset(path.substring("/web/".length()));
            } else if (path.equals("/health")) {
                response = health();
            } else if (path.equals("/models") || path.equals("/models/")) {
                response = models(local);
            } else if (path.startsWith("/models/")) {
                // the id is split off the raw path before decoding, so an id with '/' (sent as %2F) stays one id
                final String rest = path.substring("/models/".length());
                if (rest.endsWith(HISTORY)) {
                    response = history(decode(rest.substring(0, rest.length() - HISTORY.length())), local);
                } else if (wantsPage(accept)) {
                    response = asset("model.html");
                } else {
                    response = model(decode(rest), local);
                }
            } else {
                response = new Response(404, JSON, error("no such resource: " + path
                        + " (try /, /models, /models/ID, /models/ID/history, /health, /metrics)"));
            }
            send(exchange, response);
        } catch (RuntimeException e) {
            LOG.warn("HTTP {} failed", exchange.getRequestURI(), e);
            send(exchange, new Response(500, JSON, error(e.toString())));
        }
    }

    private static final String HISTORY = "/history";

    private static String decode(String raw) {
        return URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8); // a path's '+' is a plus, not a space
    }

    private static String encode(String id) {
        return URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** A browser asks for HTML first; fetch(), curl and other programs get the JSON they always did. */
    static boolean wantsPage(String accept) {
        if (accept == null) {
            return false;
        }
        final int html = accept.indexOf("text/html");
        final int json = accept.indexOf("application/json");
        return html >= 0 && (json < 0 || html < json);
    }

    private static Response asset(String name) {
        return WebAssets.get(name)
                .map(a -> new Response(200, a.contentType(), a.bytes()))
                .orElseGet(() -> new Response(404, JSON, error("no such page asset: " + name)));
    }

    private Response health() {
        final KafkaStreams s = streams;
        final KafkaStreams.State state = s == null ? KafkaStreams.State.CREATED : s.state();
        final ObjectNode node = ReportJson.mapper().createObjectNode();
        node.put("status", state.name());
        final boolean up = state == KafkaStreams.State.RUNNING || state == KafkaStreams.State.REBALANCING;
        return new Response(up ? 200 : 503, JSON, bytes(node));
    }

    private Response models(boolean localOnly) throws IOException {
        final ArrayNode list = ReportJson.mapper().createArrayNode();
        final HostInfo self = new HostInfo(host(), port());
        try {
            for (String id : reader.ids(streams)) {
                final ObjectNode entry = list.addObject();
                entry.put("id", id);
                entry.put("instance", self.host() + ":" + self.port());
                summarize(entry, reader.records(streams, id), reader.latest(streams, id));
            }
        } catch (InvalidStateStoreException e) {
            return unavailable(e);
        }
        if (!localOnly) {
            for (StreamsMetadata metadata : streams.metadataForAllStreamsClients()) {
                final HostInfo other = metadata.hostInfo();
                if (other.equals(self)) {
                    continue;
                }
                final HttpResponse<byte[]> remote = fetch(other, "/models?scope=local", null);
                if (remote != null && remote.statusCode() == 200) {
                    list.addAll((ArrayNode) ReportJson.mapper().readTree(remote.body()));
                }
            }
        }
        return new Response(200, JSON, bytes(list));
    }

    /**
     * The list's numbers for one model, from its latest history point (its last report): nothing
     * is computed per listed model, so a list of thousands stays quick. Null before a first report.
     */
    private static void summarize(ObjectNode entry, long records, HistoryPoint latest) {
        if (records >= 0) {
            entry.put("records", records); // now; the numbers below are those of the last report
        } else {
            entry.putNull("records");
        }
        if (latest == null) {
            entry.putNull("reported_records");
            entry.putNull("exact_r2");
            entry.putNull("worst_r2_gap");
            entry.putNull("findings");
            return;
        }
        entry.put("reported_records", latest.getRecords());
        putNumber(entry, "exact_r2", latest.getExact().getR2());
        double worst = Double.NaN; // no learners, or none with a gap yet
        for (LearnerPoint learner : latest.getLearners().values()) {
            // a learner that blew up is the worst there is
            final double gap = learner.getDiverged() ? Double.POSITIVE_INFINITY : learner.getR2Gap();
            if (!Double.isNaN(gap) && (Double.isNaN(worst) || gap > worst)) {
                worst = gap;
            }
        }
        putNumber(entry, "worst_r2_gap", worst);
        final ArrayNode findings = entry.putArray("findings");
        latest.getFindings().forEach(f -> findings.add(f.toString()));
    }

    // NaN and ±Infinity as strings, as the rest of the API writes them
    private static void putNumber(ObjectNode entry, String name, double value) {
        if (Double.isFinite(value)) {
            entry.put(name, value);
        } else {
            entry.put(name, Double.toString(value));
        }
    }

    /**
     * The model's answer from the instance that holds it (the same request, body included), or null
     * when that is this one, or the request asked for this instance's answer.
     */
    private Response fromOwner(String id, String suffix, boolean localOnly, byte[] body) {
        if (localOnly) {
            return null;
        }
        final KeyQueryMetadata owner = streams.queryMetadataForKey(StreamSettings.SNAPSHOTS_STORE, id, new StringSerializer());
        final HostInfo self = new HostInfo(host(), port());
        if (owner == null || owner == KeyQueryMetadata.NOT_AVAILABLE || owner.activeHost().equals(self)) {
            return null;
        }
        final HttpResponse<byte[]> remote = fetch(owner.activeHost(), "/models/" + encode(id) + suffix + "?scope=local", body);
        if (remote == null) {
            return new Response(502, JSON, error("instance " + owner.activeHost() + " holds model '" + id + "' but did not answer"));
        }
        return new Response(remote.statusCode(), JSON, remote.body());
    }

    /** {"points": [HistoryPoint…]}, oldest first: what the model's page draws over records. */
    private Response history(String id, boolean localOnly) throws IOException {
        final Response remote = fromOwner(id, HISTORY, localOnly, null);
        if (remote != null) {
            return remote;
        }
        final java.util.List<HistoryPoint> points;
        try {
            points = reader.history(streams, id);
            if (points.isEmpty() && !reader.exists(streams, id)) {
                return new Response(404, JSON, error("no model '" + id + "' here"));
            }
        } catch (InvalidStateStoreException e) {
            return unavailable(e);
        }
        final ObjectNode node = ReportJson.mapper().createObjectNode();
        final ArrayNode array = node.putArray("points");
        points.forEach(p -> array.add(AvroJson.render(p)));
        return new Response(200, JSON, bytes(node));
    }

    private Response model(String id, boolean localOnly) throws IOException {
        final Response remote = fromOwner(id, "", localOnly, null);
        if (remote != null) {
            return remote;
        }
        final Local local = local(id);
        if (local.model() == null) {
            return local.problem();
        }
        return new Response(200, JSON, bytes(ReportJson.summary(id, null, window,
                Diagnostics.report(local.model(), reader.external(streams, id)))));
    }

    /** A model read from this instance's stores, or the answer saying why not (404, 503). */
    private record Local(io.gapwatch.engine.Model model, Response problem) {
    }

    private Local local(String id) {
        try {
            final io.gapwatch.engine.Model model = reader.read(streams, id);
            return model != null ? new Local(model, null)
                    : new Local(null, new Response(404, JSON, error("no model '" + id + "' here")));
        } catch (InvalidStateStoreException e) {
            return new Local(null, unavailable(e));
        }
    }

    /*
     * POST /models/ID/evaluate: the body's weights against the model's exact fit as it stands. The
     * model is read exactly as GET /models/ID reads it — from this instance's stores, whether or
     * not its processor still caches it, or from the instance that holds it — and only read.
     */
    private Response evaluate(String id, HttpExchange exchange, boolean localOnly) throws IOException {
        final byte[] body = readBody(exchange);
        if (body == null) {
            return new Response(413, JSON, error(String.format(java.util.Locale.ROOT,
                    "the body is larger than %,d bytes (1 MiB), the most taken", WeightsJson.MAX_BODY_BYTES)));
        }
        final ExternalWeights weights;
        try {
            weights = WeightsJson.parse(body, DEFAULT_WEIGHTS_NAME);
        } catch (WeightsJson.Invalid e) {
            return new Response(e.malformed() ? 400 : 422, JSON, error("the body: " + e.getMessage()));
        }
        final Response remote = fromOwner(id, EVALUATE, localOnly, body);
        if (remote != null) {
            return remote;
        }
        final Local local = local(id);
        if (local.model() == null) {
            return local.problem();
        }
        final io.gapwatch.engine.Model model = local.model();
        final Diagnostics.Judgement judgement;
        try {
            judgement = Diagnostics.judge(model, weights);
        } catch (IllegalArgumentException e) {
            return new Response(422, JSON, error("model '" + id + "': " + e.getMessage()));
        }
        return new Response(200, JSON, bytes(ReportJson.judgement(id, judgement)));
    }

    /**
     * The body, or null when it is larger than {@link WeightsJson#MAX_BODY_BYTES}. The rest of a
     * body too large is read and dropped, up to {@link #DISCARDED_BYTES_MAX}, so that the client,
     * still sending, gets the 413 rather than a reset connection; memory holds 1 MiB at most.
     */
    private static byte[] readBody(HttpExchange exchange) throws IOException {
        try (java.io.InputStream in = exchange.getRequestBody()) {
            final byte[] body = in.readNBytes(WeightsJson.MAX_BODY_BYTES + 1);
            if (body.length <= WeightsJson.MAX_BODY_BYTES) {
                return body;
            }
            final byte[] sink = new byte[64 * 1024];
            long discarded = 0;
            for (int n; discarded < DISCARDED_BYTES_MAX && (n = in.read(sink)) >= 0; ) {
                discarded += n;
            }
            return null;
        }
    }

    /** GET, or POST of {@code body} when there is one, on another instance; null when it does not answer. */
    private HttpResponse<byte[]> fetch(HostInfo host, String pathAndQuery, byte[] body) {
        final HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://" + host.host() + ":" + host.port() + pathAndQuery))
                .timeout(Duration.ofSeconds(30));
        if (body != null) {
            request.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body));
        }
        try {
            return client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            LOG.warn("instance {} did not answer {}: {}", host, pathAndQuery, e.toString());
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private static Response unavailable(InvalidStateStoreException e) {
        return new Response(503, JSON, error("state not queryable right now (" + e.getMessage() + "); retry shortly"));
    }

    private static byte[] error(String message) {
        final ObjectNode node = ReportJson.mapper().createObjectNode();
        node.put("error", message);
        return bytes(node);
    }

    private static byte[] bytes(com.fasterxml.jackson.databind.JsonNode node) {
        try {
            return ReportJson.mapper().writeValueAsBytes(node);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void send(HttpExchange exchange, Response response) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", response.contentType());
        exchange.sendResponseHeaders(response.status(), response.body().length == 0 ? -1 : response.body().length);
        if (response.body().length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(response.body());
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
        if (reader != null) {
            reader.close();
        }
    }
}
