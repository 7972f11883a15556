package clipstream.dashboard.board;

/** A camera's latest sampled frame as a small JPEG, with the frame's capture time (epoch ms). */
public record Thumbnail(byte[] jpeg, int width, int height, long captureTime) {
}
