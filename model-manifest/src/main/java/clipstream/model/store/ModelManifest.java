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
        @JsonProperty("files") SortedMap<String, String> files) {

    public static final int FORMAT = 1;
    public static final String FILE_NAME = "manifest.json";

    /** The input tensor: frames × height × width × channels, its layout and element type. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Input(@JsonProperty("frames") int frames, @JsonProperty("height") int height,
                        @JsonProperty("width") int width, @JsonProperty("channels") int channels,
                        @JsonProperty("layout") String layout, @JsonProperty("dtype") String dtype) {

        public static Input uint8(InputShape shape) {
            return new Input(shape.frames(), shape.height(), shape.width(), shape.channels(), "NTHWC", "uint8");
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
                signature, parameters, multiplyAdds, created, training, metrics, newFiles);
    }

    public ModelManifest withVersion(String newName, String newVersion) {
        return new ModelManifest(format, newName, newVersion, architecture, description, input, labels, normalization,
                signature, parameters, multiplyAdds, created, training, metrics, files);
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
