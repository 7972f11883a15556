package clipstream.model.cli;

import clipstream.model.store.ModelManifest;
import clipstream.model.store.ModelStore;
import clipstream.model.store.ModelStoreException;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** Lists the stored models and versions with their accuracy; the CURRENT one is starred. */
@Command(name = "list", mixinStandardHelpOptions = true, description = "List stored models and their versions.")
final class ListCommand implements Callable<Integer> {

    @Mixin
    ModelCommand.StoreOption store;

    @Override
    public Integer call() {
        ModelStore models = new ModelStore(store.store);
        if (models.names().isEmpty()) {
            System.out.println("No models in " + models.root());
            return 0;
        }
        System.out.printf("%-3s %-18s %-8s %-18s %-12s %9s %10s  %s%n", "", "name", "version", "architecture", "input",
                "accuracy", "params", "created");
        for (String name : models.names()) {
            String current = models.current(name).orElse("");
            for (String version : models.versions(name)) {
                try {
                    ModelManifest m = models.describe(name, version).manifest();
                    System.out.printf(Locale.ROOT, "%-3s %-18s %-8s %-18s %-12s %9.4f %,10d  %s%n",
                            version.equals(current) ? "*" : "", name, version, m.architecture(), m.input().shape(),
                            m.accuracy(), m.parameters(), m.created());
                } catch (ModelStoreException e) {
                    System.out.printf("%-3s %-18s %-8s unreadable: %s%n", "", name, version, e.getMessage());
                }
            }
        }
        return 0;
    }
}
