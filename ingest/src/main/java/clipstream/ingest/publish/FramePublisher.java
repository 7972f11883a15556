package clipstream.ingest.publish;

import clipstream.schema.Frame;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;

/**
 * A camera's publisher thread: drains its {@link FrameBuffer} into the shared producer, keyed by camera id, until
 * the buffer is closed and empty. A failed delivery closes the buffer so the camera stops reading.
 */
public final class FramePublisher implements Runnable {
    private static final long POLL_MILLIS = 100;

    private final FrameBuffer buffer;
    private final Producer<String, Frame> producer;
    private final String topic;
    private final String cameraId;
    private final DeliveryListener listener;
    private volatile boolean failed;

    public FramePublisher(FrameBuffer buffer, Producer<String, Frame> producer, String topic, String cameraId,
                          DeliveryListener listener) {
        this.buffer = buffer;
        this.producer = producer;
        this.topic = topic;
        this.cameraId = cameraId;
        this.listener = listener;
    }

    @Override
    public void run() {
        try {
            while (!failed) {
                Frame frame = buffer.poll(POLL_MILLIS, TimeUnit.MILLISECONDS);
                if (frame == null) {
                    if (buffer.drained()) {
                        return;
                    }
                    continue;
                }
                producer.send(new ProducerRecord<>(topic, cameraId, frame), (metadata, error) -> {
                    if (error == null) {
                        listener.acked(metadata.serializedValueSize());
                    } else {
                        fail(error);
                    }
                });
                listener.sent();
            }
        } catch (KafkaException e) {
            fail(e); // the producer refused the record outright (closed, fatal error, buffer wait timed out)
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void fail(Exception cause) {
        failed = true;
        buffer.close();
        listener.failed(cause);
    }
}
