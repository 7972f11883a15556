package clipstream.bench.micro;

import clipstream.schema.FrameEncoding;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ./clipstream bench codec|topk}: runs a suite of JMH micro-benchmarks through JMH's {@link Runner}, prints a
 * table and writes {@code target/bench/<suite>.json}.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "JMH micro-benchmarks; each suite prints a table and writes target/bench/<suite>.json.",
        subcommands = {MicroBenchmarks.Codec.class, MicroBenchmarks.TopK.class})
public final class MicroBenchmarks implements Runnable {

    /** A suite: the JMH benchmark class it runs and the JSON file it writes. */
    public enum Suite {
        CODEC("codec", CodecBenchmark.class),
        TOPK("topk", TopKBenchmark.class);

        private final String id;
        private final Class<?> benchmarks;

        Suite(String id, Class<?> benchmarks) {
            this.id = id;
            this.benchmarks = benchmarks;
        }

        /** The suite's name on the command line and in the JSON. */
        public String id() {
            return id;
        }

        /** JMH's include pattern: every benchmark method of this suite's class, nothing else. */
        String include() {
            return "^" + Pattern.quote(benchmarks.getName() + ".");
        }

        String shortName(BenchmarkParams params) {
            return params.getBenchmark().substring(benchmarks.getName().length() + 1);
        }
    }

