package clipstream.schema.codec;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.message.SchemaStore;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;

/**
 * Reads records written in Avro single-object encoding by any known version of their schema.
 *
 * <p>Known versions are the current generated class's schema plus every same-named schema in
 * {@link SchemaHistory}; a record from another writer schema fails with
 * {@link DecodeFailure#UNKNOWN_SCHEMA}. Every failure is a {@link RecordDecodeException} whose
 * {@link DecodeFailure} says why — never a null. Thread-safe.
 *
 * <p>The header is parsed here instead of by Avro's {@code BinaryMessageDecoder} so that wrong magic,
 * short input, an unknown fingerprint, a truncated body and trailing garbage are told apart.
 */
public final class RecordDecoder<T extends SpecificRecord> {
    static final byte MARKER_0 = (byte) 0xC3;
    static final byte MARKER_1 = (byte) 0x01;
    static final int HEADER_LENGTH = 10;

    private final Class<T> type;
    private final SpecificData model;
    private final Schema readerSchema;
    private final SchemaStore.Cache knownSchemas = new SchemaStore.Cache();
    private final Map<Long, SpecificDatumReader<T>> readers = new ConcurrentHashMap<>();

    private RecordDecoder(Class<T> type, Collection<Schema> extraWriterSchemas) {
        this.type = type;
        this.model = SpecificData.getForClass(type);
        this.readerSchema = model.getSchema(type);
        TrustedClasses.trust(readerSchema);
        knownSchemas.addSchema(readerSchema);
        List<Schema> writers = new ArrayList<>(SchemaHistory.load());
        writers.addAll(extraWriterSchemas);
        for (Schema writer : writers) {
            if (writer.getFullName().equals(readerSchema.getFullName())) {
                knownSchemas.addSchema(writer);
            }
        }
    }

    /** A decoder for {@code type} that knows its current schema and its history. */
    public static <T extends SpecificRecord> RecordDecoder<T> of(Class<T> type) {
        return new RecordDecoder<>(type, List.of());
    }

    /** A decoder that also accepts the given writer schemas (e.g. a newer producer's, deployed ahead of this reader). */
    public static <T extends SpecificRecord> RecordDecoder<T> of(Class<T> type, Collection<Schema> extraWriterSchemas) {
        return new RecordDecoder<>(type, extraWriterSchemas);
    }

    public Class<T> type() {
        return type;
    }

    public T decode(byte[] bytes) throws RecordDecodeException {
        return decode(bytes, null);
    }

    /**
     * Decodes {@code bytes}, reusing {@code reuse} (and its buffers, such as a frame's pixel buffer when
     * it is large enough) when it is not null.
     */
    public T decode(byte[] bytes, T reuse) throws RecordDecodeException {
        SpecificDatumReader<T> reader = readerFor(fingerprint(bytes));
        BinaryDecoder decoder = DecoderFactory.get()
                .binaryDecoder(bytes, HEADER_LENGTH, bytes.length - HEADER_LENGTH, null);
        T record = readBody(bytes, () -> reader.read(reuse, decoder));
        requireEnd(decoder);
        return record;
    }

    /**
     * A reader of one {@code long} field of these records (a timestamp, a sequence number) that skips every other
     * field instead of decoding it: a frame's pixels are neither copied nor allocated. It accepts the same writer
     * schemas as this decoder and fails the same way on bad input.
     *
     * @throws IllegalArgumentException if the current schema has no such field of type long
     */
    public LongField longField(String name) {
        Schema.Field field = readerSchema.getField(name);
        if (field == null || field.schema().getType() != Schema.Type.LONG) {
            throw new IllegalArgumentException(readerSchema.getFullName() + " has no long field '" + name + "'");
        }
        return new LongField(field);
    }

    /** One long field of the records, read without decoding the others. Thread-safe. */
    public final class LongField {
        private final Schema projection;
        private final String name;
        private final Map<Long, GenericDatumReader<GenericRecord>> projectors = new ConcurrentHashMap<>();

        private LongField(Schema.Field field) {
            this.name = field.name();
            this.projection = Schema.createRecord(readerSchema.getName(), null, readerSchema.getNamespace(), false,
                    List.of(new Schema.Field(field.name(), field.schema(), field.doc(), field.defaultVal())));
        }

