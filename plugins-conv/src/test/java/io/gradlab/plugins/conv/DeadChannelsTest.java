package io.gradlab.plugins.conv;

import static org.assertj.core.api.Assertions.assertThat;

import io.gradlab.api.tensor.DType;
import io.gradlab.api.tensor.Tensor;
import io.gradlab.testkit.ReferenceOps;
import org.junit.jupiter.api.Test;

/** A channel is dead when it output zero at every pixel of every sample seen; one live pixel anywhere keeps it alive. */
class DeadChannelsTest {
    @Test
    void aChannelIsDeadOnlyWhenEveryPixelOfEverySampleIsZero() {
        ImageShape shape = new ImageShape(3, 2, 2);
        DeadChannels.Channels channels = new DeadChannels.Channels(shape);
        ReferenceOps ops = new ReferenceOps();
        Tensor first = Tensor.zeros(DType.F32, 2, shape.size());
        first.set(0, 1, 0.5);              // sample 0, channel 0, pixel 1
        channels.mark(ops, first);
        assertThat(channels.dead()).isEqualTo(2);
        Tensor second = Tensor.zeros(DType.F32, 2, shape.size());
        second.set(1, 2 * 4 + 3, 2.0);     // sample 1, channel 2, the last pixel
        channels.mark(ops, second);
        assertThat(channels.dead()).as("channel 1 never fired").isEqualTo(1);
        assertThat(channels.seen).containsExactly(true, false, true);
    }
}
