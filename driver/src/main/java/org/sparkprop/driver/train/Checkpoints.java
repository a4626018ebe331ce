package org.sparkprop.driver.train;

/**
 * Where and how often a run writes checkpoints, and whether it resumes from them.
 *
 * @param dir        checkpoint directory on any Hadoop file system; null turns checkpoints off
 * @param everySteps a checkpoint every this many steps (and always at the end of each epoch); ≥ 1
 * @param keep       the newest this many complete checkpoints are kept; ≥ 1
 * @param resume     continue from the newest complete checkpoint in {@code dir}, if there is one
 */
public record Checkpoints(String dir, long everySteps, int keep, boolean resume) {
    /** No checkpoints. */
    public static final Checkpoints NONE = new Checkpoints(null, Long.MAX_VALUE, 1, false);
    /** Complete checkpoints kept when --keep-checkpoints is not given. */
    public static final int DEFAULT_KEEP = 3;

    public Checkpoints {
        if (everySteps < 1) {
            throw new IllegalArgumentException("--checkpoint-every must be at least 1, got " + everySteps);
        }
        if (keep < 1) {
            throw new IllegalArgumentException("--keep-checkpoints must be at least 1, got " + keep);
        }
        if (dir == null && resume) {
            throw new IllegalArgumentException("--resume needs --checkpoint-dir");
        }
    }

    public boolean enabled() {
        return dir != null;
    }
}
