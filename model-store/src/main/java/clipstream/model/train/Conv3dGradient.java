package clipstream.model.train;

import java.util.Arrays;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.TensorFlow;
import org.tensorflow.op.nn.Conv3d;
import org.tensorflow.op.nn.Conv3dBackpropFilter;
import org.tensorflow.op.nn.Conv3dBackpropInput;
import org.tensorflow.types.family.TNumber;

/**
 * The gradient of Conv3D, which TensorFlow's C API does not define ({@code No gradient defined for op: Conv3D}):
 * the input gradient is {@code Conv3DBackpropInputV2} and the filter gradient {@code Conv3DBackpropFilterV2},
 * with the forward op's strides, padding and dilations. Registered once per JVM.
 */
public final class Conv3dGradient {
    private static boolean registered;

    private Conv3dGradient() {
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    public static synchronized void register() {
        if (registered) {
            return;
        }
        TensorFlow.registerCustomGradient(Conv3d.Inputs.class, (tf, op, gradients) -> {
            Conv3d.Inputs<TNumber> conv = op;
            Operand dy = gradients.get(0);
            List<Long> strides = Arrays.stream(conv.strides).boxed().toList();
            List<Long> dilations = Arrays.stream(conv.dilations).boxed().toList();
            Operand<?> inputGradient = tf.nn.conv3dBackpropInput(tf.shape(conv.input), conv.filter, dy, strides,
                    conv.padding, Conv3dBackpropInput.dilations(dilations), Conv3dBackpropInput.dataFormat(conv.dataFormat));
            Operand<?> filterGradient = tf.nn.conv3dBackpropFilter(conv.input, tf.shape(conv.filter), dy, strides,
                    conv.padding, Conv3dBackpropFilter.dilations(dilations), Conv3dBackpropFilter.dataFormat(conv.dataFormat));
            return List.of(inputGradient, filterGradient);
        });
        registered = true;
    }
}
