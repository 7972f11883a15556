package clipstream.model.cli;

import clipstream.model.store.ModelStore;
import clipstream.model.store.ModelStoreException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Checks every file of every (or one) stored model against its manifest; exit 1 on any mismatch. */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = "Check the SHA-256 of every file against the manifest. Exit code 1 on any mismatch.")
final class VerifyCommand implements Callable<Integer> {

    @Mixin
    ModelCommand.StoreOption store;

    @Parameters(index = "0", arity = "0..1", paramLabel = "NAME", description = "Model to verify (default: all)")
    String name;

    @Option(names = "--version", description = "Version to verify (default: all versions)")
    String version;

    @Override
    public Integer call() {
        ModelStore models = new ModelStore(store.store);
        List<String> names = name != null ? List.of(ModelStore.validateName(name)) : models.names();
        int checked = 0;
        List<String> failures = new ArrayList<>();
        for (String n : names) {
            List<String> versions = version != null ? List.of(version) : models.versions(n);
            if (versions.isEmpty()) {
                failures.add(n + ": no versions in " + models.modelDirectory(n));
            }
            for (String v : versions) {
                checked++;
                try {
                    List<String> problems = models.verify(models.describe(n, v));
                    if (problems.isEmpty()) {
                        System.out.println("ok      " + n + " " + v);
                    } else {
                        problems.forEach(p -> failures.add(n + " " + v + ": " + p));
                    }
                } catch (ModelStoreException e) {
                    failures.add(n + " " + v + ": " + e.getMessage());
                }
            }
        }
        failures.forEach(f -> System.out.println("FAILED  " + f));
        System.out.printf("%d model version(s) checked, %d problem(s)%n", checked, failures.size());
        return failures.isEmpty() ? 0 : 1;
    }
}
