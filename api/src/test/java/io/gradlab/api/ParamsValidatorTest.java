package io.gradlab.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gradlab.api.train.Optimizer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ParamsValidatorTest {
    private final ComponentFactory<Optimizer> sgd = ComponentFactory.of(ComponentKind.OPTIMIZER, "sgd", "test", List.of(
            ParameterSpec.real("lr", 0.01, "learning rate").rangeExclusiveMin(0, 10),
            ParameterSpec.integer("warmup", 0, "steps").range(0, 100),
            ParameterSpec.choice("mode", "a", List.of("a", "b"), "mode"),
            ParameterSpec.component("inner", ComponentKind.INITIALIZER, null, "nested")), p -> null);

    @Test
    void fillsDefaultsAndAcceptsDashOrUnderscoreKeys() {
        Params p = ParamsValidator.validate(sgd, Map.of("warm_up".replace("_", ""), 3), "training.optimizer");
        assertThat(p.getDouble("lr")).isEqualTo(0.01);
        assertThat(p.getInt("warmup")).isEqualTo(3);
        assertThat(p.getString("mode")).isEqualTo("a");
        assertThat(p.has("inner")).isFalse();
    }

    @Test
    void aNegativeLearningRateNamesComponentParameterValueAndRange() {
        assertThatThrownBy(() -> ParamsValidator.validate(sgd, Map.of("lr", -0.1), "training.optimizer"))
                .isInstanceOf(GradlabException.class)
                .hasMessageContaining("optimizer 'sgd'")
                .hasMessageContaining("'lr' = -0.1")
                .hasMessageContaining("(0, 10]");
    }

    @Test
    void unknownKeysListTheValidOnes() {
        assertThatThrownBy(() -> ParamsValidator.validate(sgd, Map.of("lrr", 0.1), "x"))
                .hasMessageContaining("unknown parameter 'lrr'")
                .hasMessageContaining("did you mean 'lr'")
                .hasMessageContaining("valid parameters: lr, warmup, mode, inner");
    }

    @Test
    void wrongTypesAndChoicesAreRejected() {
        assertThatThrownBy(() -> ParamsValidator.validate(sgd, Map.of("warmup", 1.5), "x")).hasMessageContaining("not a whole number");
        assertThatThrownBy(() -> ParamsValidator.validate(sgd, Map.of("mode", "c"), "x")).hasMessageContaining("one of [a, b]");
        assertThatThrownBy(() -> ParamsValidator.validate(sgd, Map.of("lr", "fast"), "x")).hasMessageContaining("not a number");
    }

    @Test
    void nestedComponentsAcceptAnIdOrAMap() {
        Params p = ParamsValidator.validate(sgd, Map.of("inner", Map.of("id", "normal", "std", 1.0)), "x");
        assertThat(p.getComponent("inner")).isEqualTo(ComponentSpec.of("normal", Map.of("std", 1.0)));
        assertThatThrownBy(() -> ParamsValidator.validate(sgd, Map.of("inner", Map.of("std", 1.0)), "x")).hasMessageContaining("needs an 'id'");
    }

    @Test
    void listsOfIntegerListsAreReadAndCheckedElementByElement() {
        var skip = ComponentFactory.of(ComponentKind.ARCHITECTURE, "skip", "test", List.of(
                ParameterSpec.intLists("skips", null, "pairs").range(0, 100)), (p, b) -> null);
        Params p = ParamsValidator.validate(skip, Map.of("skips", List.of(List.of(1, 3), List.of(4.0, "7"))), "x");
        assertThat(p.getIntLists("skips")).isEqualTo(List.of(List.of(1, 3), List.of(4, 7)));
        assertThat(ParamsValidator.validate(skip, Map.of(), "x").has("skips")).isFalse();
        assertThatThrownBy(() -> ParamsValidator.validate(skip, Map.of("skips", List.of(1, 3)), "x"))
                .hasMessageContaining("'skips' = [1, 3]").hasMessageContaining("is not a list");
        assertThatThrownBy(() -> ParamsValidator.validate(skip, Map.of("skips", List.of(List.of(1, 300))), "x"))
                .hasMessageContaining("[[1, 300]]").hasMessageContaining("[0, 100]");
        assertThatThrownBy(() -> ParamsValidator.validate(skip, Map.of("skips", 3), "x")).hasMessageContaining("list of lists");
    }
}
