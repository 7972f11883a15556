package clipstream.schema.codec;

/** Why a byte array could not be decoded into a record; each maps to a dead-letter reason downstream. */
public enum DecodeFailure {
    /** No bytes at all (null or zero-length value). */
    EMPTY,
    /** Fewer bytes than the 10-byte single-object header, or the body ends early. */
    TRUNCATED,
    /** The bytes do not start with the Avro single-object marker 0xC3 0x01: not our wire format. */
    NOT_SINGLE_OBJECT,
    /** The header names a schema fingerprint this reader does not know. */
    UNKNOWN_SCHEMA,
    /** The header is fine but the body is not a valid record of the writer schema (bad lengths, trailing bytes, incompatible schema). */
    MALFORMED
}
