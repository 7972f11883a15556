package clipstream.media.people;

import java.util.SplittableRandom;

/**
 * One person's motion over a clip, a function of time: each action's record holds the per-clip random parameters
 * it was drawn with (speed, phase, timing, amplitudes, start point and heading), so a clip can say exactly what it
 * shows. Timed actions (sit down, fall, jump, ...) are drawn to complete within the clip they were drawn for.
 */
public sealed interface ActionMotion permits StandMotion, WalkMotion, RunMotion, SitDownMotion, StandUpMotion,
        FallMotion, JumpMotion, WaveMotion, BendMotion, CrouchMotion, KickMotion, PunchMotion {

    PersonAction action();

    /** The body at {@code seconds} from the start of the clip. */
    BodyPose at(double seconds);

    /** A random motion of {@code action} for this body, timed to fit a clip of {@code clipSeconds}. */
    static ActionMotion sample(PersonAction action, BodyProportions body, double clipSeconds,
                               SplittableRandom random) {
        if (!(clipSeconds > 0)) {
            throw new IllegalArgumentException("clipSeconds must be positive, got " + clipSeconds);
        }
        return switch (action) {
            case STAND -> StandMotion.sample(random);
            case WALK -> WalkMotion.sample(body, random);
            case RUN -> RunMotion.sample(body, random);
            case SIT_DOWN -> SitDownMotion.sample(clipSeconds, random);
            case STAND_UP -> StandUpMotion.sample(clipSeconds, random);
            case FALL -> FallMotion.sample(body, clipSeconds, random);
            case JUMP -> JumpMotion.sample(clipSeconds, random);
            case WAVE -> WaveMotion.sample(clipSeconds, random);
            case BEND -> BendMotion.sample(clipSeconds, random);
            case CROUCH -> CrouchMotion.sample(clipSeconds, random);
            case KICK -> KickMotion.sample(clipSeconds, random);
            case PUNCH -> PunchMotion.sample(clipSeconds, random);
        };
    }
}
