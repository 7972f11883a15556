package clipstream.job.operators;

import clipstream.job.records.Clip;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Where a camera's stream stands: the model version its state belongs to, the seq its next chunk must start at, and
 * the first seq, first capture time and filled frames of its last {@code window} chunks (the chunks of the clip that
 * ends with the newest one), oldest first. Kept in keyed state as bytes ({@link #toBytes}): a few hundred bytes.
 */
record StreamPosition(String modelVersion, long nextSeq, int chunks, long[] firstSeqs, long[] startTimes,
                      int[] filled) {

    /** A stream of {@code window} chunks per clip that has seen nothing yet. */
    static StreamPosition start(String modelVersion, int window) {
        return new StreamPosition(modelVersion, Long.MIN_VALUE, 0, new long[window], new long[window], new int[window]);
    }

    /** Whether {@code chunk} carries on this stream: same model version and the seq right after the last chunk. */
    boolean continuedBy(Clip chunk, String version) {
        return chunks > 0 && modelVersion.equals(version) && chunk.firstSeq() == nextSeq;
    }

    /** The stream after {@code chunk}. */
    StreamPosition after(Clip chunk) {
        int window = firstSeqs.length;
        long[] seqs = new long[window];
        long[] times = new long[window];
        int[] fills = new int[window];
        System.arraycopy(firstSeqs, 1, seqs, 0, window - 1);
        System.arraycopy(startTimes, 1, times, 0, window - 1);
        System.arraycopy(filled, 1, fills, 0, window - 1);
        seqs[window - 1] = chunk.firstSeq();
        times[window - 1] = chunk.startTime();
        fills[window - 1] = chunk.framesFilled();
        long next = chunk.lastSeq() == Long.MAX_VALUE ? Long.MIN_VALUE : chunk.lastSeq() + 1;
        return new StreamPosition(modelVersion, next, Math.min(chunks + 1, window), seqs, times, fills);
    }

    /** Whether the last chunk completed a whole clip since the stream started. */
    boolean wholeClip() {
        return chunks == firstSeqs.length;
    }

    /** The clip that ends with {@code chunk} (this position being the one after it): the event's clip, no pixels. */
    Clip clipEndingWith(Clip chunk) {
        int total = 0;
        for (int f : filled) {
            total += f;
        }
        return new Clip(chunk.cameraId(), firstSeqs[0], chunk.lastSeq(), startTimes[0], chunk.endTime(), total,
                new byte[0], chunk.completedAt());
    }

    byte[] toBytes() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(32 + 20 * firstSeqs.length);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeUTF(modelVersion);
            out.writeLong(nextSeq);
            out.writeInt(chunks);
            out.writeInt(firstSeqs.length);
            for (int i = 0; i < firstSeqs.length; i++) {
                out.writeLong(firstSeqs[i]);
                out.writeLong(startTimes[i]);
                out.writeInt(filled[i]);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static StreamPosition fromBytes(byte[] bytes) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            String version = in.readUTF();
            long next = in.readLong();
            int chunks = in.readInt();
            int window = in.readInt();
            long[] seqs = new long[window];
            long[] times = new long[window];
            int[] fills = new int[window];
            for (int i = 0; i < window; i++) {
                seqs[i] = in.readLong();
                times[i] = in.readLong();
                fills[i] = in.readInt();
            }
            return new StreamPosition(version, next, chunks, seqs, times, fills);
        } catch (IOException e) {
            throw new UncheckedIOException("a camera's stream position does not read back", e);
        }
    }
}
