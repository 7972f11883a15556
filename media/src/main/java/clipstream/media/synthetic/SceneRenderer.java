package clipstream.media.synthetic;

import java.util.SplittableRandom;

/**
 * Renders one motion-actions scene: a textured, noisy background and one textured object whose motion
 * over the frames is the label. Position, size, colour, shape, orientation and brightness of the object
 * are random per scene, so a single frame says nothing about the class; only the change over time does.
 *
 * <p>Rates (pixels per frame, degrees per frame, growth per frame) are drawn per frame, independent of the
 * scene length, so a 32-frame training clip and a window of a long live segment look alike.
 */
public final class SceneRenderer {
    private static final double NOISE_SIGMA = 6.0;

    private final int width;
    private final int height;

    public SceneRenderer(int width, int height) {
        if (width < 16 || height < 16) {
            throw new IllegalArgumentException("Scenes need at least 16x16 pixels, got " + width + "x" + height);
        }
        this.width = width;
        this.height = height;
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    /** Renders {@code frames} RGB24 frames of {@code action} into {@code out} (frame-major, [t][y][x][c]) at {@code offset}. */
    public void render(MotionAction action, int frames, long seed, byte[] out, int offset) {
        int frameBytes = width * height * 3;
        if (out.length - offset < (long) frames * frameBytes) {
            throw new IllegalArgumentException("Output holds " + (out.length - offset) + " bytes, " + frames
                    + " frames need " + (long) frames * frameBytes);
        }
        SplittableRandom random = new SplittableRandom(seed);
        float[] background = background(random);
        Motion motion = Motion.sample(action, frames, width, height, random);
        ObjectLook look = ObjectLook.sample(random);
        for (int t = 0; t < frames; t++) {
            drawFrame(background, look, motion.at(t), random, out, offset + t * frameBytes);
        }
    }

    /** Renders a fresh array holding {@code frames} frames. */
    public byte[] render(MotionAction action, int frames, long seed) {
        byte[] out = new byte[frames * width * height * 3];
        render(action, frames, seed, out, 0);
        return out;
    }

    private float[] background(SplittableRandom random) {
        // backgrounds are darker than objects so the object always stands out; a single frame still
        // shows nothing but an object somewhere
        float[] a = randomColour(random, 0.1, 0.5);
        float[] b = randomColour(random, 0.1, 0.5);
        double[][] waves = new double[3][4];
        for (double[] wave : waves) {
            wave[0] = random.nextDouble(0.02, 0.25); // spatial frequency
            wave[1] = random.nextDouble(0, Math.PI); // direction
            wave[2] = random.nextDouble(0, 2 * Math.PI); // phase
            wave[3] = random.nextDouble(0.3, 1.0); // weight
        }
        float[] pixels = new float[width * height * 3];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                double mix = 0;
                double weights = 0;
                for (double[] w : waves) {
                    double u = x * Math.cos(w[1]) + y * Math.sin(w[1]);
                    mix += w[3] * Math.sin(u * w[0] * 2 * Math.PI + w[2]);
                    weights += w[3];
                }
                double m = 0.5 + 0.5 * mix / weights;
                double grain = random.nextDouble(-8, 8);
                int p = (y * width + x) * 3;
                for (int c = 0; c < 3; c++) {
                    pixels[p + c] = (float) ((a[c] * m + b[c] * (1 - m)) * 255 + grain);
                }
            }
        }
        return pixels;
    }

    private void drawFrame(float[] background, ObjectLook look, Pose pose, SplittableRandom random, byte[] out, int at) {
        double cos = Math.cos(-pose.angle());
        double sin = Math.sin(-pose.angle());
        double reach = pose.size() * 1.5;
        for (int y = 0; y < height; y++) {
            double dy = wrap(y - pose.y(), height);
            for (int x = 0; x < width; x++) {
                int p = (y * width + x) * 3;
                float r = background[p];
                float g = background[p + 1];
                float b = background[p + 2];
                double dx = wrap(x - pose.x(), width);
                if (Math.abs(dx) <= reach && Math.abs(dy) <= reach) {
                    double u = (dx * cos - dy * sin) / pose.size();
                    double v = (dx * sin + dy * cos) / pose.size();
                    if (look.contains(u, v)) {
                        double shade = pose.brightness() * look.stripe(u);
                        r = (float) (look.colour()[0] * 255 * shade);
                        g = (float) (look.colour()[1] * 255 * shade);
                        b = (float) (look.colour()[2] * 255 * shade);
                    }
                }
                out[at + p] = clamp(r + random.nextGaussian() * NOISE_SIGMA);
                out[at + p + 1] = clamp(g + random.nextGaussian() * NOISE_SIGMA);
                out[at + p + 2] = clamp(b + random.nextGaussian() * NOISE_SIGMA);
            }
        }
    }

    /** The offset on a torus: objects leaving one edge come back at the other. */
    private static double wrap(double delta, int extent) {
        if (delta > extent / 2.0) {
            return delta - extent;
        }
        return delta < -extent / 2.0 ? delta + extent : delta;
    }

    private static byte clamp(double value) {
        return (byte) Math.max(0, Math.min(255, (int) Math.round(value)));
    }

    static float[] randomColour(SplittableRandom random, double minValue, double maxValue) {
        double hue = random.nextDouble(0, 6);
        double saturation = random.nextDouble(0.3, 1.0);
        double value = random.nextDouble(minValue, maxValue);
        double chroma = value * saturation;
        double second = chroma * (1 - Math.abs(hue % 2 - 1));
        double base = value - chroma;
        double[] rgb = switch ((int) hue) {
            case 0 -> new double[] {chroma, second, 0};
            case 1 -> new double[] {second, chroma, 0};
            case 2 -> new double[] {0, chroma, second};
            case 3 -> new double[] {0, second, chroma};
            case 4 -> new double[] {second, 0, chroma};
            default -> new double[] {chroma, 0, second};
        };
        return new float[] {(float) (rgb[0] + base), (float) (rgb[1] + base), (float) (rgb[2] + base)};
    }

    /** Where the object is in one frame. */
    record Pose(double x, double y, double size, double angle, double brightness) {
    }

    /** Shape, colour and texture of the object; fixed for a scene. */
    record ObjectLook(int shape, double aspect, float[] colour, double stripeFrequency) {
        static ObjectLook sample(SplittableRandom random) {
            return new ObjectLook(random.nextInt(3), random.nextDouble(0.45, 0.85), randomColour(random, 0.7, 1.0),
                    random.nextDouble(1.5, 3.0));
        }

        boolean contains(double u, double v) {
            return switch (shape) {
                case 0 -> Math.abs(u) <= 1 && Math.abs(v) <= aspect; // bar
                case 1 -> u * u + (v * v) / (aspect * aspect) <= 1; // ellipse
                default -> v >= -aspect && v <= aspect && u >= -1 && u <= 1 - (v + aspect) / aspect; // wedge
            };
        }

        double stripe(double u) {
            return Math.sin(u * stripeFrequency * Math.PI) > 0 ? 1.0 : 0.7;
        }
    }

    /**
     * The motion of the object: constant per-frame rates. Positions wrap around the frame and sizes cycle
     * (a sawtooth in log-size), so a scene of any length keeps the same per-frame statistics.
     */
    record Motion(double x0, double y0, double vx, double vy, double logSize0, double logGrowth, double minLogSize,
                  double maxLogSize, double angle0, double spin, double brightness, int blinkPeriod, double dim,
                  int width, int height) {

        static Motion sample(MotionAction action, int frames, int width, int height, SplittableRandom random) {
            double scale = Math.min(width, height);
            double speed = random.nextDouble(0.010, 0.018) * scale;
            double vx = 0;
            double vy = 0;
            switch (action) {
                case LEFT -> vx = -speed;
                case RIGHT -> vx = speed;
                case UP -> vy = -speed;
                case DOWN -> vy = speed;
                default -> {
                }
            }
            double minLogSize = Math.log(0.06 * scale);
            double maxLogSize = Math.log(0.32 * scale);
            double logSize0 = random.nextDouble(Math.log(0.12 * scale), Math.log(0.22 * scale));
            double logGrowth = 0;
            if (action == MotionAction.APPROACH || action == MotionAction.RECEDE) {
                double rate = Math.log(random.nextDouble(1.012, 1.022));
                logGrowth = action == MotionAction.APPROACH ? rate : -rate;
                double span = rate * frames;
                double range = maxLogSize - minLogSize;
                // start where the whole scene fits between the smallest and largest size; only scenes longer
                // than the range wrap around (the size cycles)
                logSize0 = span < range
                        ? (action == MotionAction.APPROACH
                                ? random.nextDouble(minLogSize, maxLogSize - span)
                                : random.nextDouble(minLogSize + span, maxLogSize))
                        : random.nextDouble(minLogSize, maxLogSize);
            }
            double spin = 0;
            if (action == MotionAction.ROTATE_CW || action == MotionAction.ROTATE_CCW) {
                double degrees = random.nextDouble(6, 14);
                spin = Math.toRadians(action == MotionAction.ROTATE_CW ? degrees : -degrees);
            }
            int blinkPeriod = action == MotionAction.BLINK ? random.nextInt(6, 13) : 0;
            return new Motion(random.nextDouble(0, width), random.nextDouble(0, height), vx, vy, logSize0, logGrowth,
                    minLogSize, maxLogSize, random.nextDouble(0, 2 * Math.PI), spin, random.nextDouble(0.85, 1.0),
                    blinkPeriod, random.nextDouble(0.25, 0.45), width, height);
        }

        Pose at(int t) {
            double brightness = this.brightness;
            if (blinkPeriod > 0 && (t % blinkPeriod) >= blinkPeriod / 2) {
                brightness *= dim;
            }
            double range = maxLogSize - minLogSize;
            double logSize = minLogSize + floorMod(logSize0 - minLogSize + logGrowth * t, range);
            return new Pose(floorMod(x0 + vx * t, width), floorMod(y0 + vy * t, height), Math.exp(logSize),
                    angle0 + spin * t, brightness);
        }

        private static double floorMod(double value, double modulus) {
            return value - Math.floor(value / modulus) * modulus;
        }
    }
}
