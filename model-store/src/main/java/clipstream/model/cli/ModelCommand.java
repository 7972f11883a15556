package clipstream.model.cli;

import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * {@code ./clipstream model ...}: describe, train, evaluate, list, verify, switch (current), import and benchmark
 * models, and measure the pose model's noise on real video.
 */
@Command(name = "model", mixinStandardHelpOptions = true,
        description = "Build, train, evaluate, verify and benchmark the Conv3D models of the model store.",
        subcommands = {DescribeCommand.class, TrainCommand.class, EvaluateCommand.class, ListCommand.class,
            VerifyCommand.class, CurrentCommand.class, ImportCommand.class, ImportTfjsCommand.class,
            ModelBenchCommand.class, PoseNoiseCommand.class, FootageActionsCommand.class})
public final class ModelCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing subcommand");
    }

    /** The {@code --store} option every subcommand takes. */
    static final class StoreOption {
        @Option(names = "--store", paramLabel = "DIR", defaultValue = "model-store",
                description = "Model store folder (holds models/<name>/<version>/). Default: ${DEFAULT-VALUE}")
        Path store;
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the command line; exit codes: 0 ok, 2 bad usage, 1 runtime failure. */
    public static int execute(String... args) {
        CommandLine cli = new CommandLine(new ModelCommand());
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof IllegalArgumentException) {
                commandLine.getErr().println("model: " + e.getMessage());
                return 2;
            }
            commandLine.getErr().println("model: " + e.getMessage());
            return 1;
        });
        return cli.execute(args);
    }
}
