package clipstream.ingest.publish;

/** Told what became of each frame a {@link FramePublisher} sends. Called from Kafka's I/O thread: be quick. */
public interface DeliveryListener {
    void sent();

    void acked(int valueBytes);

    /** A frame was not delivered; the publisher stops after this. */
    void failed(Exception cause);
}
