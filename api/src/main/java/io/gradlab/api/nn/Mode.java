package io.gradlab.api.nn;

/** Whether a forward pass is for training (batch statistics, dropout) or evaluation (running statistics). */
public enum Mode {
    TRAIN,
    EVAL
}
