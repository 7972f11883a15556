package clipstream.model.cli;

import clipstream.model.store.ModelStore;
import clipstream.model.store.ModelStoreException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * Shows or switches the version a model serves by default. Running jobs that follow the store's CURRENT (the
 * job's {@code --model-watch}) switch to it without a restart; switching back is a rollback.
 */
@Command(name = "current", mixinStandardHelpOptions = true,
        description = {"Print the CURRENT version of a model, or make VERSION current (after checking its files"
                + " against its manifest; a running job that follows CURRENT picks it up within its --model-watch"
                + " interval, no restart). Switching to an older version is a rollback."})
final class CurrentCommand implements Callable<Integer> {

    @Mixin
    ModelCommand.StoreOption store;

    @Parameters(index = "0", paramLabel = "NAME", description = "Model name")
    String name;

    @Parameters(index = "1", arity = "0..1", paramLabel = "VERSION", description = "Version to make current")
    String version;

    @Override
    public Integer call() {
        ModelStore models = new ModelStore(store.store);
        String before = models.current(ModelStore.validateName(name)).orElse(null);
        if (version == null) {
            if (before == null) {
                System.err.println("model: " + name + " has no CURRENT version in " + models.modelDirectory(name)
                        + " (versions: " + models.versions(name) + ")");
                return 1;
            }
            System.out.println(before);
            return 0;
        }
        ModelStore.StoredModel candidate;
        try {
            candidate = models.load(name, ModelStore.validateVersion(version));
        } catch (ModelStoreException e) {
            System.err.println("model: not switching " + name + " to version " + version + ": " + e.getMessage());
            return 1;
        }
        models.setCurrent(name, version);
        System.out.printf("%s: CURRENT %s -> %s (%s, input %s, held-out accuracy %s)%n", name,
                before == null ? "(none)" : before, version, candidate.manifest().architecture(),
                candidate.manifest().input().shape(), Double.isNaN(candidate.manifest().accuracy())
                        ? "n/a" : String.format(java.util.Locale.ROOT, "%.4f", candidate.manifest().accuracy()));
        return 0;
    }
}
