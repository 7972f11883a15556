package clipstream.model.train;

import clipstream.model.zoo.NetworkPlan;
import clipstream.model.zoo.NetworkPlan.VariableSpec;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Seeded Glorot-uniform kernels, zero biases, and identity batch normalisation (gamma 1, beta 0, moving mean 0,
 * moving variance 1) — Keras' defaults — so a training run is reproducible from its seed.
 */
public final class WeightInit {
    private WeightInit() {
    }

    public static Map<String, float[]> initial(NetworkPlan plan, long seed) {
        Map<String, float[]> weights = new LinkedHashMap<>();
        SplittableRandom random = new SplittableRandom(seed);
        for (VariableSpec spec : plan.variables()) {
            float[] values = new float[spec.size()];
            if (spec.name().endsWith("/gamma") || spec.name().endsWith("/moving_variance")) {
                java.util.Arrays.fill(values, 1f);
            } else if (spec.name().endsWith("/kernel")) {
                long[] shape = spec.shape();
                long receptive = 1;
                for (int i = 0; i < shape.length - 2; i++) {
                    receptive *= shape[i];
                }
                long fanIn = receptive * shape[shape.length - 2];
                long fanOut = receptive * shape[shape.length - 1];
                double limit = Math.sqrt(6.0 / (fanIn + fanOut));
                SplittableRandom local = random.split();
                for (int i = 0; i < values.length; i++) {
                    values[i] = (float) local.nextDouble(-limit, limit);
                }
            }
            weights.put(spec.name(), values);
        }
        return weights;
    }
}
