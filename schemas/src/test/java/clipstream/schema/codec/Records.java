package clipstream.schema.codec;

import clipstream.schema.Alert;
import clipstream.schema.ClipEvent;
import clipstream.schema.DeadLetter;
import clipstream.schema.DeadLetterReason;
import clipstream.schema.Frame;
import clipstream.schema.FrameEncoding;
import clipstream.schema.Keypoint;
import clipstream.schema.LabelScore;
import clipstream.schema.Person;
import clipstream.schema.PersonPoses;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.Random;

/** Sample records for the codec tests. */
final class Records {
    private Records() {
    }

    static Frame rgbFrame(int width, int height, long seed) {
        byte[] pixels = new byte[width * height * 3];
        new Random(seed).nextBytes(pixels);
        return Frame.newBuilder()
                .setCameraId("cam-" + seed)
                .setSeq(1_000_000L + seed)
                .setCaptureTime(Instant.ofEpochMilli(1_764_000_000_000L + seed))
                .setWidth(width)
                .setHeight(height)
                .setEncoding(FrameEncoding.RGB24)
                .setData(ByteBuffer.wrap(pixels))
                .build();
    }

    static ClipEvent clipEvent() {
        return ClipEvent.newBuilder()
                .setEventId("cam-7:160:c3d-small@3")
                .setCameraId("cam-7")
                .setFirstSeq(160)
                .setLastSeq(191)
                .setStartTime(Instant.ofEpochMilli(1_764_000_000_000L))
                .setEndTime(Instant.ofEpochMilli(1_764_000_001_240L))
                .setLabel("left")
                .setScore(0.91f)
                .setTopK(List.of(new LabelScore("left", 0.91f), new LabelScore("still", 0.05f)))
                .setModelName("c3d-small")
                .setModelVersion("3")
                .setFramesFilled(2)
                .setInferenceMs(12.5f)
                .build();
    }

    static DeadLetter deadLetter() {
        return DeadLetter.newBuilder()
                .setSourceTopic("frames")
                .setSourcePartition(3)
                .setSourceOffset(42L)
                .setKey(ByteBuffer.wrap(new byte[] {'c', 'a', 'm'}))
                .setValue(ByteBuffer.wrap(new byte[] {1, 2, 3, 4}))
                .setReason(DeadLetterReason.UNDECODABLE)
                .setMessage("Not an Avro single-object record")
                .setTime(Instant.ofEpochMilli(1_764_000_002_000L))
                .build();
    }

    static Alert alert() {
        return Alert.newBuilder()
                .setAlertId("fall-detected:cam-7:cam-7:160:c3d-small@3")
                .setRule("fall-detected")
                .setCameraId("cam-7")
                .setLabel("down")
                .setScore(0.97f)
                .setFirstEventTime(Instant.ofEpochMilli(1_764_000_000_000L))
                .setLastEventTime(Instant.ofEpochMilli(1_764_000_003_000L))
                .setEventCount(2)
                .setEventIds(List.of("cam-7:144:c3d-small@3", "cam-7:160:c3d-small@3"))
                .build();
    }

    /** Two people in a 640x480 frame, the second not tracked yet. */
    static PersonPoses personPoses() {
        List<Keypoint> keypoints = java.util.stream.IntStream.range(0, 17)
                .mapToObj(k -> new Keypoint(100f + k, 50f + 10 * k, k / 17f)).toList();
        return PersonPoses.newBuilder()
                .setCameraId("cam-7").setSeq(160).setCaptureTime(Instant.ofEpochMilli(1_764_000_003_000L))
                .setWidth(640).setHeight(480).setModelName("movenet-multipose").setModelVersion("1")
                .setPeople(List.of(
                        new Person(3L, 0.46f, 80f, 40f, 200f, 470f, keypoints),
                        new Person(-1L, 0.27f, 400f, 100f, 460f, 300f, keypoints)))
                .build();
    }
}
