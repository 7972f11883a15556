package clipstream.bench;

import clipstream.ingest.pacing.Pacing;
import clipstream.ingest.publish.FrameProducers;
import clipstream.ingest.run.CameraSpec;
import clipstream.ingest.run.IngestRunner;
import clipstream.ingest.run.IngestSettings;
import clipstream.ingest.run.IngestSummary;
import clipstream.ingest.source.SourceSpec;
import clipstream.kafka.embedded.EmbeddedKafka;
import clipstream.schema.Frame;
import clipstream.schema.FrameEncoding;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.producer.KafkaProducer;

/**
 * {@code bench ingest}: frames/s and bytes/s through the real ingest path (generate or decode, encode, Avro, send,
 * acks=all) into the embedded broker, one camera as fast as it goes, for 64×64 and 112×112, RGB24 and JPEG; from a
 * synthetic camera and, with {@code --video FILE}, from real footage decoded and scaled by FFmpeg.
 */
final class IngestSuite {

    record Sizes(int frames, List<Integer> sizes, Optional<Path> video) {
    }

    record Result(String source, int size, FrameEncoding encoding, long frames, double seconds, long bytes) {
        double framesPerSecond() {
            return frames / seconds;
        }

        double megabytesPerSecond() {
            return bytes / seconds / 1e6;
        }
    }

    private final Sizes sizes;
    private final Path outDir;
    private final PrintStream out;

    IngestSuite(Sizes sizes, Path outDir, PrintStream out) {
        this.sizes = sizes;
        this.outDir = outDir;
        this.out = out;
    }

    ObjectNode run() throws Exception {
        ObjectNode json = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        json.put("suite", "ingest").put("time", java.time.Instant.now().toString()).put("cores", BenchOptions.cores())
                .put("load_average_1m", java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                        .getSystemLoadAverage()).put("frames_per_case", sizes.frames());
        sizes.video().ifPresent(v -> json.put("video", v.toString()));
        List<Result> results = new ArrayList<>();
        try (EmbeddedKafka kafka = EmbeddedKafka.start();
             KafkaProducer<String, Frame> producer = FrameProducers.create(
                     FrameProducers.properties(kafka.bootstrapServers(), Map.of()))) {
            SourceSpec synthetic = new SourceSpec.Synthetic(Optional.empty(), 1, 64);
            measure(kafka, producer, "warm-up", synthetic, 64, FrameEncoding.RGB24, Math.min(500, sizes.frames()), 0);
            int topic = 1;
            List<String> sources = new ArrayList<>(List.of("synthetic"));
            sizes.video().ifPresent(v -> sources.add("video"));
            for (String source : sources) {
                SourceSpec spec = source.equals("synthetic") ? synthetic
                        : new SourceSpec.Recording(sizes.video().orElseThrow().toString(), null);
                for (int size : sizes.sizes()) {
                    for (FrameEncoding encoding : FrameEncoding.values()) {
                        results.add(measure(kafka, producer, source, spec, size, encoding, sizes.frames(), topic++));
                    }
                }
            }
        }
        StringBuilder table = new StringBuilder(String.format(Locale.ROOT, "%n%-10s %-8s %-6s %8s %10s %10s %10s%n",
                "source", "size", "enc", "frames", "frames/s", "MB/s", "B/frame"));
        ArrayNode rows = json.putArray("results");
        for (Result r : results) {
            table.append(String.format(Locale.ROOT, "%-10s %-8s %-6s %8d %10.0f %10.2f %10.0f%n", r.source(),
                    r.size() + "x" + r.size(), r.encoding(), r.frames(), r.framesPerSecond(), r.megabytesPerSecond(),
                    r.frames() == 0 ? 0 : (double) r.bytes() / r.frames()));
            rows.addObject().put("source", r.source()).put("width", r.size()).put("height", r.size())
                    .put("encoding", r.encoding().name()).put("frames", r.frames()).put("seconds", r.seconds())
                    .put("frames_per_s", r.framesPerSecond()).put("bytes_per_s", r.bytes() / r.seconds())
                    .put("bytes_per_frame", r.frames() == 0 ? 0 : (double) r.bytes() / r.frames());
        }
        out.print(table);
        Path written = Reports.write(json, outDir.resolve("ingest.json"));
        out.println("wrote " + written.toAbsolutePath());
        return json;
    }

    private static Result measure(EmbeddedKafka kafka, KafkaProducer<String, Frame> producer, String name,
                                  SourceSpec spec, int size, FrameEncoding encoding, int frames, int topicNumber)
            throws InterruptedException {
        String topic = "ingest-" + topicNumber;
        kafka.createTopics(Map.of(topic, 1));
        IngestSettings settings = IngestSettings.defaults(topic, size, size).withPacing(Pacing.FAST).withLoop(true)
                .withMaxFrames(frames).withEncoding(encoding, 0.85f);
        IngestRunner runner = new IngestRunner(settings, List.of(new CameraSpec("bench", spec)), producer);
        long start = System.nanoTime();
        runner.start();
        IngestSummary summary = runner.awaitSummary();
        double seconds = (System.nanoTime() - start) / 1e9;
        IngestSummary.CameraResult camera = summary.cameras().get(0);
        if (camera.failure() != null) {
            throw new IllegalStateException("ingest case " + name + " " + size + " " + encoding + " failed: "
                    + camera.failure());
        }
        return new Result(name, size, encoding, camera.acked(), seconds, camera.ackedBytes());
    }
}
