package clipstream.ingest.source;

import java.io.IOException;

/** Where a camera's frames come from: a video file, a live stream, a folder of images or a generator. */
public interface CameraSource extends AutoCloseable {

    /** The next frame, or null when the source has ended (a file's end; a live source that cannot continue). */
    CapturedFrame next() throws IOException;

    TimeBase timeBase();

    /** Whether it is a live feed (frames may be dropped when Kafka falls behind) rather than a recording. */
    boolean live();

    /** Times a live source reconnected after losing its stream (after it ended or dropped). */
    default long reconnects() {
        return 0;
    }

    /** Times a live source's stream ended normally (the server closed it): not an error, reconnected all the same. */
    default long streamEnds() {
        return 0;
    }

    /** Times a live source's stream dropped: a network or decoding error, or no data for the read timeout. */
    default long streamDrops() {
        return 0;
    }

    @Override
    void close();
}
