package clipstream.job.functions;

import static org.assertj.core.api.Assertions.assertThat;

import clipstream.job.config.CaptureTimeWindow;
import clipstream.job.frames.FrameSize;
import clipstream.job.records.FrameDeadLetters;
import clipstream.job.records.RawRecord;
import clipstream.job.records.ValidatedFrame;
import clipstream.schema.DeadLetter;
import clipstream.schema.DeadLetterReason;
import clipstream.schema.Frame;
import clipstream.schema.FrameEncoding;
import clipstream.schema.codec.RecordEncoder;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FrameValidatorTest {
    private static final FrameSize MODEL_SIZE = new FrameSize(4, 4);
    private static final int MAX_FRAME_BYTES = 64 * 64 * 3;
    private static final long T0 = 1_700_000_000_000L;
    private static final RecordEncoder<Frame> ENCODER = RecordEncoder.of(Frame.class);
    /** The fixed form a truncated key or value is described in at the end of a letter's message. */
    private static final Pattern TRUNCATED = Pattern.compile(
            "\\[(key|value) truncated: (\\d+) bytes, sha256 ([0-9a-f]{64}); \\1 holds the first (\\d+)]");

    private OneInputStreamOperatorTestHarness<RawRecord, ValidatedFrame> harness;
    private long offset;

    @BeforeEach
    void open() throws Exception {
        harness = ProcessFunctionTestHarnesses.forProcessFunction(
                new FrameValidator(MODEL_SIZE, MAX_FRAME_BYTES, CaptureTimeWindow.DEFAULT));
        harness.setProcessingTime(T0 + 1_000); // the frames were captured a second ago
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    private static Frame frame(String camera, int width, int height, FrameEncoding encoding, byte[] data) {
        return Frame.newBuilder().setCameraId(camera).setSeq(7).setCaptureTime(Instant.ofEpochMilli(T0))
                .setWidth(width).setHeight(height).setEncoding(encoding).setData(ByteBuffer.wrap(data)).build();
    }

    private static byte[] rgb(int width, int height, int r, int g, int b) {
        byte[] data = new byte[width * height * 3];
        for (int i = 0; i < data.length; i += 3) {
            data[i] = (byte) r;
            data[i + 1] = (byte) g;
            data[i + 2] = (byte) b;
        }
        return data;
    }

    /** {@code jpeg} with the size in its baseline frame header (SOF0) replaced: the pixels stay as they are. */
    private static byte[] withHeaderSize(byte[] jpeg, int width, int height) {
        byte[] patched = jpeg.clone();
        for (int i = 0; i + 8 < patched.length; i++) {
            if ((patched[i] & 0xff) == 0xff && (patched[i + 1] & 0xff) == 0xc0) {
                patched[i + 5] = (byte) (height >> 8);
                patched[i + 6] = (byte) height;
                patched[i + 7] = (byte) (width >> 8);
                patched[i + 8] = (byte) width;
                return patched;
            }
        }
        throw new AssertionError("no SOF0 marker in the test JPEG");
    }

    private static byte[] jpeg(int width, int height, Color color) throws Exception {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = image.createGraphics();
        g.setColor(color);
        g.fillRect(0, 0, width, height);
        g.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "jpeg", out);
        return out.toByteArray();
    }

    private RawRecord send(byte[] value) throws Exception {
        return send("cam-1".getBytes(StandardCharsets.UTF_8), value);
    }

    private RawRecord send(byte[] key, byte[] value) throws Exception {
        RawRecord record = new RawRecord("frames", 3, offset++, T0, key, value);
        harness.processElement(new StreamRecord<>(record, T0));
        return record;
    }

    private RawRecord send(Frame frame) throws Exception {
        return send(ENCODER.toBytes(frame));
    }

    private List<DeadLetter> deadLetters() {
        var side = harness.getSideOutput(FrameDeadLetters.OUTPUT);
        return side == null ? List.of() : side.stream().map(StreamRecord::getValue).toList();
    }

    private DeadLetterReason onlyReason() {
        assertThat(harness.extractOutputValues()).isEmpty();
        assertThat(deadLetters()).hasSize(1);
        return deadLetters().get(0).getReason();
    }

    @Test
    void rgbFrameOfTheModelSizePassesUnchanged() throws Exception {
        byte[] pixels = rgb(4, 4, 10, 20, 30);
        send(frame("cam-1", 4, 4, FrameEncoding.RGB24, pixels));

        assertThat(deadLetters()).isEmpty();
        ValidatedFrame frame = harness.extractOutputValues().get(0);
        assertThat(frame.cameraId()).isEqualTo("cam-1");
        assertThat(frame.seq()).isEqualTo(7);
        assertThat(frame.captureTime()).isEqualTo(T0);
        assertThat(frame.pixels()).containsExactly(pixels);
        assertThat(frame.sourcePartition()).isEqualTo(3);
    }

    @Test
    void largerRgbFrameIsResizedToTheModelSizeKeepingItsColour() throws Exception {
        send(frame("cam-1", 16, 12, FrameEncoding.RGB24, rgb(16, 12, 200, 100, 50)));

        byte[] pixels = harness.extractOutputValues().get(0).pixels();
        assertThat(pixels).hasSize(MODEL_SIZE.rgbBytes()).containsExactly(rgb(4, 4, 200, 100, 50));
    }

    @Test
    void jpegFrameIsDecodedAndResized() throws Exception {
        send(frame("cam-1", 32, 24, FrameEncoding.JPEG, jpeg(32, 24, new Color(220, 40, 40))));

        byte[] pixels = harness.extractOutputValues().get(0).pixels();
        assertThat(pixels).hasSize(MODEL_SIZE.rgbBytes());
        for (int i = 0; i < pixels.length; i += 3) {
            assertThat(Byte.toUnsignedInt(pixels[i])).isBetween(200, 240);
            assertThat(Byte.toUnsignedInt(pixels[i + 1])).isBetween(20, 60);
            assertThat(Byte.toUnsignedInt(pixels[i + 2])).isBetween(20, 60);
        }
    }

    @Test
    void bytesThatAreNotAFrameAreUndecodable() throws Exception {
        RawRecord record = send("hello, not avro".getBytes(StandardCharsets.UTF_8));

        assertThat(onlyReason()).isEqualTo(DeadLetterReason.UNDECODABLE);
        DeadLetter letter = deadLetters().get(0);
        assertThat(letter.getValue()).isEqualTo(ByteBuffer.wrap(record.value()));
        assertThat(letter.getKey()).isEqualTo(ByteBuffer.wrap(record.key()));
        assertThat(letter.getSourceTopic()).isEqualTo("frames");
        assertThat(letter.getSourcePartition()).isEqualTo(3);
        assertThat(letter.getSourceOffset()).isEqualTo(record.offset());
    }

    @Test
    void emptyAndTruncatedRecordsAreUndecodable() throws Exception {
        byte[] whole = ENCODER.toBytes(frame("cam-1", 4, 4, FrameEncoding.RGB24, rgb(4, 4, 1, 2, 3)));
        send(new byte[0]);
        send(Arrays.copyOf(whole, whole.length - 5));
        send((byte[]) null);

        assertThat(harness.extractOutputValues()).isEmpty();
        assertThat(deadLetters()).extracting(DeadLetter::getReason).containsOnly(DeadLetterReason.UNDECODABLE)
                .hasSize(3);
    }

    @Test
    void unknownSchemaFingerprintIsUnknownSchema() throws Exception {
        byte[] bytes = ENCODER.toBytes(frame("cam-1", 4, 4, FrameEncoding.RGB24, rgb(4, 4, 1, 2, 3)));
        bytes[5] ^= 0x5A; // inside the 8-byte fingerprint after the 0xC3 0x01 marker

        send(bytes);
        assertThat(onlyReason()).isEqualTo(DeadLetterReason.UNKNOWN_SCHEMA);
    }

    @Test
    void rgbDataOfTheWrongSizeIsAnInvalidFrame() throws Exception {
        send(frame("cam-1", 4, 4, FrameEncoding.RGB24, new byte[4 * 4 * 3 - 1]));
        assertThat(onlyReason()).isEqualTo(DeadLetterReason.INVALID_FRAME);
        assertThat(deadLetters().get(0).getMessage()).contains("needs 48 bytes, got 47");
    }

    @Test
    void aNegativeSeqIsAnInvalidFrame() throws Exception {
        Frame frame = frame("cam-1", 4, 4, FrameEncoding.RGB24, new byte[48]);
        frame.setSeq(-10);
        send(frame);
        assertThat(onlyReason()).isEqualTo(DeadLetterReason.INVALID_FRAME);
        assertThat(deadLetters().get(0).getMessage()).contains("seq -10 is negative");
    }

    @Test
    void nonPositiveSizeIsAnInvalidFrame() throws Exception {
        send(frame("cam-1", 0, 4, FrameEncoding.RGB24, new byte[0]));
        assertThat(onlyReason()).isEqualTo(DeadLetterReason.INVALID_FRAME);
    }

    @Test
    void jpegOfAnotherSizeThanDeclaredIsAnInvalidFrame() throws Exception {
        send(frame("cam-1", 8, 8, FrameEncoding.JPEG, jpeg(16, 16, Color.BLUE)));
        assertThat(onlyReason()).isEqualTo(DeadLetterReason.INVALID_FRAME);
    }

    @Test
    void jpegWhoseHeaderClaimsAHugeSizeIsRefusedBeforeDecoding() throws Exception {
        byte[] lying = withHeaderSize(jpeg(8, 8, Color.RED), 20_000, 20_000);
        send(frame("cam-1", 8, 8, FrameEncoding.JPEG, lying));
        assertThat(onlyReason()).isEqualTo(DeadLetterReason.INVALID_FRAME);
        assertThat(deadLetters().get(0).getMessage()).contains("JPEG is 20000x20000 but the frame says 8x8");
    }

    @Test
    void jpegThatDoesNotDecodeIsACorruptImage() throws Exception {
        send(frame("cam-1", 8, 8, FrameEncoding.JPEG, "not a jpeg at all".getBytes(StandardCharsets.UTF_8)));
        assertThat(onlyReason()).isEqualTo(DeadLetterReason.CORRUPT_IMAGE);
    }

    @Test
    void truncatedJpegIsACorruptImage() throws Exception {
        byte[] whole = jpeg(32, 32, Color.GREEN);
        send(frame("cam-1", 32, 32, FrameEncoding.JPEG, Arrays.copyOf(whole, whole.length / 2)));
        assertThat(onlyReason()).isEqualTo(DeadLetterReason.CORRUPT_IMAGE);
    }

    @Test
    void frameAboveTheSizeLimitIsOversize() throws Exception {
        send(frame("cam-1", 65, 64, FrameEncoding.RGB24, new byte[65 * 64 * 3]));
        assertThat(onlyReason()).isEqualTo(DeadLetterReason.OVERSIZE);
    }

    @Test
    void jpegDeclaringAHugeImageIsOversizeBeforeItIsDecoded() throws Exception {
        send(frame("cam-1", 40_000, 40_000, FrameEncoding.JPEG, jpeg(8, 8, Color.RED)));
        assertThat(onlyReason()).isEqualTo(DeadLetterReason.OVERSIZE);
    }

    @Test
    void emptyCameraIdIsInvalid() throws Exception {
        send(frame("", 4, 4, FrameEncoding.RGB24, rgb(4, 4, 1, 2, 3)));
        assertThat(onlyReason()).isEqualTo(DeadLetterReason.INVALID_CAMERA_ID);
    }

    @Test
    void absurdCameraIdsAreInvalid() throws Exception {
        send(frame("x".repeat(129), 4, 4, FrameEncoding.RGB24, rgb(4, 4, 1, 2, 3)));
        send(frame("cam 1; drop table", 4, 4, FrameEncoding.RGB24, rgb(4, 4, 1, 2, 3)));
        send(frame("cam\u0000", 4, 4, FrameEncoding.RGB24, rgb(4, 4, 1, 2, 3)));

        assertThat(harness.extractOutputValues()).isEmpty();
        assertThat(deadLetters()).extracting(DeadLetter::getReason)
                .containsExactly(DeadLetterReason.INVALID_CAMERA_ID, DeadLetterReason.INVALID_CAMERA_ID,
                        DeadLetterReason.INVALID_CAMERA_ID);
        assertThat(deadLetters().get(2).getMessage()).contains("\\u0000");
    }

    @Test
    void aFrameBehindTheWatermarkIsStillValid() throws Exception {
        // lateness is the clip assembler's call, per camera by seq: a stalled partition must not lose its frames
        harness.processWatermark(T0 + 60_000);
        send(frame("cam-1", 4, 4, FrameEncoding.RGB24, rgb(4, 4, 1, 2, 3)));
        assertThat(deadLetters()).isEmpty();
        assertThat(harness.extractOutputValues()).hasSize(1);
    }

    @Test
    void badRecordsDoNotStopGoodOnesAfterThem() throws Exception {
        send(new byte[] {1, 2, 3});
        send(frame("cam-1", 4, 4, FrameEncoding.RGB24, rgb(4, 4, 1, 2, 3)));
        assertThat(deadLetters()).hasSize(1);
        assertThat(harness.extractOutputValues()).hasSize(1);
    }

    @Test
    void aFrameFromTheYear3000IsAnInvalidFrameNamingTheWindowAndTheFlag() throws Exception {
        Frame future = frame("cam-1", 4, 4, FrameEncoding.RGB24, rgb(4, 4, 1, 2, 3));
        future.setCaptureTime(Instant.parse("3000-01-01T00:00:00Z"));
        send(future);

        assertThat(onlyReason()).isEqualTo(DeadLetterReason.INVALID_FRAME);
        assertThat(deadLetters().get(0).getMessage()).contains("capture time 3000-01-01T00:00:00Z",
                "--max-clock-skew PT5M", "accepted: " + Instant.ofEpochMilli(T0 + 1_000 - 24 * 3_600_000L),
                Instant.ofEpochMilli(T0 + 1_000 + 5 * 60_000).toString());
    }

    @Test
    void framesOlderThanMaxFrameAgeOrFromBefore1970AreInvalidFrames() throws Exception {
        Frame old = frame("cam-1", 4, 4, FrameEncoding.RGB24, rgb(4, 4, 1, 2, 3));
        old.setCaptureTime(Instant.ofEpochMilli(T0 + 1_000 - 24 * 3_600_000L - 1));
        send(old);
        Frame negative = frame("cam-1", 4, 4, FrameEncoding.RGB24, rgb(4, 4, 1, 2, 3));
        negative.setCaptureTime(Instant.ofEpochMilli(-1));
        send(negative);

        assertThat(harness.extractOutputValues()).isEmpty();
        assertThat(deadLetters()).extracting(DeadLetter::getReason)
                .containsExactly(DeadLetterReason.INVALID_FRAME, DeadLetterReason.INVALID_FRAME);
        assertThat(deadLetters()).allSatisfy(letter -> assertThat(letter.getMessage()).contains("--max-frame-age"));
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    @Test
    void aTwoMebibyteRecordIsDeadLetteredWithAPrefixItsLengthAndItsHash() throws Exception {
        byte[] huge = new byte[2 << 20];
        new Random(7).nextBytes(huge);
        send(huge);

        assertThat(onlyReason()).isEqualTo(DeadLetterReason.UNDECODABLE);
        DeadLetter letter = deadLetters().get(0);
        assertThat(letter.getValue().remaining()).isEqualTo(FrameDeadLetters.MAX_BYTES_KEPT);
        assertThat(letter.getValue()).isEqualTo(ByteBuffer.wrap(huge, 0, FrameDeadLetters.MAX_BYTES_KEPT));
        Matcher truncated = TRUNCATED.matcher(letter.getMessage());
        assertThat(truncated.find()).as("message %s", letter.getMessage()).isTrue();
        assertThat(truncated.group(1)).isEqualTo("value");
        assertThat(Long.parseLong(truncated.group(2))).isEqualTo(huge.length);
        assertThat(truncated.group(3)).isEqualTo(sha256(huge));
        assertThat(Integer.parseInt(truncated.group(4))).isEqualTo(FrameDeadLetters.MAX_BYTES_KEPT);
        assertThat(letter.getKey()).as("a short key stays whole").isEqualTo(ByteBuffer.wrap("cam-1".getBytes(
                StandardCharsets.UTF_8)));
    }

    @Test
    void aHugeKeyIsCutLikeAHugeValueAndTheLetterFitsTheProducersDefaultRequestSize() throws Exception {
        byte[] key = new byte[700 * 1024];
        Arrays.fill(key, (byte) 'k');
        byte[] value = new byte[3 << 20];
        send(key, value);

        DeadLetter letter = deadLetters().get(0);
        assertThat(letter.getKey().remaining()).isEqualTo(FrameDeadLetters.MAX_BYTES_KEPT);
        Matcher truncated = TRUNCATED.matcher(letter.getMessage());
        assertThat(truncated.find()).isTrue();
        assertThat(truncated.group(1)).isEqualTo("key");
        assertThat(truncated.group(3)).isEqualTo(sha256(key));
        assertThat(truncated.find()).isTrue();
        assertThat(truncated.group(1)).isEqualTo("value");
        assertThat(truncated.group(2)).isEqualTo(Integer.toString(3 << 20));
        // the Kafka record the letter becomes: the key twice (record key and field), the value, the message
        byte[] encoded = RecordEncoder.of(DeadLetter.class).toBytes(letter);
        assertThat(encoded.length + letter.getKey().remaining()).isLessThan(1 << 20);
    }

    @Test
    void aRecordJustAtTheLimitIsKeptWhole() throws Exception {
        byte[] value = new byte[FrameDeadLetters.MAX_BYTES_KEPT];
        RawRecord record = send(value);

        DeadLetter letter = deadLetters().get(0);
        assertThat(letter.getValue()).isEqualTo(ByteBuffer.wrap(record.value()));
        assertThat(letter.getMessage()).doesNotContain("truncated");
    }
}
