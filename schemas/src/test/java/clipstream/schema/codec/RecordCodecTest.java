package clipstream.schema.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import clipstream.schema.Alert;
import clipstream.schema.ClipEvent;
import clipstream.schema.DeadLetter;
import clipstream.schema.Frame;
import clipstream.schema.FrameEncoding;
import clipstream.schema.Person;
import clipstream.schema.PersonPoses;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificRecord;
import org.apache.avro.util.ClassSecurityValidator;
import org.junit.jupiter.api.Test;

class RecordCodecTest {

    private static <T extends SpecificRecord> T roundTrip(Class<T> type, T record) throws RecordDecodeException {
        byte[] bytes = RecordEncoder.of(type).toBytes(record);
        return RecordDecoder.of(type).decode(bytes);
    }

    @Test
    void everyRecordTypeRoundTripsExactly() throws Exception {
        Frame frame = Records.rgbFrame(64, 64, 1);
        ClipEvent event = Records.clipEvent();
        DeadLetter deadLetter = Records.deadLetter();
        Alert alert = Records.alert();

        assertThat(roundTrip(Frame.class, frame)).isEqualTo(frame);
        assertThat(roundTrip(ClipEvent.class, event)).isEqualTo(event);
        assertThat(roundTrip(DeadLetter.class, deadLetter)).isEqualTo(deadLetter);
        assertThat(roundTrip(Alert.class, alert)).isEqualTo(alert);
        assertThat(roundTrip(PersonPoses.class, Records.personPoses())).isEqualTo(Records.personPoses());
    }

