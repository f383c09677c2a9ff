package io.gradlab.engine.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The tuner on a simulated clock: steps whose times have the noise of a shared machine, somewhat worse than measured
 * on a batch-512 step here (a spread of 8%, 7 steps in 100 from 1.5 to 6 times as long, a load that rises and falls by
 * 30% over seconds, every second step longer), one mode faster than the other.
 */
class ModeTunerTest {
    /** A simulated run: per step, its mode's time times the machine's noise. */
    private static final class Machine {
        final SplittableRandom random;
        long now = 1_000_000L;
        long fastSteps;
        long slowSteps;
        long step;

        Machine(long seed) {
            random = new SplittableRandom(seed);
        }

        /** Runs {@code seconds} of steps; {@code fast} is the faster mode, {@code micros} its step time. */
        void run(ModeTuner tuner, double seconds, boolean fast, double micros, double slower, long countFrom) {
            long end = now + (long) (seconds * 1e9);
            while (now < end) {
                boolean mode = tuner.step(now, false);
                double load = 1 + 0.3 * Math.sin(now / 7e8); // the load rises and falls over seconds
                double noise = Math.exp(0.08 * random.nextGaussian());
                if (random.nextInt(100) < 7) {
                    noise *= 1.5 + 4.5 * random.nextDouble(); // the machine's other work
                }
                double diagnostics = step++ % 2 == 0 ? 1.3 : 1; // what diagnostics do every second step
                double t = micros * (mode == fast ? 1 : 1 + slower) * load * noise * diagnostics;
                if (now >= countFrom) {
                    if (mode == fast) {
                        fastSteps++;
                    } else {
                        slowSteps++;
                    }
                }
                now += (long) (t * 1000);
            }
        }
    }

    @ParameterizedTest(name = "step {0} us, the other mode {1} slower, starting with the {2} one; the share of slow steps below {3}")
    @CsvSource({"2700, 0.10, slower, 0.05", "2700, 0.10, faster, 0.05", "450, 0.08, slower, 0.05", "450, 0.08, faster, 0.05",
        "100, 0.05, slower, 0.05", "2700, 0.04, slower, 0.25"})
    void findsTheFasterModeThroughTheNoiseOfASharedMachine(double micros, double slower, String start, double most) {
        for (long seed = 1; seed <= 20; seed++) {
            boolean fast = false;
            ModeTuner tuner = new ModeTuner("slower".equals(start) ? !fast : fast);
            Machine machine = new Machine(seed);
            machine.run(tuner, 1.5, fast, micros, slower, Long.MAX_VALUE);
            assertThat(tuner.trials()).as("seed %d: the first trial is over in 1.5 s", seed).isGreaterThanOrEqualTo(1);
            if (slower >= 0.05) { // a smaller difference, within the noise of one trial, may take more trials to tell
                assertThat(tuner.chosen()).as("seed %d: the first trial chose the faster mode", seed).isEqualTo(fast);
            }
            long from = machine.now;
            machine.run(tuner, 120, fast, micros, slower, from);
            assertThat(tuner.chosen()).as("seed %d", seed).isEqualTo(fast);
            double share = machine.slowSteps / (double) (machine.slowSteps + machine.fastSteps);
            assertThat(share).as("seed %d: the share of steps in the slower mode over 2 minutes", seed).isLessThan(most);
            assertThat(tuner.changes()).as("seed %d: no change back and forth", seed).isLessThanOrEqualTo(slower >= 0.05 ? 1 : 3);
        }
    }

    @Test
    void followsTheMachineWhenTheFasterModeChanges() {
        ModeTuner tuner = new ModeTuner(true);
        Machine machine = new Machine(7);
        machine.run(tuner, 60, true, 450, 0.1, Long.MAX_VALUE);
        assertThat(tuner.chosen()).isTrue();
        machine.run(tuner, 2 * ModeTuner.MAX_HOLD_NANOS / 1e9 + 2, false, 450, 0.1, Long.MAX_VALUE); // the host moved the threads
        assertThat(tuner.chosen()).as("the tuner follows within two of its longest holds").isFalse();
    }

    @Test
    void aSampleThatAnotherPassInterruptedIsNotCounted() {
        ModeTuner tuner = new ModeTuner(true);
        long now = 0;
        // the mode in use is twice as fast, but every block of it has an evaluation of 50 ms in it
        boolean evaluated = false;
        for (int step = 0; tuner.trials() == 0; step++) {
            boolean mode = tuner.step(now, evaluated);
            now += mode ? 1_000_000 : 2_000_000;
            evaluated = mode && step % ModeTuner.BLOCK == 0;
            if (evaluated) {
                now += 50_000_000;
            }
        }
        assertThat(tuner.chosen()).as("the faster mode stays, although its blocks took longer with the evaluations in them").isTrue();
    }
}
