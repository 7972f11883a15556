package clipstream.model.cli;

import clipstream.model.train.EpochStats;
import clipstream.model.train.TrainingListener;
import java.io.PrintStream;
import java.util.Locale;

/** Draws training progress on the terminal: a bar per epoch with loss, accuracy and time left. */
final class ProgressBar implements TrainingListener {
    private static final int WIDTH = 30;

    private final PrintStream out;
    private final boolean terminal;
    private final long start = System.nanoTime();
    private long lastDraw;

    ProgressBar(PrintStream out) {
        this.out = out;
        this.terminal = System.console() != null;
    }

    @Override
    public void batchDone(int epoch, int epochs, int batch, int batches, double loss, double accuracy) {
        long now = System.nanoTime();
        if (!terminal || (now - lastDraw < 200_000_000L && batch < batches)) {
            return;
        }
        lastDraw = now;
        double done = ((epoch - 1) * (double) batches + batch) / ((double) epochs * batches);
        int filled = (int) Math.round(batch * (double) WIDTH / batches);
        double elapsed = (now - start) / 1e9;
        double eta = done > 0 ? elapsed / done - elapsed : 0;
        out.printf(Locale.ROOT, "\repoch %d/%d [%s%s] %3d%% loss %.4f acc %.3f ETA %s ", epoch, epochs,
                "=".repeat(filled), " ".repeat(WIDTH - filled), (int) (100.0 * batch / batches), loss, accuracy,
                clock(eta));
        out.flush();
    }

    @Override
    public void epochDone(EpochStats stats, int epochs) {
        if (terminal) {
            out.print("\r" + " ".repeat(WIDTH + 60) + "\r");
        }
        out.printf(Locale.ROOT, "epoch %d/%d  loss %.4f  train acc %.3f  held-out acc %.3f  (%.0f s)%n", stats.epoch(),
                epochs, stats.loss(), stats.trainAccuracy(), stats.heldOutAccuracy(), stats.seconds());
        out.flush();
    }

    private static String clock(double seconds) {
        long s = Math.max(0, Math.round(seconds));
        return String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60);
    }
}
