package clipstream.ingest.bench;

import clipstream.ingest.pacing.Pacing;
import clipstream.ingest.publish.FrameProducers;
import clipstream.ingest.run.CameraSpec;
import clipstream.ingest.run.IngestRunner;
import clipstream.ingest.run.IngestSettings;
import clipstream.ingest.run.IngestSummary;
import clipstream.ingest.source.SourceSpec;
import clipstream.media.synthetic.SyntheticCamera;
import clipstream.media.video.VideoWriter;
import clipstream.schema.Frame;
import clipstream.schema.FrameEncoding;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;

/**
 * Frames per second through the whole ingest path into Kafka (read or generate, encode, serialize, send, wait for
 * acks=all), one camera as fast as possible, for 64×64 and 112×112, RGB24 and JPEG, from a synthetic camera and from
 * a 640×480 MPEG-4 file decoded and scaled by FFmpeg.
 *
 * <p>Prints a table and writes {@code target/bench/ingest.json}. Usage:
 * {@code IngestBenchmark BOOTSTRAP [frames-per-case] [video-file]} (without a video file one is written first).
 * Not a test: run on demand; every case gets a fresh topic.
 */
public final class IngestBenchmark {
    private IngestBenchmark() {
    }

    /** One measured case. */
    public record Result(String source, int size, FrameEncoding encoding, long frames, double seconds,
                         long valueBytes) {
        public double framesPerSecond() {
            return frames / seconds;
        }

        public double megabytesPerSecond() {
            return valueBytes / seconds / 1e6;
        }

        public double bytesPerFrame() {
            return frames == 0 ? 0 : valueBytes / (double) frames;
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("Usage: IngestBenchmark BOOTSTRAP [frames-per-case] [video-file]");
            System.exit(2);
        }
        int frames = args.length > 1 ? Integer.parseInt(args[1]) : 3_000;
        Path video = args.length > 2 ? Path.of(args[2]) : writeFootage(Path.of("target", "bench", "footage-640x480.mp4"));
        List<Result> results = run(args[0], frames, video);
        System.out.print(table(results));
        Path out = Path.of("target", "bench", "ingest.json");
        Files.createDirectories(out.getParent());
        Files.writeString(out, json(results, frames, video), StandardCharsets.UTF_8);
        System.out.println("wrote " + out.toAbsolutePath());
    }

    /** Runs every case against the broker at {@code bootstrap}. */
    public static List<Result> run(String bootstrap, int frames, Path video) throws InterruptedException {
        List<Result> results = new ArrayList<>();
        try (KafkaProducer<String, Frame> producer = FrameProducers.create(FrameProducers.properties(bootstrap,
                Map.of()))) {
            measure(producer, "synthetic", new SourceSpec.Synthetic(Optional.empty(), 1, 64), 64, FrameEncoding.RGB24,
                    Math.min(frames, 500)); // warm-up: JIT, producer metadata, natives
            for (String source : new String[] {"synthetic", "video-640x480"}) {
                SourceSpec spec = source.equals("synthetic") ? new SourceSpec.Synthetic(Optional.empty(), 1, 64)
                        : new SourceSpec.Recording(video.toString(), null);
                for (int size : new int[] {64, 112}) {
                    for (FrameEncoding encoding : FrameEncoding.values()) {
                        results.add(measure(producer, source, spec, size, encoding, frames));
                    }
                }
            }
        }
        return results;
    }

    private static Result measure(KafkaProducer<String, Frame> producer, String name, SourceSpec spec, int size,
                                  FrameEncoding encoding, int frames) throws InterruptedException {
        IngestSettings settings = IngestSettings.defaults("bench-ingest-" + UUID.randomUUID(), size, size)
                .withPacing(Pacing.FAST).withLoop(true).withMaxFrames(frames).withEncoding(encoding, 0.85f);
        IngestRunner runner = new IngestRunner(settings, List.of(new CameraSpec("bench", spec)), producer);
        long start = System.nanoTime();
        runner.start();
        IngestSummary summary = runner.awaitSummary();
        double seconds = (System.nanoTime() - start) / 1e9;
        IngestSummary.CameraResult camera = summary.cameras().get(0);
        if (camera.failure() != null) {
            throw new IllegalStateException("Benchmark case " + name + " failed: " + camera.failure());
        }
        return new Result(name, size, encoding, camera.acked(), seconds, camera.ackedBytes());
    }

    /** 300 frames (12 s at 25 fps) of the synthetic scene at 640×480 in MPEG-4: real footage to decode. */
    static Path writeFootage(Path file) throws IOException {
        if (Files.isRegularFile(file)) {
            return file;
        }
        Files.createDirectories(file.getParent());
        SyntheticCamera camera = new SyntheticCamera(640, 480, Optional.empty(), 50, 7);
        try (VideoWriter writer = VideoWriter.create(file, 640, 480, 25)) {
            for (int i = 0; i < 300; i++) {
                writer.write(camera.frame(i));
            }
        }
        return file;
    }

    static String table(List<Result> results) {
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT, "%-14s %-8s %-6s %8s %10s %10s %10s%n",
                "source", "size", "enc", "frames", "frames/s", "MB/s", "B/frame"));
        for (Result r : results) {
            out.append(String.format(Locale.ROOT, "%-14s %-8s %-6s %8d %10.0f %10.1f %10.0f%n", r.source(),
                    r.size() + "x" + r.size(), r.encoding(), r.frames(), r.framesPerSecond(), r.megabytesPerSecond(),
                    r.bytesPerFrame()));
        }
        return out.toString();
    }

    static String json(List<Result> results, int frames, Path video) {
        StringBuilder out = new StringBuilder("{\n  \"suite\": \"ingest\",\n");
        out.append(String.format(Locale.ROOT, "  \"cores\": %d,%n  \"frames_per_case\": %d,%n  \"video\": \"%s\",%n",
                Runtime.getRuntime().availableProcessors(), frames, video.toString().replace("\\", "\\\\")));
        out.append("  \"results\": [\n");
        for (int i = 0; i < results.size(); i++) {
            Result r = results.get(i);
            out.append(String.format(Locale.ROOT, "    {\"source\": \"%s\", \"width\": %d, \"height\": %d,"
                            + " \"encoding\": \"%s\", \"frames\": %d, \"seconds\": %.3f, \"frames_per_second\": %.1f,"
                            + " \"megabytes_per_second\": %.2f, \"bytes_per_frame\": %.0f}%s%n",
                    r.source(), r.size(), r.size(), r.encoding(), r.frames(), r.seconds(), r.framesPerSecond(),
                    r.megabytesPerSecond(), r.bytesPerFrame(), i < results.size() - 1 ? "," : ""));
        }
        return out.append("  ]\n}\n").toString();
    }
}
