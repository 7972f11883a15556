package clipstream.alerts.rules;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches a rules file and hands every valid new version to a listener, so rules change without a restart.
 * A file that does not validate is logged and ignored: the rules in force stay as they were.
 *
 * <p>The parent directory is watched (editors replace files by rename), so any change event naming the file
 * triggers a reload; several events for one save may reload the same content twice, which is harmless.
 */
public final class RulesWatcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RulesWatcher.class);

    private final Path file;
    private final Consumer<RuleSet> listener;
    private final WatchService watchService;
    private final Thread thread;

    private RulesWatcher(Path file, Consumer<RuleSet> listener) throws IOException {
        this.file = file.toAbsolutePath();
        this.listener = listener;
        this.watchService = FileSystems.getDefault().newWatchService();
        this.file.getParent().register(watchService, StandardWatchEventKinds.ENTRY_CREATE,
                StandardWatchEventKinds.ENTRY_MODIFY);
        this.thread = new Thread(this::watch, "rules-watcher");
        this.thread.setDaemon(true);
    }

    /** Starts watching {@code file}; {@code listener} receives each valid new rule set, on the watcher's thread. */
    public static RulesWatcher start(Path file, Consumer<RuleSet> listener) throws IOException {
        RulesWatcher watcher = new RulesWatcher(file, listener);
        watcher.thread.start();
        return watcher;
    }

    private void watch() {
        try {
            while (true) {
                WatchKey key = watchService.take();
                boolean changed = false;
                for (WatchEvent<?> event : key.pollEvents()) {
                    if (event.context() instanceof Path name && name.equals(file.getFileName())) {
                        changed = true;
                    }
                }
                key.reset();
                if (changed) {
                    reload();
                }
            }
        } catch (InterruptedException | ClosedWatchServiceException e) {
            // closed: stop watching
        }
    }

    private void reload() {
        try {
            RuleSet rules = RulesLoader.load(file);
            LOG.info("Reloaded {}: rules {}", file, rules);
            listener.accept(rules);
        } catch (RulesFileException e) {
            LOG.error("Ignoring the changed rules file, the previous rules stay in force: {}", e.getMessage());
        }
    }

    @Override
    public void close() throws IOException {
        watchService.close();
        thread.interrupt();
    }
}
