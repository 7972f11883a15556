package clipstream.model.store;

import clipstream.model.store.InputShape;
import clipstream.model.store.Normalization;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.SortedMap;

/**
 * What a stored model is: everything the runtime and the pipeline need to use it (input shape and layout,
 * labels, normalisation, signature names) and everything a person needs to trust it (how it was trained,
 * its metrics, the SHA-256 of every file). Stored as {@code manifest.json} beside the SavedModel.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ModelManifest(
        @JsonProperty("format") int format,
        @JsonProperty("name") String name,
        @JsonProperty("version") String version,
        @JsonProperty("architecture") String architecture,
        @JsonProperty("description") String description,
        @JsonProperty("input") Input input,
        @JsonProperty("labels") List<String> labels,
        @JsonProperty("normalization") NormalizationSpec normalization,
        @JsonProperty("signature") SignatureSpec signature,
        @JsonProperty("parameters") long parameters,
        @JsonProperty("multiply_adds") long multiplyAdds,
        @JsonProperty("created") String created,
        @JsonProperty("training") JsonNode training,
        @JsonProperty("metrics") JsonNode metrics,
        @JsonProperty("files") SortedMap<String, String> files,
        @JsonProperty("kind") String kind,
        @JsonProperty("pose") PoseSpec pose,
        @JsonProperty("source") JsonNode source,
        @JsonProperty("stream") StreamSpec stream) {

    public static final int FORMAT = 1;
    public static final String FILE_NAME = "manifest.json";
    /** A clip classifier (absent {@code kind} means this too). */
    public static final String KIND_ACTION = "action";
    /** A pose estimator: frames in, people with keypoints out ({@link #pose()} says how to read its output). */
    public static final String KIND_POSE = "pose";

    /** An action model's manifest (no {@code kind}, {@code pose} or {@code source}). */
    public ModelManifest(int format, String name, String version, String architecture, String description, Input input,
                         List<String> labels, NormalizationSpec normalization, SignatureSpec signature,
                         long parameters, long multiplyAdds, String created, JsonNode training, JsonNode metrics,
                         SortedMap<String, String> files) {
        this(format, name, version, architecture, description, input, labels, normalization, signature, parameters,
                multiplyAdds, created, training, metrics, files, null, null, null, null);
    }

    /** A manifest without a stream mode. */
    public ModelManifest(int format, String name, String version, String architecture, String description, Input input,
                         List<String> labels, NormalizationSpec normalization, SignatureSpec signature,
                         long parameters, long multiplyAdds, String created, JsonNode training, JsonNode metrics,
                         SortedMap<String, String> files, String kind, PoseSpec pose, JsonNode source) {
        this(format, name, version, architecture, description, input, labels, normalization, signature, parameters,
                multiplyAdds, created, training, metrics, files, kind, pose, source, null);
    }

    /** Whether the model can also run as a stream of chunks ({@link #stream()} says how). */
    public boolean isStream() {
        return stream != null;
    }

    /**
     * A stream model's second signature: it takes a chunk of new frames ({@code chunk_multiple} frames or a multiple
     * of it, at most the clip) with the states the last call returned, and gives the probabilities of the clip that
     * ends with the chunk's last frame and the next states. Zero states start a stream.
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record StreamSpec(@JsonProperty("key") String key, @JsonProperty("input") String input,
                             @JsonProperty("output") String output,
                             @JsonProperty("chunk_multiple") int chunkMultiple,
                             @JsonProperty("states") List<StateSpec> states) {
        /** Floats of state per camera, all states together. */
        public long stateFloats() {
            return states.stream().mapToLong(StateSpec::size).sum();
        }
    }

    /** One state tensor of a stream model: fed as {@code input}, returned as {@code output}, N × {@code shape}. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record StateSpec(@JsonProperty("input") String input, @JsonProperty("output") String output,
                            @JsonProperty("shape") long[] shape) {
        public long size() {
            long size = 1;
            for (long d : shape) {
                size *= d;
            }
            return size;
        }
    }

    /** Whether this is a pose model rather than a clip classifier. */
    public boolean isPose() {
        return KIND_POSE.equals(kind);
    }

    /**
     * How a pose model's output reads: the keypoints in order, the skeleton's edges (pairs of keypoint indexes), how
     * many people one frame's output holds, the layout of the output tensor and what the scores mean.
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record PoseSpec(@JsonProperty("keypoints") List<String> keypoints,
                           @JsonProperty("skeleton") List<List<Integer>> skeleton,
                           @JsonProperty("max_people") int maxPeople,
                           @JsonProperty("output_layout") String outputLayout,
                           @JsonProperty("scores") String scores) {
    }

    /** The input tensor: frames × height × width × channels, its layout and element type. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Input(@JsonProperty("frames") int frames, @JsonProperty("height") int height,
                        @JsonProperty("width") int width, @JsonProperty("channels") int channels,
                        @JsonProperty("layout") String layout, @JsonProperty("dtype") String dtype) {

        /** The layout of a keypoint clip: batch, frames, keypoints, (x, y, score). */
        public static final String KEYPOINTS_LAYOUT = "NTKC";

        public static Input uint8(InputShape shape) {
            return new Input(shape.frames(), shape.height(), shape.width(), shape.channels(), "NTHWC", "uint8");
        }

        /**
         * A keypoint clip, float32 N×T×K×3 ({@link #KEYPOINTS_LAYOUT}): {@code shape} is T × 1 × K × 3 (one row of K
         * keypoints per frame, x and y in [0, 1] of the person's clip box, then the score).
         */
        public static Input keypoints(InputShape shape) {
            if (shape.height() != 1 || shape.channels() != 3) {
                throw new IllegalArgumentException("A keypoint clip is T x 1 x K x 3, got " + shape);
            }
            return new Input(shape.frames(), 1, shape.width(), 3, KEYPOINTS_LAYOUT, "float32");
        }

        /** Whether the model takes keypoint clips rather than video. */
        public boolean isKeypoints() {
            return KEYPOINTS_LAYOUT.equals(layout);
        }

        /** Bytes of one input clip: its elements times 4 for float32 (a keypoint clip), times 1 for uint8. */
        public int clipBytes() {
            int elements = frames * height * width * channels;
            return "float32".equals(dtype) ? elements * Float.BYTES : elements;
        }

        public InputShape shape() {
            return new InputShape(frames, height, width, channels);
        }
    }

    /**
     * Per-channel {@code (x - mean) / std} on 0–255 pixels. {@code inGraph}: the SavedModel applies it itself and
     * takes raw uint8 pixels; otherwise the runtime applies it and feeds float32.
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record NormalizationSpec(@JsonProperty("mean") float[] mean, @JsonProperty("std") float[] std,
                                    @JsonProperty("in_graph") boolean inGraph) {

        public Normalization toNormalization() {
            return new Normalization(mean, std);
        }
    }

    /** The serving signature: its key and the names of its input and output. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record SignatureSpec(@JsonProperty("key") String key, @JsonProperty("input") String input,
                                @JsonProperty("output") String output,
                                @JsonProperty("output_is_probability") boolean outputIsProbability) {
    }

    public ModelManifest withFiles(SortedMap<String, String> newFiles) {
        return new ModelManifest(format, name, version, architecture, description, input, labels, normalization,
                signature, parameters, multiplyAdds, created, training, metrics, newFiles, kind, pose, source, stream);
    }

    public ModelManifest withVersion(String newName, String newVersion) {
        return new ModelManifest(format, newName, newVersion, architecture, description, input, labels, normalization,
                signature, parameters, multiplyAdds, created, training, metrics, files, kind, pose, source, stream);
    }

    /** Held-out accuracy ({@code metrics.accuracy}), or NaN when not evaluated. */
    public double accuracy() {
        return metrics != null && metrics.has("accuracy") ? metrics.get("accuracy").asDouble() : Double.NaN;
    }

    public int frames() {
        return input.frames();
    }

    public int height() {
        return input.height();
    }

    public int width() {
        return input.width();
    }

    public int channels() {
        return input.channels();
    }
}
