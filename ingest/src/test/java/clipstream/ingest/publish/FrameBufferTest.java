package clipstream.ingest.publish;

import static org.assertj.core.api.Assertions.assertThat;

import clipstream.schema.Frame;
import clipstream.schema.FrameEncoding;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class FrameBufferTest {

    @Test
    void dropOldestKeepsTheNewestFramesAndCountsTheDropped() throws Exception {
        FrameBuffer buffer = new FrameBuffer(3, OverflowPolicy.DROP_OLDEST);
        for (long seq = 0; seq < 10; seq++) {
            assertThat(buffer.put(frame(seq))).isTrue();
        }
        assertThat(buffer.dropped()).isEqualTo(7);
        assertThat(buffer.poll(0, TimeUnit.MILLISECONDS).getSeq()).isEqualTo(7);
        assertThat(buffer.poll(0, TimeUnit.MILLISECONDS).getSeq()).isEqualTo(8);
        assertThat(buffer.poll(0, TimeUnit.MILLISECONDS).getSeq()).isEqualTo(9);
        assertThat(buffer.poll(0, TimeUnit.MILLISECONDS)).isNull();
    }

    @Test
    void blockWaitsForRoomAndLosesNothing() throws Exception {
        FrameBuffer buffer = new FrameBuffer(2, OverflowPolicy.BLOCK);
        buffer.put(frame(0));
        buffer.put(frame(1));
        Thread camera = new Thread(() -> {
            try {
                buffer.put(frame(2));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        camera.start();
        awaitState(camera, Thread.State.WAITING);
        assertThat(buffer.size()).isEqualTo(2);

        assertThat(buffer.poll(1, TimeUnit.SECONDS).getSeq()).isZero();
        camera.join(5_000);
        assertThat(camera.isAlive()).isFalse();
        assertThat(buffer.poll(1, TimeUnit.SECONDS).getSeq()).isEqualTo(1);
        assertThat(buffer.poll(1, TimeUnit.SECONDS).getSeq()).isEqualTo(2);
        assertThat(buffer.dropped()).isZero();
    }

    @Test
    void closeReleasesABlockedCameraAndLetsThePublisherDrain() throws Exception {
        FrameBuffer buffer = new FrameBuffer(1, OverflowPolicy.BLOCK);
        buffer.put(frame(0));
        CompletableFuture<Boolean> blockedPut = CompletableFuture.supplyAsync(() -> {
            try {
                return buffer.put(frame(1));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        buffer.close();
        assertThat(blockedPut.get(5, TimeUnit.SECONDS)).isFalse();
        assertThat(buffer.drained()).isFalse();
        assertThat(buffer.poll(0, TimeUnit.MILLISECONDS).getSeq()).isZero();
        assertThat(buffer.drained()).isTrue();
        assertThat(buffer.poll(1, TimeUnit.SECONDS)).isNull();
    }

    private static void awaitState(Thread thread, Thread.State state) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (thread.getState() != state) {
            assertThat(System.nanoTime()).as("thread reaching %s", state).isLessThan(deadline);
            Thread.onSpinWait();
        }
    }

    private static Frame frame(long seq) {
        return new Frame("cam", seq, Instant.ofEpochMilli(seq), 1, 1, FrameEncoding.RGB24,
                ByteBuffer.wrap(new byte[3]));
    }
}
