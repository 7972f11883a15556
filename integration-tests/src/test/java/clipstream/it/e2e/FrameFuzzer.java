package clipstream.it.e2e;

import clipstream.schema.DeadLetter;
import clipstream.schema.DeadLetterReason;
import clipstream.schema.Frame;
import clipstream.schema.FrameEncoding;
import clipstream.schema.codec.RecordDecodeException;
import clipstream.schema.codec.RecordDecoder;
import clipstream.schema.codec.RecordEncoder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;

/**
 * Hostile frame records made from valid ones by seeded mutation, for {@link HostileInputFuzzTest}: the same seed
 * and the same valid frames give the same records (capture times aside, which follow the clock). Every record gets
 * a camera id of its own ({@code fz...}), except those that play a few misbehaving cameras whose seqs jump back and
 * forth ({@code fz-seq-N}, {@code fz-top}); no record, however mutated, decodes to one of the reserved (valid)
 * cameras' ids, and no key is one of them.
 *
 * <p>Most mutations go through the schema's {@link Frame} and the project's {@link RecordEncoder} (extreme field
 * values are still well-formed records); those a well-formed record cannot carry (an enum index out of range,
 * invalid UTF-8 in a string, bits flipped anywhere) are written as raw bytes, which is what a hostile producer does.
 */
final class FrameFuzzer implements FuzzVerdict.JpegFacts {
    /** One hostile record: what kind of mutation made it, the mutation itself, and where and what to send. */
    record Hostile(String kind, String what, int partition, byte[] key, byte[] value) {
    }

    /** The kinds of mutation with their weights (how often each is drawn). */
    enum Kind {
        BIT_FLIPS(8), FIELD_BIT_FLIPS(8), TRUNCATED(6), EXTENDED(4), RANDOM_BYTES(3), RANDOM_BODY(3),
        SEQ(10), SEQ_RUN(1), CAPTURE_TIME(7), SIZE(7), ENCODING(3), ENUM_OUT_OF_RANGE(2), CAMERA_ID(6),
        DISTINCT_CAMERA(50), JPEG_LYING_HEADER(4), JPEG_TRUNCATED(4), UNKNOWN_SCHEMA(3), KEY_AND_VALUE(2), REPLAY(2);

        final int weight;

        Kind(int weight) {
            this.weight = weight;
        }
    }

    static final String TOP_CAMERA = "fz-top";
    private static final int SEQ_CAMERAS = 6;
    private static final String ID_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._:-";
    private static final int HEADER_LENGTH = 10;
    private static final long YEAR_3000 = Instant.parse("3000-01-01T00:00:00Z").toEpochMilli();
    private static final int TOTAL_WEIGHT = Arrays.stream(Kind.values()).mapToInt(k -> k.weight).sum();

    private final SplittableRandom random;
    private final int partitions;
    private final int maxValueBytes;
    private final int clipLength;
    private final Set<String> reserved;
    private final RecordEncoder<Frame> encoder = RecordEncoder.of(Frame.class);
    private final RecordDecoder<Frame> decoder = RecordDecoder.of(Frame.class);
    private final Map<ByteBuffer, FuzzVerdict.JpegFact> jpegs = new HashMap<>();
    private final long[] lastSeqs = new long[SEQ_CAMERAS];
    private final List<Hostile> replayable = new ArrayList<>();
    private Frame rgbBase;
    private Frame jpegBase;
    private byte[] frameHeader;
    private long cameras;

    /**
     * @param maxValueBytes the largest value the frames topic takes (its max.message.bytes less the record's
     *                      overhead)
     * @param reserved      the valid cameras' ids, which no hostile record may carry
     */
    FrameFuzzer(long seed, int partitions, int maxValueBytes, int clipLength, Set<String> reserved) {
        this.random = new SplittableRandom(seed);
        this.partitions = partitions;
        this.maxValueBytes = maxValueBytes;
        this.clipLength = clipLength;
        this.reserved = Set.copyOf(reserved);
        for (int i = 0; i < SEQ_CAMERAS; i++) {
            lastSeqs[i] = random.nextLong(0, 1000);
        }
    }

