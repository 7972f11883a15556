package clipstream.model.runtime;

import ai.djl.Device;
import ai.djl.engine.Engine;

/** A parsed {@code --device}: {@code cpu}, {@code gpu} (= gpu:0) or {@code gpu:N}. */
public record DeviceSpec(boolean gpu, int index) {

    public static DeviceSpec parse(String text) {
        String value = text.strip().toLowerCase(java.util.Locale.ROOT);
        if (value.equals("cpu")) {
            return new DeviceSpec(false, 0);
        }
        if (value.equals("gpu")) {
            return new DeviceSpec(true, 0);
        }
        if (value.startsWith("gpu:")) {
            try {
                int index = Integer.parseInt(value.substring(4));
                if (index >= 0) {
                    return new DeviceSpec(true, index);
                }
            } catch (NumberFormatException e) {
                // falls through to the error below
            }
        }
        throw new IllegalArgumentException("Invalid device '" + text + "': use cpu, gpu or gpu:N");
    }

    /** The DJL device, after checking that TensorFlow really sees it: never a silent CPU fallback. */
    public Device resolve(Engine engine) {
        if (!gpu) {
            return Device.cpu();
        }
        int gpus = engine.getGpuCount();
        if (index >= gpus) {
            throw new IllegalStateException("Device gpu:" + index + " was asked for, but TensorFlow sees "
                    + (gpus == 0 ? "no GPU" : gpus + " GPU(s)") + ". The CPU natives cannot use a GPU: build with "
                    + "-Pgpu (CUDA 12 + cuDNN 8 libraries needed at run time), or run with --device cpu.");
        }
        return Device.gpu(index);
    }
}