    @Test
    void encodingIsSingleObjectWithTheSchemaFingerprint() {
        byte[] bytes = RecordEncoder.of(ClipEvent.class).toBytes(Records.clipEvent());
        long expected = org.apache.avro.SchemaNormalization.parsingFingerprint64(ClipEvent.getClassSchema());
        long actual = ByteBuffer.wrap(bytes, 2, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();

        assertThat(bytes[0]).isEqualTo((byte) 0xC3);
        assertThat(bytes[1]).isEqualTo((byte) 0x01);
        assertThat(actual).isEqualTo(expected);
    }

    @Test
    void aFrameWrittenByAnOlderCompatibleSchemaIsRead() throws Exception {
        Schema older = schema("/evolution/Frame.older.avsc");
        byte[] bytes = olderFrame(older);

        Frame frame = RecordDecoder.of(Frame.class, List.of(older)).decode(bytes);

        assertThat(frame.getCameraId()).isEqualTo("cam-old");
        assertThat(frame.getSeq()).isEqualTo(7L);
        assertThat(frame.getCaptureTime().toEpochMilli()).isEqualTo(1_700_000_000_000L);
        assertThat(frame.getEncoding()).isEqualTo(FrameEncoding.RGB24);
        assertThat(frame.getData()).isEqualTo(ByteBuffer.wrap(new byte[] {1, 2, 3, 4, 5, 6}));
    }

    @Test
    void aFrameWrittenByANewerCompatibleSchemaIsReadOnceItsSchemaIsKnown() throws Exception {
        Schema newer = schema("/evolution/Frame.newer.avsc");
        byte[] bytes = newerFrame(newer);

        assertThatThrownBy(() -> RecordDecoder.of(Frame.class).decode(bytes))
                .isInstanceOf(RecordDecodeException.class)
                .satisfies(e -> assertThat(((RecordDecodeException) e).failure()).isEqualTo(DecodeFailure.UNKNOWN_SCHEMA))
                .hasMessageContaining("Unknown schema fingerprint");

        Frame frame = RecordDecoder.of(Frame.class, List.of(newer)).decode(bytes);
        assertThat(frame.getCameraId()).isEqualTo("cam-new");
        assertThat(frame.getEncoding()).isEqualTo(FrameEncoding.JPEG);
        assertThat(frame.getData()).isEqualTo(ByteBuffer.wrap(new byte[] {9, 9, 9}));
    }

    @Test
    void emptyBytesAreATypedError() {
        assertFailure(new byte[0], DecodeFailure.EMPTY);
        assertFailure(null, DecodeFailure.EMPTY);
    }

    @Test
    void foreignBytesAreATypedError() {
        assertFailure("{\"camera_id\":\"cam-1\"}".getBytes(StandardCharsets.UTF_8), DecodeFailure.NOT_SINGLE_OBJECT);
        assertFailure(new byte[] {(byte) 0xC3, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0}, DecodeFailure.NOT_SINGLE_OBJECT);
    }

    @Test
    void truncatedHeaderAndBodyAreTypedErrors() {
        byte[] bytes = RecordEncoder.of(Frame.class).toBytes(Records.rgbFrame(16, 16, 2));

        assertFailure(Arrays.copyOf(bytes, 6), DecodeFailure.TRUNCATED);
        assertFailure(Arrays.copyOf(bytes, bytes.length - 100), DecodeFailure.TRUNCATED);
        assertFailure(Arrays.copyOf(bytes, 10), DecodeFailure.TRUNCATED);
    }

    @Test
    void unknownFingerprintIsATypedError() {
        byte[] bytes = RecordEncoder.of(Frame.class).toBytes(Records.rgbFrame(4, 4, 3));
        bytes[5] ^= 0x5A;

        assertFailure(bytes, DecodeFailure.UNKNOWN_SCHEMA);
    }

    @Test
    void aRecordOfAnotherTypeIsAnUnknownSchema() {
        byte[] alertBytes = RecordEncoder.of(Alert.class).toBytes(Records.alert());

        assertThatThrownBy(() -> RecordDecoder.of(Frame.class).decode(alertBytes))
                .isInstanceOf(RecordDecodeException.class)
                .satisfies(e -> assertThat(((RecordDecodeException) e).failure()).isEqualTo(DecodeFailure.UNKNOWN_SCHEMA));
    }

    @Test
    void trailingGarbageAndBadLengthsAreMalformed() {
        byte[] bytes = RecordEncoder.of(ClipEvent.class).toBytes(Records.clipEvent());
        byte[] trailing = Arrays.copyOf(bytes, bytes.length + 3);
        byte[] badLength = bytes.clone();
        badLength[10] = 0x01; // the event_id string length as zig-zag varint: -1

        assertFailure(ClipEvent.class, trailing, DecodeFailure.MALFORMED);
        assertFailure(ClipEvent.class, badLength, DecodeFailure.MALFORMED);
    }

    @Test
    void aFullFrameEncodesWithOnlyAFewBytesAroundItsPixels() throws Exception {
        Frame frame = Records.rgbFrame(112, 112, 4);
        ByteBuffer pixels = frame.getData();
        int positionBefore = pixels.position();
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        RecordEncoder.of(Frame.class).encode(frame, out);

        assertThat(out.size()).isBetween(112 * 112 * 3, 112 * 112 * 3 + 64);
        assertThat(pixels.position()).as("encoding must not consume the record's buffer").isEqualTo(positionBefore);
    }

    @Test
    void decodingIntoAReusedFrameReusesItsPixelBuffer() throws Exception {
        RecordEncoder<Frame> encoder = RecordEncoder.of(Frame.class);
        RecordDecoder<Frame> decoder = RecordDecoder.of(Frame.class);
        Frame reuse = decoder.decode(encoder.toBytes(Records.rgbFrame(112, 112, 5)));
        ByteBuffer firstBuffer = reuse.getData();
        Frame second = Records.rgbFrame(112, 112, 6);

        Frame decoded = decoder.decode(encoder.toBytes(second), reuse);

        assertThat(decoded).isSameAs(reuse).isEqualTo(second);
        assertThat(decoded.getData()).isSameAs(firstBuffer);
    }

    @Test
    void aLongFieldIsReadAsTheFullDecodeReadsIt() throws Exception {
        RecordDecoder<Frame> decoder = RecordDecoder.of(Frame.class);
        RecordDecoder<Frame>.LongField captureTime = decoder.longField("capture_time");
        RecordDecoder<Frame>.LongField seq = decoder.longField("seq");
        for (long seed = 0; seed < 5; seed++) {
            byte[] bytes = RecordEncoder.of(Frame.class).toBytes(Records.rgbFrame(64, 48, seed));
            Frame full = decoder.decode(bytes);

            assertThat(captureTime.read(bytes)).isEqualTo(full.getCaptureTime().toEpochMilli());
            assertThat(seq.read(bytes)).isEqualTo(full.getSeq());
        }
    }

    @Test
    void aLongFieldIsReadFromOlderAndNewerWriterSchemas() throws Exception {
        Schema older = schema("/evolution/Frame.older.avsc");
        Schema newer = schema("/evolution/Frame.newer.avsc");
        byte[] oldBytes = olderFrame(older);
        byte[] newBytes = newerFrame(newer);

        RecordDecoder<Frame>.LongField captureTime = RecordDecoder.of(Frame.class, List.of(older, newer))
                .longField("capture_time");

        assertThat(captureTime.read(oldBytes)).isEqualTo(1_700_000_000_000L);
        assertThat(captureTime.read(newBytes)).isEqualTo(1_800_000_000_000L);
        assertThatThrownBy(() -> RecordDecoder.of(Frame.class).longField("capture_time").read(newBytes))
                .isInstanceOf(RecordDecodeException.class)
                .satisfies(e -> assertThat(((RecordDecodeException) e).failure()).isEqualTo(DecodeFailure.UNKNOWN_SCHEMA));
    }

    @Test
    void aLongFieldFailsOnBadInputAsTheFullDecodeDoes() {
        byte[] bytes = RecordEncoder.of(Frame.class).toBytes(Records.rgbFrame(16, 16, 2));
        byte[] unknown = bytes.clone();
        unknown[5] ^= 0x5A;
        RecordDecoder<Frame>.LongField captureTime = RecordDecoder.of(Frame.class).longField("capture_time");

        assertFieldFailure(captureTime, null, DecodeFailure.EMPTY);
        assertFieldFailure(captureTime, "{}".getBytes(StandardCharsets.UTF_8), DecodeFailure.NOT_SINGLE_OBJECT);
        assertFieldFailure(captureTime, Arrays.copyOf(bytes, 6), DecodeFailure.TRUNCATED);
        assertFieldFailure(captureTime, Arrays.copyOf(bytes, bytes.length - 100), DecodeFailure.TRUNCATED);
        assertFieldFailure(captureTime, unknown, DecodeFailure.UNKNOWN_SCHEMA);
        assertFieldFailure(captureTime, Arrays.copyOf(bytes, bytes.length + 3), DecodeFailure.MALFORMED);
        assertFieldFailure(captureTime, RecordEncoder.of(Alert.class).toBytes(Records.alert()), DecodeFailure.UNKNOWN_SCHEMA);
    }

    @Test
    void onlyExistingLongFieldsCanBeRead() {
        RecordDecoder<Frame> decoder = RecordDecoder.of(Frame.class);

        assertThatThrownBy(() -> decoder.longField("exposure_us")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("exposure_us");
        assertThatThrownBy(() -> decoder.longField("camera_id")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("camera_id");
    }

    private static void assertFieldFailure(RecordDecoder<Frame>.LongField field, byte[] bytes, DecodeFailure expected) {
        assertThatThrownBy(() -> field.read(bytes))
                .isInstanceOf(RecordDecodeException.class)
                .satisfies(e -> assertThat(((RecordDecodeException) e).failure()).isEqualTo(expected))
                .hasMessageNotContaining("null");
    }

    @Test
    void trustingOurClassesDoesNotTrustOthers() throws Exception {
        roundTrip(Alert.class, Records.alert());

        ClassSecurityValidator.validate(Frame.class);
        assertThatThrownBy(() -> ClassSecurityValidator.validate(java.io.File.class))
                .isInstanceOf(SecurityException.class);
    }

    private static void assertFailure(byte[] bytes, DecodeFailure expected) {
        assertFailure(Frame.class, bytes, expected);
    }

    private static <T extends SpecificRecord> void assertFailure(Class<T> type, byte[] bytes, DecodeFailure expected) {
        assertThatThrownBy(() -> RecordDecoder.of(type).decode(bytes))
                .isInstanceOf(RecordDecodeException.class)
                .satisfies(e -> assertThat(((RecordDecodeException) e).failure()).isEqualTo(expected))
                .hasMessageNotContaining("null");
    }

    /** A frame written by the older schema: cam-old, seq 7, captured at 1_700_000_000_000, 2x1 RGB24 1..6. */
    private static byte[] olderFrame(Schema older) throws IOException {
        GenericRecord record = new GenericData.Record(older);
        record.put("camera_id", "cam-old");
        record.put("seq", 7L);
        record.put("capture_time", 1_700_000_000_000L);
        record.put("source_fps", 25.0f);
        record.put("width", 2);
        record.put("height", 1);
        record.put("encoding", new GenericData.EnumSymbol(older.getField("encoding").schema(), "RGB24"));
        record.put("data", ByteBuffer.wrap(new byte[] {1, 2, 3, 4, 5, 6}));
        return new BinaryMessageEncoder<GenericRecord>(GenericData.get(), older).encode(record).array();
    }

    /** A frame written by the newer schema: cam-new, seq 9, captured at 1_800_000_000_000, 1x1 JPEG 9,9,9. */
    private static byte[] newerFrame(Schema newer) throws IOException {
        GenericRecord record = new GenericData.Record(newer);
        record.put("camera_id", "cam-new");
        record.put("seq", 9L);
        record.put("capture_time", 1_800_000_000_000L);
        record.put("width", 1);
        record.put("height", 1);
        record.put("encoding", new GenericData.EnumSymbol(newer.getField("encoding").schema(), "JPEG"));
        record.put("data", ByteBuffer.wrap(new byte[] {9, 9, 9}));
        record.put("exposure_us", 1234L);
        return new BinaryMessageEncoder<GenericRecord>(GenericData.get(), newer).encode(record).array();
    }

    private static Schema schema(String resource) throws IOException {
        try (InputStream in = RecordCodecTest.class.getResourceAsStream(resource)) {
            return new Schema.Parser().parse(in);
        }
    }

    @Test
    void aLengthBeyondWhatAJavaArrayHoldsIsAMalformedRecordNotACrash() {
        // a Frame header, then camera_id's length as the varint of 2147483640 (zig-zag: 0xf0ffffff0f)
        byte[] header = RecordEncoder.of(Frame.class).toBytes(Records.rgbFrame(1, 1, 1));
        byte[] hostile = Arrays.copyOf(header, 10 + 5);
        System.arraycopy(new byte[] {(byte) 0xf0, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x0f}, 0, hostile, 10, 5);

        assertThatThrownBy(() -> RecordDecoder.of(Frame.class).decode(hostile))
                .isInstanceOf(RecordDecodeException.class).hasMessageContaining("Malformed");
    }
    @Test
    void anArrayCountBeyondWhatTheRecordHoldsIsTruncatedNotAnAllocation() {
        // a PersonPoses whose people array claims 2^30 people in a record of a few dozen bytes: a list sized for all
        // of them before the first is read would take gigabytes (Avro 1.12.2 does not size it so; this keeps it so)
        byte[] valid = RecordEncoder.of(PersonPoses.class).toBytes(poses(List.of()));
        byte[] hostile = Arrays.copyOf(valid, valid.length - 1 + 5);
        // the empty array's terminating 0 becomes the varint (zig-zag) of a block of 2^30 items, then the record ends
        System.arraycopy(new byte[] {(byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x08}, 0, hostile,
                valid.length - 1, 5);

        RecordDecoder<PersonPoses> decoder = RecordDecoder.of(PersonPoses.class);
        var threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long allocatedBefore = threads.getCurrentThreadAllocatedBytes();
        assertThatThrownBy(() -> decoder.decode(hostile))
                .isInstanceOf(RecordDecodeException.class)
                .satisfies(e -> assertThat(((RecordDecodeException) e).failure()).isEqualTo(DecodeFailure.TRUNCATED));
        assertThat(threads.getCurrentThreadAllocatedBytes() - allocatedBefore).as("bytes allocated on the way")
                .isLessThan(16L << 20);
    }

    @Test
    void aKeypointCountBeyondWhatTheRecordHoldsIsTruncatedToo() {
        // one person whose keypoints array claims 2^30 keypoints
        byte[] valid = RecordEncoder.of(PersonPoses.class)
                .toBytes(poses(List.of(new Person(1L, 0.5f, 1f, 2f, 3f, 4f, List.of()))));
        // the body ends with the person's empty keypoints (0), the people block's end (0): claim 2^30 keypoints
        byte[] hostile = Arrays.copyOf(valid, valid.length - 2 + 5);
        System.arraycopy(new byte[] {(byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x08}, 0, hostile,
                valid.length - 2, 5);

        assertThatThrownBy(() -> RecordDecoder.of(PersonPoses.class).decode(hostile))
                .isInstanceOf(RecordDecodeException.class)
                .satisfies(e -> assertThat(((RecordDecodeException) e).failure()).isEqualTo(DecodeFailure.TRUNCATED));
    }

    private static PersonPoses poses(List<Person> people) {
        return PersonPoses.newBuilder().setCameraId("cam-7").setSeq(1).setCaptureTime(java.time.Instant.ofEpochMilli(0))
                .setWidth(640).setHeight(480).setModelName(null).setModelVersion(null).setPeople(people).build();
    }
}
