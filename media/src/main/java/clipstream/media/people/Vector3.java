package clipstream.media.people;

/** A point or a direction in metres; in world coordinates y is up. */
public record Vector3(double x, double y, double z) {
    public static final Vector3 ZERO = new Vector3(0, 0, 0);
    public static final Vector3 UP = new Vector3(0, 1, 0);

    public Vector3 plus(Vector3 other) {
        return new Vector3(x + other.x, y + other.y, z + other.z);
    }

    public Vector3 minus(Vector3 other) {
        return new Vector3(x - other.x, y - other.y, z - other.z);
    }

    public Vector3 times(double factor) {
        return new Vector3(x * factor, y * factor, z * factor);
    }

    public double dot(Vector3 other) {
        return x * other.x + y * other.y + z * other.z;
    }

    public Vector3 cross(Vector3 other) {
        return new Vector3(y * other.z - z * other.y, z * other.x - x * other.z, x * other.y - y * other.x);
    }

    public double length() {
        return Math.sqrt(dot(this));
    }

    public double distanceTo(Vector3 other) {
        return minus(other).length();
    }

    /** This direction scaled to length 1; the zero vector stays zero. */
    public Vector3 normalised() {
        double length = length();
        return length == 0 ? this : times(1 / length);
    }

    public static Vector3 midpoint(Vector3 a, Vector3 b) {
        return a.plus(b).times(0.5);
    }
}