        /** The field's value in {@code bytes}, a record in single-object encoding. */
        public long read(byte[] bytes) throws RecordDecodeException {
            long fingerprint = fingerprint(bytes);
            GenericDatumReader<GenericRecord> reader = projectors.get(fingerprint);
            if (reader == null) {
                Schema writer = writerSchema(fingerprint);
                reader = projectors.computeIfAbsent(fingerprint,
                        f -> new GenericDatumReader<>(writer, projection, GenericData.get()));
            }
            GenericDatumReader<GenericRecord> projector = reader;
            BinaryDecoder decoder = DecoderFactory.get()
                    .binaryDecoder(bytes, HEADER_LENGTH, bytes.length - HEADER_LENGTH, null);
            GenericRecord record = readBody(bytes, () -> projector.read(null, decoder));
            requireEnd(decoder);
            if (!(record.get(0) instanceof Long value)) {
                throw new RecordDecodeException(DecodeFailure.MALFORMED, "Malformed " + type.getSimpleName() + ": "
                        + name + " is not a long");
            }
            return value;
        }
    }

    private long fingerprint(byte[] bytes) throws RecordDecodeException {
        if (bytes == null || bytes.length == 0) {
            throw new RecordDecodeException(DecodeFailure.EMPTY, "Empty value: expected a " + type.getSimpleName()
                    + " in Avro single-object encoding");
        }
        if (bytes[0] != MARKER_0 || (bytes.length > 1 && bytes[1] != MARKER_1)) {
            throw new RecordDecodeException(DecodeFailure.NOT_SINGLE_OBJECT, String.format(
                    "Not an Avro single-object record: starts with 0x%s, expected 0xC301 (wrong producer or serializer?)",
                    HexFormat.of().formatHex(bytes, 0, Math.min(2, bytes.length))));
        }
        if (bytes.length < HEADER_LENGTH) {
            throw new RecordDecodeException(DecodeFailure.TRUNCATED, "Truncated header: " + bytes.length
                    + " bytes, the single-object header alone has " + HEADER_LENGTH);
        }
        return ByteBuffer.wrap(bytes, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    }

    /** One Avro read: the only place its exceptions are turned into typed failures. */
    private <R> R readBody(byte[] bytes, AvroRead<R> read) throws RecordDecodeException {
        try {
            return read.read();
        } catch (EOFException e) {
            throw new RecordDecodeException(DecodeFailure.TRUNCATED, "Truncated " + type.getSimpleName()
                    + ": the body ended early (" + bytes.length + " bytes in all)", e);
        } catch (IOException | AvroRuntimeException | IndexOutOfBoundsException | NegativeArraySizeException
                 | ClassCastException | UnsupportedOperationException e) {
            // UnsupportedOperationException: Avro's refusal of a length above what a Java array holds, e.g. a
            // string or bytes field whose varint length a flipped bit made 2^31 or more
            throw new RecordDecodeException(DecodeFailure.MALFORMED, "Malformed " + type.getSimpleName() + " body: "
                    + e.getMessage(), e);
        }
    }

    private void requireEnd(BinaryDecoder decoder) throws RecordDecodeException {
        try {
            if (!decoder.isEnd()) {
                throw new RecordDecodeException(DecodeFailure.MALFORMED, "Malformed " + type.getSimpleName()
                        + ": unexpected bytes after the end of the record");
            }
        } catch (IOException e) {
            throw new RecordDecodeException(DecodeFailure.MALFORMED, "Malformed " + type.getSimpleName(), e);
        }
    }

    private SpecificDatumReader<T> readerFor(long fingerprint) throws RecordDecodeException {
        SpecificDatumReader<T> reader = readers.get(fingerprint);
        if (reader != null) {
            return reader;
        }
        Schema writer = writerSchema(fingerprint);
        return readers.computeIfAbsent(fingerprint, f -> new SpecificDatumReader<>(writer, readerSchema, model));
    }

    private Schema writerSchema(long fingerprint) throws RecordDecodeException {
        Schema writer = knownSchemas.findByFingerprint(fingerprint);
        if (writer == null) {
            throw new RecordDecodeException(DecodeFailure.UNKNOWN_SCHEMA, String.format(
                    "Unknown schema fingerprint %016x for %s: the writer used a schema version this reader does not"
                            + " know (current: %016x). Deploy the newer schemas module or add the schema to the history.",
                    fingerprint, type.getSimpleName(), SchemaNormalization.parsingFingerprint64(readerSchema)));
        }
        return writer;
    }

    @FunctionalInterface
    private interface AvroRead<R> {
        R read() throws IOException;
    }

}