    /** A valid frame just sent: the material of the next mutations (JPEG frames are remembered as intact). */
    void observe(Frame frame) {
        if (frame.getEncoding() == FrameEncoding.JPEG) {
            jpegBase = frame;
            jpegs.put(ByteBuffer.wrap(FuzzVerdict.bytes(frame.getData())),
                    new FuzzVerdict.JpegFact.Intact(frame.getWidth(), frame.getHeight()));
        } else {
            rgbBase = frame;
        }
        if (frameHeader == null) {
            frameHeader = Arrays.copyOf(encoder.toBytes(frame), HEADER_LENGTH);
        }
    }

    @Override
    public FuzzVerdict.JpegFact of(byte[] data) {
        return jpegs.get(ByteBuffer.wrap(data));
    }

    /** The next hostile records (one, or a run of one camera's frames) of a kind drawn by weight. */
    List<Hostile> next() {
        if (rgbBase == null || jpegBase == null) {
            throw new IllegalStateException("observe a valid RGB24 and a valid JPEG frame first");
        }
        int draw = random.nextInt(TOTAL_WEIGHT);
        for (Kind kind : Kind.values()) {
            draw -= kind.weight;
            if (draw < 0) {
                List<Hostile> made = make(kind);
                if (made.stream().anyMatch(this::carriesAReservedId)) {
                    return next(); // a mutation hit a valid camera's id: that would be a legitimate frame of it
                }
                made.stream().filter(h -> h.value() == null || h.value().length <= 64 * 1024)
                        .forEach(replayable::add);
                return made;
            }
        }
        throw new AssertionError("weights cover every draw");
    }

    /**
     * A camera whose counter climbs to the very end of the long range: one clip's frames, the last with seq
     * {@link Long#MAX_VALUE}, all on one partition.
     */
    List<Hostile> topOfTheSeqRange() {
        int partition = random.nextInt(partitions);
        List<Hostile> run = new ArrayList<>();
        for (long seq = Long.MAX_VALUE - clipLength + 1; ; seq++) {
            Frame frame = withSeq(rekeyed(rgbBase, TOP_CAMERA), seq);
            run.add(new Hostile("SEQ_TOP_OF_RANGE", "seq " + seq, partition, key(TOP_CAMERA), encoder.toBytes(frame)));
            if (seq == Long.MAX_VALUE) {
                return run;
            }
        }
    }

    private List<Hostile> make(Kind kind) {
        return switch (kind) {
            case BIT_FLIPS -> one(kind, bitFlips(false));
            case FIELD_BIT_FLIPS -> one(kind, bitFlips(true));
            case TRUNCATED -> one(kind, truncated());
            case EXTENDED -> one(kind, extended());
            case RANDOM_BYTES -> one(kind, randomBytes(false));
            case RANDOM_BODY -> one(kind, randomBytes(true));
            case SEQ -> List.of(seqJump());
            case SEQ_RUN -> seqRun();
            case CAPTURE_TIME -> one(kind, captureTime());
            case SIZE -> one(kind, size());
            case ENCODING -> one(kind, encoding());
            case ENUM_OUT_OF_RANGE -> one(kind, enumOutOfRange());
            case CAMERA_ID -> List.of(cameraId());
            case DISTINCT_CAMERA -> one(kind, distinctCamera());
            case JPEG_LYING_HEADER -> one(kind, jpegLyingHeader());
            case JPEG_TRUNCATED -> one(kind, jpegTruncated());
            case UNKNOWN_SCHEMA -> one(kind, unknownSchema());
            case KEY_AND_VALUE -> List.of(keyAndValue());
            case REPLAY -> List.of(replay());
        };
    }

    /** A mutation of a frame of a new camera: what it did and the bytes. */
    private record Mutation(String camera, String what, byte[] value) {
    }

    private List<Hostile> one(Kind kind, Mutation mutation) {
        return List.of(new Hostile(kind.name(), mutation.what(), random.nextInt(partitions), key(mutation.camera()),
                mutation.value()));
    }

