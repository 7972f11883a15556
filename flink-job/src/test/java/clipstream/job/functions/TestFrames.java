package clipstream.job.functions;

import clipstream.job.records.Clip;
import clipstream.job.records.ValidatedFrame;
import java.util.Arrays;
import java.util.stream.LongStream;

/** Tiny frames for operator tests: 2x2 pixels whose every byte is the frame's seq, so a clip shows its order. */
final class TestFrames {
    static final int FRAME_BYTES = 2 * 2 * 3;
    static final long T0 = 1_700_000_000_000L;
    static final long FRAME_MS = 40;

    private TestFrames() {
    }

    static long captureTime(long seq) {
        return T0 + seq * FRAME_MS;
    }

    static ValidatedFrame frame(String camera, long seq) {
        byte[] pixels = new byte[FRAME_BYTES];
        Arrays.fill(pixels, (byte) seq);
        return new ValidatedFrame(camera, seq, captureTime(seq), pixels, 2, 2, "frames", 0, 1000 + seq);
    }

    /** The seq each frame slot of a clip shows (a filled slot shows the seq it copies). */
    static long[] seqsShown(Clip clip) {
        byte[] pixels = clip.pixels();
        return LongStream.range(0, pixels.length / FRAME_BYTES)
                .map(i -> Byte.toUnsignedLong(pixels[(int) i * FRAME_BYTES]))
                .toArray();
    }

    static long[] range(long firstInclusive, long lastInclusive) {
        return LongStream.rangeClosed(firstInclusive, lastInclusive).toArray();
    }
}
