package clipstream.media.people;

import java.util.SplittableRandom;

/** Where on the ground a motion begins (x, z in metres) and which way the person faces (radians, 0 faces +z). */
public record StartPoint(double x, double z, double heading) {

    /** Anywhere within a few metres of the origin, facing any way: cameras aim at the person wherever they are. */
    public static StartPoint sample(SplittableRandom random) {
        return new StartPoint(random.nextDouble(-2, 2), random.nextDouble(-2, 2), random.nextDouble(0, 2 * Math.PI));
    }

    /** The facing direction on the ground. */
    public Vector3 forward() {
        return new Vector3(Math.sin(heading), 0, Math.cos(heading));
    }

    /** The person's left on the ground. */
    public Vector3 left() {
        return new Vector3(Math.cos(heading), 0, -Math.sin(heading));
    }

    /** This point moved {@code distance} metres along the heading. */
    public StartPoint ahead(double distance) {
        return new StartPoint(x + distance * Math.sin(heading), z + distance * Math.cos(heading), heading);
    }

    /**
     * Where someone starting here is after {@code seconds} at {@code speed} (m/s) while turning at {@code turnRate}
     * (rad/s, positive to the left): a circular arc, or a straight line when not turning.
     */
    public StartPoint travelled(double speed, double turnRate, double seconds) {
        if (Math.abs(turnRate) < 1e-9) {
            return ahead(speed * seconds);
        }
        double end = heading + turnRate * seconds;
        double radius = speed / turnRate;
        return new StartPoint(x + radius * (Math.cos(heading) - Math.cos(end)),
                z + radius * (Math.sin(end) - Math.sin(heading)), end);
    }
}