    private Mutation bitFlips(boolean fieldsOnly) {
        String camera = newCamera();
        Frame base = anyBase();
        byte[] value = encoder.toBytes(rekeyed(base, camera));
        // fieldsOnly: the header's fields after the fingerprint (id, seq, time, size, encoding, data length)
        int end = fieldsOnly ? Math.min(value.length, HEADER_LENGTH + camera.length() + 40) : value.length;
        int from = fieldsOnly ? HEADER_LENGTH : 0;
        int flips = 1 + random.nextInt(fieldsOnly ? 4 : 16);
        StringBuilder what = new StringBuilder(base.getEncoding() + " frame, bits flipped at");
        for (int i = 0; i < flips; i++) {
            int bit = random.nextInt((end - from) * 8);
            value[from + bit / 8] ^= (byte) (1 << (bit % 8));
            what.append(' ').append(from + bit / 8).append('.').append(bit % 8);
        }
        return new Mutation(camera, what.toString(), value);
    }

    private Mutation truncated() {
        String camera = newCamera();
        Frame base = anyBase();
        byte[] value = encoder.toBytes(rekeyed(base, camera));
        int length = random.nextBoolean() ? random.nextInt(Math.min(value.length, 64)) : random.nextInt(value.length);
        return new Mutation(camera, base.getEncoding() + " frame cut to " + length + " of " + value.length + " bytes",
                Arrays.copyOf(value, length));
    }

    private Mutation extended() {
        String camera = newCamera();
        Frame base = anyBase();
        byte[] value = encoder.toBytes(rekeyed(base, camera));
        int extra = random.nextInt(10) == 0 ? 1 + random.nextInt(maxValueBytes - value.length) : 1 + random.nextInt(64);
        byte[] longer = Arrays.copyOf(value, value.length + extra);
        for (int i = value.length; i < longer.length; i++) {
            longer[i] = (byte) random.nextInt(256);
        }
        return new Mutation(camera, base.getEncoding() + " frame + " + extra + " random bytes", longer);
    }

    /** Random bytes of any length up to the topic's limit; {@code afterHeader}: behind a valid Frame header. */
    private Mutation randomBytes(boolean afterHeader) {
        int length = random.nextInt(20) == 0 ? maxValueBytes
                : (int) Math.min(maxValueBytes, Math.exp(random.nextDouble() * Math.log(maxValueBytes + 1.0)) - 1);
        byte[] value = new byte[length];
        for (int i = 0; i < length; i++) {
            value[i] = (byte) random.nextInt(256);
        }
        if (afterHeader) {
            System.arraycopy(frameHeader, 0, value, 0, Math.min(length, HEADER_LENGTH));
        }
        return new Mutation(newCamera(), length + " random bytes" + (afterHeader ? " behind a Frame header" : ""),
                value);
    }

    private Hostile seqJump() {
        int camera = random.nextInt(SEQ_CAMERAS);
        long last = lastSeqs[camera];
        long seq = switch (random.nextInt(12)) {
            case 0 -> -1;
            case 1 -> -1 - random.nextLong(Long.MAX_VALUE);
            case 2 -> Long.MIN_VALUE;
            case 3 -> Long.MAX_VALUE;
            case 4 -> Long.MAX_VALUE - random.nextLong(1000);
            case 5 -> last + 1;
            case 6 -> last; // the same seq again
            case 7 -> Math.max(0, last - 1 - random.nextLong(250)); // late
            case 8 -> Math.max(0, last - 251 - random.nextLong(1_000_000)); // far back: a restart
            case 9 -> last + 2 + random.nextLong(4); // a small gap, filled
            case 10 -> last + 6 + random.nextLong(1_000_000_000_000L); // a long gap
            default -> random.nextLong(Long.MAX_VALUE);
        };
        if (seq >= 0) {
            lastSeqs[camera] = seq;
        }
        String id = "fz-seq-" + camera;
        return new Hostile(Kind.SEQ.name(), "seq " + seq + " after " + last, random.nextInt(partitions), key(id),
                encoder.toBytes(withSeq(rekeyed(anyBase(), id), seq)));
    }

    private List<Hostile> seqRun() {
        int camera = random.nextInt(SEQ_CAMERAS);
        int length = 4 + random.nextInt(37);
        long first = switch (random.nextInt(4)) {
            case 0 -> lastSeqs[camera] + 1;
            case 1 -> Long.MAX_VALUE - length + 1 - random.nextLong(40);
            case 2 -> 0;
            default -> random.nextLong(1_000_000_000_000_000L);
        };
        String id = "fz-seq-" + camera;
        int partition = random.nextInt(partitions);
        Frame base = anyBase();
        List<Hostile> run = new ArrayList<>();
        for (int i = 0; i < length; i++) {
            long seq = first + i;
            run.add(new Hostile(Kind.SEQ_RUN.name(), "run of " + length + " from seq " + first + ": seq " + seq,
                    partition, key(id), encoder.toBytes(withSeq(rekeyed(base, id), seq))));
        }
        lastSeqs[camera] = first + length - 1;
        return run;
    }

