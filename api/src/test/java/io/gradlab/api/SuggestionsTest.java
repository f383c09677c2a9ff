package io.gradlab.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class SuggestionsTest {
    @Test
    void aSwapOfAdjacentLettersIsOneEdit() {
        assertThat(Suggestions.distance("rleu", "relu")).isEqualTo(1);
        assertThat(Suggestions.closest("rleu", List.of("elu", "relu", "sigmoid"))).contains("relu");
    }

    @Test
    void farAwayInputsGetNoSuggestion() {
        assertThat(Suggestions.closest("transformer", List.of("relu", "tanh"))).isEmpty();
        assertThat(Suggestions.didYouMean("sigmiod", List.of("sigmoid", "tanh"))).isEqualTo(" (did you mean 'sigmoid'?)");
    }
}
