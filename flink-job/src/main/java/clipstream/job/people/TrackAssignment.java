package clipstream.job.people;

import java.util.Arrays;

/**
 * The assignment of tracks to detections that maximises the summed affinity, each track to at most one detection and
 * each detection to at most one track, pairs of affinity 0 never assigned: the Hungarian method (Kuhn–Munkres, with
 * potentials, O(tracks² · detections)). Unlike taking the best pair first, it lets two tracks that compete for two
 * overlapping people each keep the one that continues its own motion. Deterministic: the same matrix gives the same
 * assignment.
 */
final class TrackAssignment {
    private TrackAssignment() {
    }

    /**
     * For each row (track) of {@code affinity} (rows × columns, values ≥ 0, 0: may not be paired), the column
     * (detection) assigned to it, or -1.
     */
    static int[] maximise(float[][] affinity, int columns) {
        int n = affinity.length;
        int[] assigned = new int[n];
        Arrays.fill(assigned, -1);
        if (n == 0 || columns == 0) {
            return assigned;
        }
        int m = Math.max(n, columns); // padding columns of affinity 0 give every row somewhere to go
        // 1-based arrays as in the textbook formulation; cost = -affinity, minimised
        double[] u = new double[n + 1];
        double[] v = new double[m + 1];
        int[] rowOf = new int[m + 1];
        int[] way = new int[m + 1];
        double[] minCost = new double[m + 1];
        boolean[] used = new boolean[m + 1];
        for (int row = 1; row <= n; row++) {
            rowOf[0] = row;
            int col0 = 0;
            Arrays.fill(minCost, Double.POSITIVE_INFINITY);
            Arrays.fill(used, false);
            do {
                used[col0] = true;
                int r = rowOf[col0];
                double delta = Double.POSITIVE_INFINITY;
                int next = 0;
                for (int col = 1; col <= m; col++) {
                    if (!used[col]) {
                        double cost = -weight(affinity, r - 1, col - 1, columns) - u[r] - v[col];
                        if (cost < minCost[col]) {
                            minCost[col] = cost;
                            way[col] = col0;
                        }
                        if (minCost[col] < delta) {
                            delta = minCost[col];
                            next = col;
                        }
                    }
                }
                for (int col = 0; col <= m; col++) {
                    if (used[col]) {
                        u[rowOf[col]] += delta;
                        v[col] -= delta;
                    } else {
                        minCost[col] -= delta;
                    }
                }
                col0 = next;
            } while (rowOf[col0] != 0);
            do {
                int previous = way[col0];
                rowOf[col0] = rowOf[previous];
                col0 = previous;
            } while (col0 != 0);
        }
        for (int col = 1; col <= columns; col++) {
            int row = rowOf[col] - 1;
            if (row >= 0 && affinity[row][col - 1] > 0) {
                assigned[row] = col - 1;
            }
        }
        return assigned;
    }

    private static float weight(float[][] affinity, int row, int col, int columns) {
        return col < columns ? affinity[row][col] : 0;
    }
}