    private Mutation captureTime() {
        long now = System.currentTimeMillis();
        long time = switch (random.nextInt(14)) {
            case 0 -> Long.MIN_VALUE;
            case 1 -> Long.MAX_VALUE;
            case 2 -> -1 - random.nextLong(Long.MAX_VALUE);
            case 3 -> 0;
            case 4 -> 1;
            case 5 -> YEAR_3000;
            case 6 -> now + Duration.ofMinutes(10).toMillis() + random.nextLong(Duration.ofDays(400).toMillis());
            case 7 -> now - Duration.ofHours(25).toMillis() - random.nextLong(Duration.ofDays(400).toMillis());
            case 8 -> now + random.nextLong(Duration.ofMinutes(4).toMillis()); // ahead, within the skew allowed
            case 9 -> now - random.nextLong(Duration.ofHours(23).toMillis()); // old, within the age allowed
            case 10 -> now + Duration.ofMinutes(5).toMillis() - 2_000 + random.nextLong(4_000); // at the edge
            case 11 -> now - Duration.ofHours(24).toMillis() - 2_000 + random.nextLong(4_000); // at the other edge
            default -> random.nextLong();
        };
        String camera = newCamera();
        Frame frame = rekeyed(anyBase(), camera);
        frame.setCaptureTime(Instant.ofEpochMilli(time));
        return new Mutation(camera, "capture time " + time + " (now " + now + ")", encoder.toBytes(frame));
    }

    private Mutation size() {
        Frame base = anyBase();
        int w = base.getWidth();
        int h = base.getHeight();
        int[][] sizes = {{0, h}, {w, 0}, {0, 0}, {-1, -1}, {-w, h}, {Integer.MIN_VALUE, Integer.MIN_VALUE},
                {Integer.MAX_VALUE, Integer.MAX_VALUE}, {Integer.MAX_VALUE, 1}, {40_000, 40_000}, {65_536, 65_536},
                {1, 1}, {w - 1, h}, {w + 1, h}, {w, h + 1}, {w / 2, h / 2}, {w * 2, h / 2}, {w * h, 1}, {1, w * h},
                {2_796_202, 1}, {random.nextInt(), random.nextInt()}, {random.nextInt(1, 5000), random.nextInt(1, 5000)}};
        int[] size = sizes[random.nextInt(sizes.length)];
        String camera = newCamera();
        Frame frame = rekeyed(base, camera);
        frame.setWidth(size[0]);
        frame.setHeight(size[1]);
        return new Mutation(camera, base.getEncoding() + " " + w + "x" + h + " data in a frame of " + size[0] + "x"
                + size[1], encoder.toBytes(frame));
    }

    private Mutation encoding() {
        Frame base = anyBase();
        String camera = newCamera();
        Frame frame = rekeyed(base, camera);
        FrameEncoding other = base.getEncoding() == FrameEncoding.JPEG ? FrameEncoding.RGB24 : FrameEncoding.JPEG;
        frame.setEncoding(other);
        return new Mutation(camera, base.getEncoding() + " data labelled " + other, encoder.toBytes(frame));
    }

    private Mutation enumOutOfRange() {
        Frame base = anyBase();
        int[] indexes = {2, 3, 100, -1, Integer.MAX_VALUE, Integer.MIN_VALUE};
        int index = indexes[random.nextInt(indexes.length)];
        String camera = newCamera();
        return new Mutation(camera, "encoding index " + index, raw(camera.getBytes(StandardCharsets.UTF_8), base.getSeq(),
                base.getCaptureTime().toEpochMilli(), base.getWidth(), base.getHeight(), index,
                FuzzVerdict.bytes(base.getData())));
    }

