package clipstream.schema.bench;

import clipstream.schema.Frame;
import clipstream.schema.FrameEncoding;
import clipstream.schema.codec.RecordDecodeException;
import clipstream.schema.codec.RecordDecoder;
import clipstream.schema.codec.RecordEncoder;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import javax.imageio.ImageIO;

/**
 * Encode/decode cost of a {@link Frame} on the wire, per frame, for 64×64 and 112×112 RGB24 and JPEG payloads.
 *
 * <p>Plain timing loop after a warm-up (not JMH): prints a table and writes {@code target/bench/codec.json}.
 * Usage: {@code ./clipstream bench codec [iterations]}.
 */
public final class CodecBenchmark {
    private CodecBenchmark() {
    }

    record Result(String encoding, int size, int bytes, double encodeMicros, double toBytesMicros, double decodeMicros) {
    }

    public static void main(String[] args) throws Exception {
        int iterations = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        List<Result> results = new ArrayList<>();
        for (FrameEncoding encoding : FrameEncoding.values()) {
            for (int size : new int[] {64, 112}) {
                results.add(measure(frame(encoding, size), iterations));
            }
        }
        System.out.printf("%-6s %-8s %9s %14s %14s %14s%n", "enc", "size", "bytes", "encode µs", "toBytes µs", "decode µs");
        for (Result r : results) {
            System.out.printf(Locale.ROOT, "%-6s %-8s %9d %14.2f %14.2f %14.2f%n", r.encoding, r.size + "x" + r.size,
                    r.bytes, r.encodeMicros, r.toBytesMicros, r.decodeMicros);
        }
        Path out = Path.of("target", "bench", "codec.json");
        Files.createDirectories(out.getParent());
        Files.writeString(out, toJson(results, iterations), StandardCharsets.UTF_8);
        System.out.println("wrote " + out.toAbsolutePath());
    }

    static Result measure(Frame frame, int iterations) throws IOException, RecordDecodeException {
        RecordEncoder<Frame> encoder = RecordEncoder.of(Frame.class);
        RecordDecoder<Frame> decoder = RecordDecoder.of(Frame.class);
        ReusedStream stream = new ReusedStream();
        byte[] bytes = encoder.toBytes(frame);
        Frame reuse = decoder.decode(bytes);
        long sink = 0;
        for (int pass = 0; pass < 2; pass++) { // first pass warms up
            long t0 = System.nanoTime();
            for (int i = 0; i < iterations; i++) {
                stream.reset();
                encoder.encode(frame, stream);
                sink += stream.size();
            }
            long t1 = System.nanoTime();
            for (int i = 0; i < iterations; i++) {
                sink += encoder.toBytes(frame).length;
            }
            long t2 = System.nanoTime();
            for (int i = 0; i < iterations; i++) {
                reuse = decoder.decode(bytes, reuse);
                sink += reuse.getSeq();
            }
            long t3 = System.nanoTime();
            if (pass == 1) {
                if (sink == 42) {
                    System.out.println(); // keeps the loops from being optimised away
                }
                return new Result(frame.getEncoding().name(), frame.getWidth(), bytes.length,
                        (t1 - t0) / 1e3 / iterations, (t2 - t1) / 1e3 / iterations, (t3 - t2) / 1e3 / iterations);
            }
        }
        throw new IllegalStateException("unreachable");
    }

    static Frame frame(FrameEncoding encoding, int size) throws IOException {
        BufferedImage image = new BufferedImage(size, size, BufferedImage.TYPE_3BYTE_BGR);
        Random random = new Random(size);
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                int shade = (x * 255 / size) ^ (random.nextInt(32));
                image.setRGB(x, y, (shade << 16) | ((y * 255 / size) << 8) | 96);
            }
        }
        byte[] data;
        if (encoding == FrameEncoding.JPEG) {
            ByteArrayOutputStream jpeg = new ByteArrayOutputStream();
            ImageIO.write(image, "jpg", jpeg);
            data = jpeg.toByteArray();
        } else {
            data = new byte[size * size * 3];
            for (int i = 0, p = 0; p < size * size; p++) {
                int rgb = image.getRGB(p % size, p / size);
                data[i++] = (byte) (rgb >> 16);
                data[i++] = (byte) (rgb >> 8);
                data[i++] = (byte) rgb;
            }
        }
        return Frame.newBuilder().setCameraId("bench-cam").setSeq(1).setCaptureTime(Instant.now())
                .setWidth(size).setHeight(size).setEncoding(encoding).setData(ByteBuffer.wrap(data)).build();
    }

    private static String toJson(List<Result> results, int iterations) {
        StringBuilder json = new StringBuilder();
        json.append("{\n  \"suite\": \"codec\",\n  \"iterations\": ").append(iterations)
                .append(",\n  \"cores\": ").append(Runtime.getRuntime().availableProcessors())
                .append(",\n  \"results\": [\n");
        for (int i = 0; i < results.size(); i++) {
            Result r = results.get(i);
            json.append(String.format(Locale.ROOT,
                    "    {\"encoding\": \"%s\", \"width\": %d, \"height\": %d, \"bytes\": %d, \"encode_us\": %.3f,"
                            + " \"to_bytes_us\": %.3f, \"decode_us\": %.3f}%s%n",
                    r.encoding, r.size, r.size, r.bytes, r.encodeMicros, r.toBytesMicros, r.decodeMicros,
                    i + 1 < results.size() ? "," : ""));
        }
        return json.append("  ]\n}\n").toString();
    }

    /** A stream whose buffer is kept between frames, like a producer's batch buffer. */
    private static final class ReusedStream extends ByteArrayOutputStream {
        ReusedStream() {
            super(1 << 16);
        }
    }
}
