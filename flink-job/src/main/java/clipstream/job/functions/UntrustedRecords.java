package clipstream.job.functions;

import clipstream.schema.DeadLetterReason;
import clipstream.schema.codec.DecodeFailure;
import clipstream.schema.codec.RecordDecodeException;
import clipstream.schema.codec.RecordDecoder;
import org.apache.avro.specific.SpecificRecord;

/**
 * Decoding the bytes a camera or an edge device sent, which nobody vouches for: a record, or the reason and message
 * its dead letter carries. Never throws for the record's fault, so a hostile record cannot end the job.
 */
final class UntrustedRecords {

    private UntrustedRecords() {
    }

    /** A decoded record, or (with {@code record} null) why it was refused. */
    record Decoded<T>(T record, DeadLetterReason reason, String problem) {
        boolean refused() {
            return record == null;
        }
    }

    static <T extends SpecificRecord> Decoded<T> decode(RecordDecoder<T> decoder, byte[] value) {
        try {
            return new Decoded<>(decoder.decode(value), null, null);
        } catch (RecordDecodeException e) {
            DeadLetterReason reason = e.failure() == DecodeFailure.UNKNOWN_SCHEMA
                    ? DeadLetterReason.UNKNOWN_SCHEMA : DeadLetterReason.UNDECODABLE;
            return new Decoded<>(null, reason, e.getMessage());
        } catch (RuntimeException e) {
            // the decoder's own failures on bytes nobody vouches for: the record's fault, never the job's end
            return new Decoded<>(null, DeadLetterReason.UNDECODABLE, "the record does not decode: " + e);
        }
    }
}