    /** How long JMH measures: forked JVMs, warm-up and measured iterations, each iteration's duration. */
    public record Settings(int forks, int warmUpIterations, int iterations, long iterationMillis) {
        public Settings {
            if (forks < 0 || warmUpIterations < 0 || iterations < 1 || iterationMillis < 1) {
                throw new IllegalArgumentException(String.format(Locale.ROOT, "Need forks >= 0, warm-up iterations"
                        + " >= 0, iterations >= 1 and iterations of at least 1 ms; got %d, %d, %d, %d ms", forks,
                        warmUpIterations, iterations, iterationMillis));
            }
        }
    }

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing suite: codec or topk");
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the command line; exit codes: 0 ok, 2 bad usage, 1 a run failed. */
    public static int execute(String... args) {
        CommandLine cli = new CommandLine(new MicroBenchmarks());
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println("bench: " + e);
            return e instanceof IllegalArgumentException ? 2 : 1;
        });
        return cli.execute(args);
    }

    /** Runs a suite's benchmarks with JMH; what JMH prints while it runs depends on {@code verbosity}. */
    public static Collection<RunResult> run(Suite suite, Settings settings, VerboseMode verbosity)
            throws RunnerException {
        return new Runner(new OptionsBuilder()
                .include(suite.include())
                .forks(settings.forks())
                .warmupIterations(settings.warmUpIterations())
                .warmupTime(TimeValue.milliseconds(settings.iterationMillis()))
                .measurementIterations(settings.iterations())
                .measurementTime(TimeValue.milliseconds(settings.iterationMillis()))
                .threads(1)
                .shouldFailOnError(true)
                .verbosity(verbosity)
                .build()).run();
    }

    /**
     * The suite's JSON: run settings, then one entry per benchmark and parameter set ({@code benchmarks}); for the
     * codec suite also one row per frame with every operation's µs side by side ({@code results}).
     */
    public static ObjectNode report(Suite suite, Settings settings, Collection<RunResult> results, Instant time) {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.put("suite", suite.id()).put("time", time.toString())
                .put("cores", Runtime.getRuntime().availableProcessors());
        ObjectNode jmh = json.putObject("jmh");
        jmh.put("mode", "avgt").put("forks", settings.forks()).put("warm_up_iterations", settings.warmUpIterations())
                .put("iterations", settings.iterations()).put("iteration_ms", settings.iterationMillis());
        if (!results.isEmpty()) {
            BenchmarkParams first = results.iterator().next().getParams();
            jmh.put("version", first.getJmhVersion()).put("jdk", first.getJdkVersion())
                    .put("vm", first.getVmName() + " " + first.getVmVersion());
        }
        ArrayNode benchmarks = json.putArray("benchmarks");
        for (RunResult result : results) {
            Result<?> primary = result.getPrimaryResult();
            ObjectNode entry = benchmarks.addObject().put("name", suite.shortName(result.getParams()))
                    .put("benchmark", result.getParams().getBenchmark());
            ObjectNode params = entry.putObject("params");
            params(result.getParams()).forEach((key, value) -> putParam(params, key, value));
            entry.put("score", primary.getScore());
            putFinite(entry, "error", primary.getScoreError());
            entry.put("unit", primary.getScoreUnit()).put("samples", primary.getSampleCount());
        }
        if (suite == Suite.CODEC) {
            json.set("results", codecRows(results));
        }
        return json;
    }

    /**
     * One row per frame (encoding × size), in the shape the hand-timed codec benchmark wrote: bytes on the wire and
     * the µs per frame of each operation, with JMH's 99.9 % confidence half-width next to each.
     */
    private static ArrayNode codecRows(Collection<RunResult> results) {
        Map<String, ObjectNode> rows = new TreeMap<>();
        ArrayNode array = JsonNodeFactory.instance.arrayNode();
        for (RunResult result : results) {
            BenchmarkParams params = result.getParams();
            FrameEncoding encoding = FrameEncoding.valueOf(params.getParam("encoding"));
            int size = Integer.parseInt(params.getParam("size"));
            ObjectNode row = rows.computeIfAbsent(encoding + "/" + size, key -> {
                ObjectNode added = array.addObject().put("encoding", encoding.name()).put("width", size)
                        .put("height", size).put("bytes", CodecBenchmark.encodedBytes(encoding, size));
                // the old file's order, whatever order JMH ran them in
                for (String field : List.of("encode_us", "to_bytes_us", "decode_us", "encode_error_us",
                        "to_bytes_error_us", "decode_error_us")) {
                    added.putNull(field);
                }
                return added;
            });
            String field = switch (Suite.CODEC.shortName(params)) {
                case "encode" -> "encode";
                case "toBytes" -> "to_bytes";
                case "decode" -> "decode";
                default -> throw new IllegalStateException("Unknown codec benchmark " + params.getBenchmark());
            };
            row.put(field + "_us", result.getPrimaryResult().getScore());
            putFinite(row, field + "_error_us", result.getPrimaryResult().getScoreError());
        }
        return array;
    }

    /** The table printed after a run: one line per benchmark and parameter set. */
    public static String table(Suite suite, Collection<RunResult> results) {
        List<String> keys = results.isEmpty() ? List.of()
                : new ArrayList<>(params(results.iterator().next().getParams()).keySet());
        StringBuilder header = new StringBuilder(String.format(Locale.ROOT, "%-10s", "benchmark"));
        keys.forEach(key -> header.append(String.format(Locale.ROOT, " %9s", key)));
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT, "%n%s %12s %10s  %s%n", header, "score",
                "± error", "unit"));
        for (RunResult result : results) {
            Result<?> primary = result.getPrimaryResult();
            out.append(String.format(Locale.ROOT, "%-10s", suite.shortName(result.getParams())));
            Map<String, String> params = params(result.getParams());
            keys.forEach(key -> out.append(String.format(Locale.ROOT, " %9s", params.get(key))));
            double error = primary.getScoreError();
            out.append(String.format(Locale.ROOT, " %12.3f %10s  %s%n", primary.getScore(),
                    Double.isFinite(error) ? String.format(Locale.ROOT, "%.3f", error) : "n/a",
                    primary.getScoreUnit()));
        }
        return out.toString();
    }

    /** Writes the JSON, indented, creating its folder. */
    public static Path write(ObjectNode json, Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), json);
        return file;
    }

    private static Map<String, String> params(BenchmarkParams params) {
        Map<String, String> values = new LinkedHashMap<>();
        for (String key : params.getParamsKeys()) {
            values.put(key, params.getParam(key));
        }
        return values;
    }

    private static void putParam(ObjectNode params, String key, String value) {
        try {
            params.put(key, Long.parseLong(value));
        } catch (NumberFormatException notANumber) {
            params.put(key, value);
        }
    }

    // JMH's error is NaN when there are too few samples for a confidence interval; JSON has no NaN.
    private static void putFinite(ObjectNode node, String field, double value) {
        if (Double.isFinite(value)) {
            node.put(field, value);
        } else {
            node.putNull(field);
        }
    }

    /** The options every suite takes; {@code --quick} changes the defaults of those not given. */
    static final class RunOptions {
        @Option(names = "--quick", description = "Tiny run: 1 fork, 1 warm-up and 2 measured iterations of 200 ms."
                + " A check that the suite works, not a measurement.")
        boolean quick;

        @Option(names = "--forks", paramLabel = "N", description = "Fresh JVMs per benchmark; 0 runs in this JVM"
                + " (default: 1).")
        Integer forks;

        @Option(names = "--warm-up-iterations", paramLabel = "N", description = "Default: 3 (--quick: 1).")
        Integer warmUpIterations;

        @Option(names = "--iterations", paramLabel = "N", description = "Measured iterations (default: 5, --quick: 2).")
        Integer iterations;

        @Option(names = "--iteration-ms", paramLabel = "MS", description = "Duration of each warm-up and measured"
                + " iteration (default: 1000, --quick: 200).")
        Long iterationMillis;

        @Option(names = "--jmh-output", defaultValue = "NORMAL", paramLabel = "MODE",
                description = "What JMH prints while it runs: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
        VerboseMode jmhOutput;

        @Option(names = "--out", defaultValue = "target/bench", paramLabel = "DIR", description = "Default: ${DEFAULT-VALUE}.")
        Path out;

        Settings settings() {
            return new Settings(forks != null ? forks : 1,
                    warmUpIterations != null ? warmUpIterations : quick ? 1 : 3,
                    iterations != null ? iterations : quick ? 2 : 5,
                    iterationMillis != null ? iterationMillis : quick ? 200 : 1000);
        }

        int run(Suite suite, PrintWriter out) throws RunnerException, IOException {
            Settings settings = settings();
            Instant start = Instant.now();
            Collection<RunResult> results = MicroBenchmarks.run(suite, settings, jmhOutput);
            out.print(table(suite, results));
            Path file = write(report(suite, settings, results, start), this.out.resolve(suite.id() + ".json"));
            out.println("wrote " + file.toAbsolutePath());
            out.flush();
            return 0;
        }
    }

    @Command(name = "codec", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Avro single-object encoding of a Frame, per frame, 64x64 and 112x112, RGB24 and JPEG:"
                    + " encode into a reused buffer, toBytes (a new array), decode into a reused record (JMH, average"
                    + " time, µs). Writes codec.json."})
    static final class Codec implements Callable<Integer> {
        @Mixin
        RunOptions options;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws RunnerException, IOException {
            return options.run(Suite.CODEC, spec.commandLine().getOut());
        }
    }

    @Command(name = "topk", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"The classifier's top-k selection (ClipClassifier.bestFirst) per clip, 10 and 101 classes,"
                    + " k = 3 and 5 (JMH, average time, ns). Writes topk.json."})
    static final class TopK implements Callable<Integer> {
        @Mixin
        RunOptions options;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws RunnerException, IOException {
            return options.run(Suite.TOPK, spec.commandLine().getOut());
        }
    }
}