    private Hostile cameraId() {
        Frame base = anyBase();
        String[] ids = {"", "a".repeat(10 * 1024), "fz" + randomId(126), "fz" + randomId(127), "bad camera!",
                "fz/1", "fz cam", "fz-c\u00e2mera", "fz\u0000", "fz\n1", "fz-\ud83d\ude00", "fz-\ud83d",
                randomUnicode(1 + random.nextInt(40))};
        int choice = random.nextInt(ids.length + 1);
        if (choice == ids.length) {
            // not UTF-8 at all: a lone continuation byte, an overlong NUL, a byte that never occurs in UTF-8
            byte[] id = {'f', 'z', (byte) 0x80, (byte) 0xC0, (byte) 0x80, (byte) 0xFF};
            byte[] value = raw(id, base.getSeq(), base.getCaptureTime().toEpochMilli(), base.getWidth(),
                    base.getHeight(), base.getEncoding().ordinal(), FuzzVerdict.bytes(base.getData()));
            return new Hostile(Kind.CAMERA_ID.name(), "camera id of invalid UTF-8", random.nextInt(partitions), id,
                    value);
        }
        String id = ids[choice];
        return new Hostile(Kind.CAMERA_ID.name(), "camera id " + describe(id), random.nextInt(partitions), key(id),
                encoder.toBytes(rekeyed(base, id)));
    }

    private Mutation distinctCamera() {
        String camera = newCamera() + "." + randomId(random.nextInt(100));
        return new Mutation(camera, "a new camera", encoder.toBytes(rekeyed(anyBase(), camera)));
    }

    private Mutation jpegLyingHeader() {
        byte[] jpeg = FuzzVerdict.bytes(jpegBase.getData());
        int[] claims = {0, 1, 2, 63, 65, 128, 1000, 20_000, 65_535};
        int width;
        int height;
        do {
            width = random.nextBoolean() ? claims[random.nextInt(claims.length)] : random.nextInt(65_536);
            height = random.nextBoolean() ? claims[random.nextInt(claims.length)] : random.nextInt(65_536);
        } while (width == jpegBase.getWidth() && height == jpegBase.getHeight());
        byte[] lying = withHeaderSize(jpeg, width, height);
        jpegs.put(ByteBuffer.wrap(lying), new FuzzVerdict.JpegFact.ClaimsSize(width, height));
        String camera = newCamera();
        Frame frame = rekeyed(jpegBase, camera);
        frame.setData(ByteBuffer.wrap(lying));
        boolean agreeing = random.nextBoolean(); // the frame repeats the lie
        if (agreeing) {
            frame.setWidth(width);
            frame.setHeight(height);
        }
        return new Mutation(camera, "JPEG header says " + width + "x" + height + (agreeing ? ", the frame too" : ""),
                encoder.toBytes(frame));
    }

    private Mutation jpegTruncated() {
        byte[] jpeg = FuzzVerdict.bytes(jpegBase.getData());
        int length = random.nextInt(jpeg.length);
        byte[] cut = Arrays.copyOf(jpeg, length);
        jpegs.putIfAbsent(ByteBuffer.wrap(cut),
                new FuzzVerdict.JpegFact.Truncated(jpegBase.getWidth(), jpegBase.getHeight(), length, jpeg.length));
        String camera = newCamera();
        Frame frame = rekeyed(jpegBase, camera);
        frame.setData(ByteBuffer.wrap(cut));
        return new Mutation(camera, "JPEG cut to " + length + " of " + jpeg.length + " bytes", encoder.toBytes(frame));
    }

    private Mutation unknownSchema() {
        String camera = newCamera();
        if (random.nextBoolean()) {
            byte[] value = encoder.toBytes(rekeyed(anyBase(), camera));
            for (int i = 2; i < HEADER_LENGTH; i++) {
                value[i] = (byte) random.nextInt(256);
            }
            return new Mutation(camera, "a random schema fingerprint", value);
        }
        // a well-formed record of another of the project's schemas
        DeadLetter letter = DeadLetter.newBuilder().setSourceTopic("frames").setSourcePartition(0).setSourceOffset(1)
                .setReason(DeadLetterReason.OTHER).setMessage("a dead letter on the frames topic")
                .setTime(Instant.now()).build();
        return new Mutation(camera, "a DeadLetter record", RecordEncoder.of(DeadLetter.class).toBytes(letter));
    }

