package clipstream.model.cli;

import clipstream.media.people.PersonAction;
import clipstream.media.synthetic.MotionAction;
import clipstream.model.store.InputShape;
import clipstream.model.zoo.ModelZoo;
import clipstream.model.zoo.NetworkPlan;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Prints an architecture's layers with output shapes, parameters and multiply-adds. */
@Command(name = "describe", mixinStandardHelpOptions = true,
        description = "Per-layer output shapes, parameters and multiply-adds of an architecture.")
final class DescribeCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "ARCHITECTURE",
            description = "One of: seed-conv3d, c3d, c3d-small, frame2d, posec3d-small")
    String architecture;

    @Option(names = "--input", paramLabel = "TxHxWxC", description = "Input clip shape (default: the architecture's)")
    String input;

    @Option(names = "--classes",
            description = "Number of classes (default: 12 people actions for posec3d-small, else 10 motion actions)")
    Integer classes;

    @Override
    public Integer call() {
        InputShape shape = input != null ? InputShape.parse(input) : defaultInput(architecture);
        int count = classes != null ? classes
                : ModelZoo.POSEC3D_SMALL.equals(architecture) ? PersonAction.values().length
                : MotionAction.values().length;
        System.out.print(NetworkPlan.of(ModelZoo.architecture(architecture, shape, count)).describe());
        return 0;
    }

    static InputShape defaultInput(String architecture) {
        InputShape shape = ModelZoo.DEFAULT_INPUT.get(architecture);
        if (shape == null) {
            throw new IllegalArgumentException("Unknown architecture '" + architecture + "'; known: " + ModelZoo.names());
        }
        return shape;
    }
}
