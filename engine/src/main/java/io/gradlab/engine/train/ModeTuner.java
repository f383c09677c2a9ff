package io.gradlab.engine.train;

import java.util.Arrays;

/**
 * Chooses between two ways of running the same step that give the same bits but not the same speed, by timing the
 * step itself: which one is faster depends on the machine and may change while it runs (a host may move the threads
 * to other cores), so the choice is measured, first at the start and then again and again, ever more rarely while it
 * holds.
 *
 * <p>A <b>trial</b> runs the step in blocks of {@link #BLOCK} steps, the mode in use, the other, the other, the mode
 * in use, and so on (a quad of blocks: a load that rises or falls through the trial slows both modes alike). Each
 * step is timed from its start to the next step's, all its work; two consecutive steps of a block make one sample (so
 * that every sample holds an odd and an even step, whatever a diagnostic does every second step), and a pair that a
 * pass not timed here interrupted (an evaluation) is not counted. A trial lasts until it has {@link #MIN_QUADS}
 * quads and {@link #TRIAL_NANOS} have passed, or {@link #MAX_QUADS} quads. The mode whose median sample is shorter
 * wins (a median, since a shared machine makes some steps several times as long as the rest): to replace the mode in
 * use, the other must be faster by {@link #MARGIN} at least. Between trials the chosen mode runs alone, for {@link
 * #FIRST_HOLD_NANOS} after a trial that changed the mode (or the first), twice as long as the last time after one that
 * kept it, up to {@link #MAX_HOLD_NANOS}; so a long run spends a few percent of its steps at most in the slower mode.
 *
 * <p>The tuner allocates nothing after its construction.
 */
final class ModeTuner {
    /** Steps per block (even: two steps make a sample). */
    static final int BLOCK = 4;
    /** Quads of blocks a trial runs at least, and at most. */
    static final int MIN_QUADS = 16;
    static final int MAX_QUADS = 128;
    /** How long a trial lasts at least (unless it has {@link #MAX_QUADS} first). */
    static final long TRIAL_NANOS = 300_000_000L;
    /** How much faster (its median sample, relative) the other mode must be to replace the mode in use. */
    static final double MARGIN = 0.02;
    /** How long the chosen mode runs before the next trial: first, and at most. */
    static final long FIRST_HOLD_NANOS = 1_000_000_000L;
    static final long MAX_HOLD_NANOS = 16_000_000_000L;
    /** Samples per mode in a quad. */
    private static final int SAMPLES_PER_QUAD = BLOCK;

    /** The mode in use, and (during a trial) the mode of the running block. */
    private boolean chosen;
    private boolean current;
    private boolean trial = true;
    private boolean first = true;
    /** When the current trial began, or when the current hold ends. */
    private long trialStart = Long.MIN_VALUE;
    private long holdUntil;
    private long hold = FIRST_HOLD_NANOS;
    /** The running block: its index in the trial, and its steps begun so far. */
    private int block;
    private int stepInBlock;
    /** When the last step began; the running sample's time so far, and whether a pass interrupted it. */
    private long lastStart;
    private long sample;
    private boolean sampleInterrupted;
    /** Per mode ({@code [0]}: false, {@code [1]}: true), the trial's samples, and a scratch for their medians. */
    private final long[][] samples = {new long[MAX_QUADS * SAMPLES_PER_QUAD], new long[MAX_QUADS * SAMPLES_PER_QUAD]};
    private final int[] counts = new int[2];
    private final long[] scratch = new long[MAX_QUADS * SAMPLES_PER_QUAD];
    /** Trials so far, and the changes of mode they made. */
    private int trials;
    private int changes;

    /** A tuner that starts with {@code initial} in use, with a trial. */
    ModeTuner(boolean initial) {
        this.chosen = initial;
        this.current = initial;
    }

    /**
     * A step begins at {@code now} (nanoseconds, of one clock); {@code interrupted}: a pass not timed here ran since
     * the last step began (its time is not a step's). Returns the mode to run this step in.
     */
    boolean step(long now, boolean interrupted) {
        if (!trial) {
            if (now - holdUntil < 0) {
                return chosen;
            }
            trial = true;
            trialStart = Long.MIN_VALUE;
        }
        if (trialStart == Long.MIN_VALUE) { // a trial begins: its first block
            trialStart = now;
            counts[0] = 0;
            counts[1] = 0;
            return startBlock(0, now);
        }
        sample += now - lastStart;
        sampleInterrupted |= interrupted;
        lastStart = now;
        if (stepInBlock % 2 == 0) { // the step that ended was a sample's second
            int m = current ? 1 : 0;
            if (!sampleInterrupted && counts[m] < samples[m].length) {
                samples[m][counts[m]++] = sample;
            }
            sample = 0;
            sampleInterrupted = false;
        }
        if (stepInBlock < BLOCK) {
            stepInBlock++;
            return current;
        }
        if (block % 4 == 3) {
            int quads = block / 4 + 1;
            boolean enough = quads >= MIN_QUADS && now - trialStart >= TRIAL_NANOS;
            if (enough || quads >= MAX_QUADS) {
                decide(now);
                return chosen;
            }
        }
        return startBlock(block + 1, now);
    }

    private boolean startBlock(int b, long now) {
        block = b;
        stepInBlock = 1;
        lastStart = now;
        sample = 0;
        sampleInterrupted = false;
        current = b % 4 == 0 || b % 4 == 3 ? chosen : !chosen;
        return current;
    }

    private void decide(long now) {
        boolean change = false;
        if (counts[0] >= MIN_QUADS && counts[1] >= MIN_QUADS) { // else too few to tell (passes interrupted most): the mode stays
            long inUse = median(chosen ? 1 : 0);
            long other = median(chosen ? 0 : 1);
            change = other < inUse * (1 - MARGIN);
        }
        if (change) {
            chosen = !chosen;
            changes++;
        }
        hold = change || first ? FIRST_HOLD_NANOS : Math.min(2 * hold, MAX_HOLD_NANOS);
        first = false;
        trials++;
        trial = false;
        current = chosen;
        holdUntil = now + hold;
    }

    private long median(int mode) {
        int n = counts[mode];
        System.arraycopy(samples[mode], 0, scratch, 0, n);
        Arrays.sort(scratch, 0, n);
        return n % 2 == 1 ? scratch[n / 2] : (scratch[n / 2 - 1] + scratch[n / 2]) / 2;
    }

    /** The mode in use (during a trial: the one that runs when it ends, unless the trial changes it). */
    boolean chosen() {
        return chosen;
    }

    /** Whether a trial is running. */
    boolean inTrial() {
        return trial;
    }

    /** Trials ended so far. */
    int trials() {
        return trials;
    }

    /** Changes of mode the trials made. */
    int changes() {
        return changes;
    }
}
