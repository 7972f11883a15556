package clipstream.model.runtime;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.NoBatchifyTranslator;
import ai.djl.translate.TranslatorContext;
import clipstream.model.store.ModelManifest;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Turns a batch of clips (frame bytes packed in a direct buffer) into the model's input tensor and its
 * output into a plain float array. Everything native it creates belongs to the predictor's per-call
 * manager, which DJL closes when the call returns: no tensor outlives a call.
 */
final class ClipBatchTranslator implements NoBatchifyTranslator<ClipBatchTranslator.Batch, float[]> {
    private final ModelManifest manifest;

    ClipBatchTranslator(ModelManifest manifest) {
        this.manifest = manifest;
    }

    /** {@code count} clips of uint8 NTHWC pixels in {@code pixels} (position 0, limit = count × clip bytes). */
    record Batch(ByteBuffer pixels, int count) {
    }

    @Override
    public NDList processInput(TranslatorContext ctx, Batch batch) {
        ModelManifest.Input in = manifest.input();
        if (in.isKeypoints()) {
            // keypoint clips: little-endian float32 N×T×K×3, already normalised to each person's clip box
            NDArray keypoints = ctx.getNDManager().create(batch.pixels().order(ByteOrder.LITTLE_ENDIAN),
                    new Shape(batch.count(), in.frames(), in.width(), in.channels()), DataType.FLOAT32);
            keypoints.setName(manifest.signature().input());
            return new NDList(keypoints);
        }
        Shape shape = new Shape(batch.count(), in.frames(), in.height(), in.width(), in.channels());
        NDArray pixels = ctx.getNDManager().create(batch.pixels(), shape, DataType.UINT8);
        if (manifest.normalization().inGraph() || "uint8".equals(in.dtype())) {
            // the model takes raw pixels (and normalises them itself, if at all)
            pixels.setName(manifest.signature().input());
            return new NDList(pixels);
        }
        // a model trained elsewhere takes normalised float32: apply the manifest's values here
        NDArray mean = ctx.getNDManager().create(manifest.normalization().mean());
        NDArray std = ctx.getNDManager().create(manifest.normalization().std());
        NDArray input = pixels.toType(DataType.FLOAT32, false).sub(mean).div(std);
        input.setName(manifest.signature().input());
        return new NDList(input);
    }

    @Override
    public float[] processOutput(TranslatorContext ctx, NDList list) {
        String name = manifest.signature().output();
        NDArray output = list.contains(name) ? list.get(name) : list.singletonOrThrow();
        if (!manifest.signature().outputIsProbability()) {
            output = output.softmax(-1);
        }
        return output.toType(DataType.FLOAT32, false).toFloatArray();
    }
}
