package clipstream.bench.micro;

import clipstream.schema.Frame;
import clipstream.schema.FrameEncoding;
import clipstream.schema.codec.RecordDecodeException;
import clipstream.schema.codec.RecordDecoder;
import clipstream.schema.codec.RecordEncoder;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * JMH benchmark of a {@link Frame}'s cost on the wire, per frame: Avro single-object encoding into a reused buffer,
 * into a fresh byte array, and decoding into a reused record, for 64×64 and 112×112 RGB24 and JPEG payloads.
 * Run it through {@link MicroBenchmarks} ({@code ./clipstream bench codec}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class CodecBenchmark {

    /** How the frame's pixels are carried: raw RGB bytes or a JPEG. */
    @Param({"RGB24", "JPEG"})
    public FrameEncoding encoding;

    /** Width and height of the frame, in pixels. */
    @Param({"64", "112"})
    public int size;

    private final RecordEncoder<Frame> encoder = RecordEncoder.of(Frame.class);
    private final RecordDecoder<Frame> decoder = RecordDecoder.of(Frame.class);
    // kept between frames, like a producer's batch buffer
    private final ByteArrayOutputStream stream = new ByteArrayOutputStream(1 << 16);
    private Frame frame;
    private byte[] encoded;
    private Frame reuse;

    @Setup
    public void setUp() throws RecordDecodeException {
        frame = frame(encoding, size);
        encoded = encoder.toBytes(frame);
        reuse = decoder.decode(encoded);
    }

    /** Encodes into a buffer kept between frames. */
    @Benchmark
    public int encode() throws IOException {
        stream.reset();
        encoder.encode(frame, stream);
        return stream.size();
    }

    /** Encodes into a new byte array, as a Kafka serializer does. */
    @Benchmark
    public byte[] toBytes() {
        return encoder.toBytes(frame);
    }

    /** Decodes into a record kept between frames. */
    @Benchmark
    public Frame decode() throws RecordDecodeException {
        reuse = decoder.decode(encoded, reuse);
        return reuse;
    }

    /** Bytes on the wire of the frame the benchmark measures for these parameters. */
    static int encodedBytes(FrameEncoding encoding, int size) {
        return RecordEncoder.of(Frame.class).toBytes(frame(encoding, size)).length;
    }

    /** A size×size frame of a noisy gradient, so that JPEG has some detail to compress. */
    static Frame frame(FrameEncoding encoding, int size) {
        BufferedImage image = new BufferedImage(size, size, BufferedImage.TYPE_3BYTE_BGR);
        Random random = new Random(size);
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                int shade = (x * 255 / size) ^ random.nextInt(32);
                image.setRGB(x, y, (shade << 16) | ((y * 255 / size) << 8) | 96);
            }
        }
        byte[] data;
        if (encoding == FrameEncoding.JPEG) {
            ByteArrayOutputStream jpeg = new ByteArrayOutputStream();
            try {
                ImageIO.write(image, "jpg", jpeg);
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot write a JPEG in memory", e);
            }
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
}
