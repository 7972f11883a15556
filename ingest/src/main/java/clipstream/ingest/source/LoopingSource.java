package clipstream.ingest.source;

import java.io.IOException;

/**
 * Plays a recording again from the start when it ends, shifting media times so that they keep increasing by
 * about one frame interval across the seam. Stops if a pass yields no frame at all.
 */
final class LoopingSource implements CameraSource {
    private static final long FALLBACK_INTERVAL_MICROS = 40_000;

    private final SourceOpener opener;
    private CameraSource current;
    private long offsetMicros;
    private long lastMicros = Long.MIN_VALUE;
    private long intervalMicros = FALLBACK_INTERVAL_MICROS;
    private boolean passStarted;
    private boolean framesInPass;

    LoopingSource(SourceOpener opener) throws IOException {
        this.opener = opener;
        this.current = opener.open();
    }

    @Override
    public CapturedFrame next() throws IOException {
        while (true) {
            CapturedFrame frame = current.next();
            if (frame != null) {
                return shifted(frame);
            }
            if (!framesInPass) {
                return null;
            }
            current.close();
            current = opener.open();
            passStarted = false;
            framesInPass = false;
        }
    }

    private CapturedFrame shifted(CapturedFrame frame) {
        if (!passStarted && lastMicros != Long.MIN_VALUE) {
            offsetMicros = lastMicros + intervalMicros - frame.timeMicros();
        }
        passStarted = true;
        framesInPass = true;
        long time = frame.timeMicros() + offsetMicros;
        if (lastMicros != Long.MIN_VALUE && time > lastMicros) {
            intervalMicros = time - lastMicros;
        }
        lastMicros = time;
        return new CapturedFrame(frame.rgb(), frame.width(), frame.height(), time);
    }

    @Override
    public TimeBase timeBase() {
        return current.timeBase();
    }

    @Override
    public boolean live() {
        return current.live();
    }

    @Override
    public void close() {
        current.close();
    }
}
