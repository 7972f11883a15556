package clipstream.media.people;

/** A 3×3 rotation matrix; {@code a.times(b)} rotates by {@code b} first, then by {@code a}, as matrices do. */
public final class Rotation {
    public static final Rotation IDENTITY = new Rotation(new double[] {1, 0, 0, 0, 1, 0, 0, 0, 1});

    private final double[] m; // row-major

    private Rotation(double[] m) {
        this.m = m;
    }

    /** Turns y towards z for a positive angle (right-handed). */
    public static Rotation aboutX(double radians) {
        double c = Math.cos(radians);
        double s = Math.sin(radians);
        return new Rotation(new double[] {1, 0, 0, 0, c, -s, 0, s, c});
    }

    /** Turns z towards x for a positive angle (right-handed). */
    public static Rotation aboutY(double radians) {
        double c = Math.cos(radians);
        double s = Math.sin(radians);
        return new Rotation(new double[] {c, 0, s, 0, 1, 0, -s, 0, c});
    }

    /** Turns x towards y for a positive angle (right-handed). */
    public static Rotation aboutZ(double radians) {
        double c = Math.cos(radians);
        double s = Math.sin(radians);
        return new Rotation(new double[] {c, -s, 0, s, c, 0, 0, 0, 1});
    }

    public Rotation times(Rotation other) {
        double[] out = new double[9];
        for (int row = 0; row < 3; row++) {
            for (int col = 0; col < 3; col++) {
                out[row * 3 + col] = m[row * 3] * other.m[col] + m[row * 3 + 1] * other.m[3 + col]
                        + m[row * 3 + 2] * other.m[6 + col];
            }
        }
        return new Rotation(out);
    }

    public Vector3 apply(Vector3 v) {
        return new Vector3(m[0] * v.x() + m[1] * v.y() + m[2] * v.z(), m[3] * v.x() + m[4] * v.y() + m[5] * v.z(),
                m[6] * v.x() + m[7] * v.y() + m[8] * v.z());
    }
}
