package clipstream.ingest.run;

import java.time.Duration;

/** One camera of a run, whatever it publishes (frames, or the poses of a camera that runs pose estimation itself). */
interface CameraRun {

    CameraStats stats();

    String id();

    /** Starts reading and publishing; the camera's first record gets {@code firstSeq}. */
    void start(long firstSeq);

    /** Asks the camera to stop after the record in hand; what was read is still published. */
    void stop();

    /** Waits until the camera and its publishing have finished, up to {@code timeout}. */
    boolean await(Duration timeout) throws InterruptedException;

    /** Marks the camera ended once everything it sent has been acknowledged or failed. */
    void finish();
}