    private Hostile keyAndValue() {
        String camera = newCamera();
        byte[] frame = encoder.toBytes(rekeyed(anyBase(), camera));
        byte[] hugeKey = new byte[100 * 1024];
        Arrays.fill(hugeKey, (byte) 'k');
        return switch (random.nextInt(5)) {
            case 0 -> new Hostile(Kind.KEY_AND_VALUE.name(), "no value", random.nextInt(partitions), key(camera), null);
            case 1 -> new Hostile(Kind.KEY_AND_VALUE.name(), "empty value", random.nextInt(partitions), key(camera),
                    new byte[0]);
            case 2 -> new Hostile(Kind.KEY_AND_VALUE.name(), "a frame without a key", random.nextInt(partitions), null,
                    frame);
            case 3 -> new Hostile(Kind.KEY_AND_VALUE.name(), "a frame with a 100 KiB key", random.nextInt(partitions),
                    hugeKey, frame);
            default -> new Hostile(Kind.KEY_AND_VALUE.name(), "garbage with a 100 KiB key", random.nextInt(partitions),
                    hugeKey, "not a frame".getBytes(StandardCharsets.UTF_8));
        };
    }

    private Hostile replay() {
        if (replayable.isEmpty()) {
            return keyAndValue();
        }
        Hostile earlier = replayable.get(replayable.size() - 1 - random.nextInt(Math.min(200, replayable.size())));
        return new Hostile(Kind.REPLAY.name(), "again: " + earlier.kind() + " " + earlier.what(),
                random.nextInt(partitions), earlier.key(), earlier.value());
    }

    private boolean carriesAReservedId(Hostile hostile) {
        if (hostile.key() != null && reserved.contains(new String(hostile.key(), StandardCharsets.UTF_8))) {
            return true;
        }
        try {
            return reserved.contains(decoder.decode(hostile.value()).getCameraId());
        } catch (RecordDecodeException | RuntimeException notAFrame) {
            return false;
        }
    }

    /** A camera id no other record has: {@code fzN}. */
    private String newCamera() {
        return "fz" + cameras++;
    }

    private Frame anyBase() {
        return random.nextInt(3) == 0 ? jpegBase : rgbBase;
    }

    private static Frame rekeyed(Frame base, String camera) {
        return Frame.newBuilder(base).setCameraId(camera).build();
    }

    private static Frame withSeq(Frame frame, long seq) {
        frame.setSeq(seq);
        return frame;
    }

    private static byte[] key(String camera) {
        return camera.getBytes(StandardCharsets.UTF_8);
    }

    private String randomId(int length) {
        StringBuilder id = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            id.append(ID_CHARS.charAt(random.nextInt(ID_CHARS.length())));
        }
        return id.toString();
    }

    private String randomUnicode(int codePoints) {
        StringBuilder id = new StringBuilder();
        for (int i = 0; i < codePoints; i++) {
            int c = random.nextInt(0x30000);
            id.appendCodePoint(Character.isSurrogate((char) c) && c <= 0xFFFF ? '?' : c);
        }
        return id.toString();
    }

    private static String describe(String id) {
        String shown = id.length() > 24 ? id.substring(0, 24) + "...(" + id.length() + " chars)" : id;
        StringBuilder out = new StringBuilder("'");
        shown.chars().forEach(c -> out.append(c < 0x20 || c > 0x7E ? String.format("\\u%04x", c) : String.valueOf((char) c)));
        return out.append('\'').toString();
    }

    /** A Frame record written field by field, whatever the values: the Avro binary encoding behind the header. */
    private byte[] raw(byte[] cameraId, long seq, long captureTime, int width, int height, int encodingIndex,
                       byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(data.length + cameraId.length + 64);
        out.writeBytes(frameHeader);
        BinaryEncoder avro = EncoderFactory.get().directBinaryEncoder(out, null);
        try {
            avro.writeBytes(cameraId); // a string is written as its length and bytes
            avro.writeLong(seq);
            avro.writeLong(captureTime);
            avro.writeInt(width);
            avro.writeInt(height);
            avro.writeEnum(encodingIndex);
            avro.writeBytes(data);
            avro.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** {@code jpeg} with the size in its baseline frame header (SOF0) replaced: the pixels stay as they are. */
    static byte[] withHeaderSize(byte[] jpeg, int width, int height) {
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
        throw new AssertionError("no SOF0 marker in the camera's JPEG");
    }
}
