package clipstream.schema.codec;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

/**
 * Writes records in Avro single-object encoding (0xC3 0x01, 8-byte schema fingerprint, binary body).
 *
 * <p>Thread-safe. {@link #encode(SpecificRecord, OutputStream)} streams the body straight from the
 * record's buffers (a frame's pixels are copied once, into the stream); {@link #toBytes} reuses a
 * per-thread scratch buffer and copies once more into the array Kafka needs.
 */
public final class RecordEncoder<T extends SpecificRecord> {
    private final Class<T> type;
    private final BinaryMessageEncoder<T> encoder;
    private final ThreadLocal<ScratchBuffer> scratch = ThreadLocal.withInitial(ScratchBuffer::new);

    private RecordEncoder(Class<T> type) {
        this.type = type;
        SpecificData model = SpecificData.getForClass(type);
        this.encoder = new BinaryMessageEncoder<>(model, model.getSchema(type));
    }

    public static <T extends SpecificRecord> RecordEncoder<T> of(Class<T> type) {
        return new RecordEncoder<>(type);
    }

    public Class<T> type() {
        return type;
    }

    /** Writes one record to {@code out}. */
    public void encode(T record, OutputStream out) throws IOException {
        encoder.encode(record, out);
    }

    /** Returns the single-object encoding of {@code record} as a fresh array. */
    public byte[] toBytes(T record) {
        ScratchBuffer buffer = scratch.get();
        buffer.reset();
        try {
            encoder.encode(record, buffer);
        } catch (IOException e) {
            // writing into memory cannot fail with I/O; anything here is a record that does not fit its schema
            throw new UncheckedIOException("Cannot encode " + type.getSimpleName(), e);
        }
        byte[] bytes = buffer.copy();
        buffer.shrinkIfHuge();
        return bytes;
    }

    /** A ByteArrayOutputStream whose array is reused across records of one thread. */
    private static final class ScratchBuffer extends ByteArrayOutputStream {
        private static final int KEEP_AT_MOST = 16 << 20;

        ScratchBuffer() {
            super(64 << 10);
        }

        byte[] copy() {
            return Arrays.copyOf(buf, count);
        }

        void shrinkIfHuge() {
            if (buf.length > KEEP_AT_MOST) {
                buf = new byte[64 << 10];
            }
        }
    }
}
