package clipstream.media.people;

/** Smooth progress curves for motions that go from one posture to another. */
final class Easing {
    private Easing() {
    }

    /** 0 before {@code start}, 1 after {@code start + duration}, linear between. */
    static double ramp(double t, double start, double duration) {
        if (duration <= 0) {
            return t < start ? 0 : 1;
        }
        return Math.max(0, Math.min(1, (t - start) / duration));
    }

    /** Smoothstep: starts and ends at rest, as a limb does. */
    static double smooth(double x) {
        double c = Math.max(0, Math.min(1, x));
        return c * c * (3 - 2 * c);
    }

    static double smoothRamp(double t, double start, double duration) {
        return smooth(ramp(t, start, duration));
    }

    /** 0 at both ends of [0, 1] and 1 halfway: a movement out and back. */
    static double bump(double x) {
        return x <= 0 || x >= 1 ? 0 : Math.sin(Math.PI * x);
    }

    /** The fractional part, in [0, 1) also for negative values. */
    static double cycle(double x) {
        return x - Math.floor(x);
    }
}
